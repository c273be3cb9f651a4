import a from "a";
export * from "./b";
const c = require("c");
import("d");
// import "no"
const r = /import "x"/;
