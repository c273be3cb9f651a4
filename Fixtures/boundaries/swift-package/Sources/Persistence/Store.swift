import Core
import Yams
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/* import Facade -- in a comment, not an import */
public struct Store { let text = "import app" }
