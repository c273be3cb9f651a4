import Foundation

// libFuzzer supplies `main` when it links in its driver; SwiftPM may alias `main` to this file's entry
// point instead, so both paths end in the same driver with the same callback.
let status = FuzzDriver.run()
exit(status)
