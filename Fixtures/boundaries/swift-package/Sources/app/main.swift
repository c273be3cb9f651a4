import Facade
import Store   // re-exported by Facade: declared enough
import Core    // neither declared nor re-exported: undeclared
import struct Yams.Node  // not declared either

print("ok")
