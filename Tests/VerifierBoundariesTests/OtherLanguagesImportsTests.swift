import Testing
@testable import VerifierBoundaries

/// Go, Rust, Java/Kotlin and C/C++ extractors.
@Suite struct OtherLanguagesImportsTests {
    func lines(_ imports: [RawImport]) -> [String] { imports.map { "\($0.line):\($0.target)" } }

    @Test func goImportBlocks() {
        let src = """
            // Package x does things.
            package x

            import "fmt"
            import (
                // a comment
                _ "embed"
                . "strings"
                log "github.com/acme/log"
                `example.com/app/internal/db`
            )

            func f() { _ = "import \\"fake\\"" }
            import "never/after/decls"
            """
        let (imports, package) = Array(src.utf8).withUnsafeBufferPointer { GoImports.extract($0) }
        #expect(package == "x")
        #expect(lines(imports) == ["4:fmt", "7:embed", "8:strings", "9:github.com/acme/log", "10:example.com/app/internal/db"])
    }

    @Test func rustUseTreesPathsAndInlineModules() {
        let src = """
            use crate::db::{self, models::User, *};
            use super::config as cfg;
            use std::collections::HashMap;
            extern crate serde;
            // use crate::commented;
            fn f() { let s = "use crate::string;"; crate::api::handler(); let c = 'x'; }
            fn g<'a>(x: &'a str) -> &'a str { x }
            mod tests {
                use super::*;
                use super::super::outer;
                fn t() { let r = r#"crate::raw"#; }
            }
            """
        let imports = Array(src.utf8).withUnsafeBufferPointer { RustImports.extract($0) }
        #expect(lines(imports) == ["1:crate::db", "1:crate::db::models::User", "1:crate::db", "2:super::config",
                                   "3:std::collections::HashMap", "4:serde", "6:crate::api::handler", "9:self",
                                   "10:super::outer"])
    }

    @Test func rustModulePathsFollowFiles() {
        let project = RustProject(root: "/nonexistent", cargoTomls: [])
        #expect(project.modulePath(of: "src/lib.rs") == ["crate"])
        #expect(project.modulePath(of: "src/db/mod.rs") == ["crate", "db"])
        #expect(project.modulePath(of: "src/db/models.rs") == ["crate", "db", "models"])
    }

    @Test func javaAndKotlinDeclarations() {
        let java = """
            /* import fake.Block; */
            package com.acme.core;

            import java.util.List;
            import static org.junit.Assert.assertEquals;
            import com.acme.util.*;

            public class Money { String s = "import fake.String;"; }
            import after.Body;
            """
        let (imports, package) = Array(java.utf8).withUnsafeBufferPointer { JavaImports.extract($0) }
        #expect(package == "com.acme.core")
        #expect(lines(imports) == ["4:java.util.List", "5:org.junit.Assert.assertEquals", "6:com.acme.util"])
        #expect(imports[2].flags.contains(.wildcard))
        let kotlin = "package com.acme.app\n\nimport com.acme.core.Money as Cash\nimport kotlinx.coroutines.*\n"
        let (kImports, kPackage) = Array(kotlin.utf8).withUnsafeBufferPointer { JavaImports.extract($0) }
        #expect(kPackage == "com.acme.app")
        #expect(lines(kImports) == ["3:com.acme.core.Money", "4:kotlinx.coroutines"])
    }

    @Test func cIncludes() {
        let src = """
            #include "local.h"
            #  include <stdio.h>
            /* #include "commented.h" */
            #import "objc.h"
            const char *s = "#include \\"fake.h\\"";
            #include_next <next.h>
            """
        let imports = Array(src.utf8).withUnsafeBufferPointer { CIncludes.extract($0) }
        #expect(lines(imports) == ["1:local.h", "2:stdio.h", "4:objc.h", "6:next.h"])
        #expect(imports[1].flags.contains(.angled) && !imports[0].flags.contains(.angled))
    }
}
