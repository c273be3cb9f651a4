const ui = require('@ui');
const lodash = require("lodash/fp");
const re = /require\('\.\/not'\)/;
module.exports = { ui, lodash, re };
