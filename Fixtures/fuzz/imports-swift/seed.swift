@testable import Store
import Core
import Testing
