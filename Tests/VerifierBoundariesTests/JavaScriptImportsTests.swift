import Foundation
import Testing
@testable import VerifierBoundaries

/// The TypeScript/JavaScript extractor: static, re-export, require and dynamic forms; lexing traps.
@Suite struct JavaScriptImportsTests {
    func imports(_ source: String) -> [String] {
        Array(source.utf8).withUnsafeBufferPointer { JavaScriptImports.extract($0) }
            .map { "\($0.line):\($0.target)\($0.flags.contains(.typeOnly) ? " (type)" : "")" }
    }

    @Test func staticImportForms() {
        let src = """
            import a from './a';
            import * as b from "b"
            import { c, d as e } from '@scope/c/sub'
            import {
              f,
              g,
            } from './f.js';
            import './side-effect.css'
            import type { T } from './types'
            import type from './type-as-default-name'
            """
        #expect(imports(src) == ["1:./a", "2:b", "3:@scope/c/sub", "4:./f.js", "8:./side-effect.css", "9:./types (type)",
                                 "10:./type-as-default-name"])
    }

    @Test func reExportsRequireAndDynamicImports() {
        let src = """
            export * from './all'
            export * as ns from './ns'
            export { x } from './x'
            export type { Y } from './y'
            export const z = 1
            const r = require('./r')
            const lazy = await import('./lazy')
            const tpl = import(`./tpl`)
            const computed = import(`./${name}`)
            import fs = require("fs")
            obj.require('./not-a-require'); x.import
            """
        #expect(imports(src) == ["1:./all", "2:./ns", "3:./x", "4:./y (type)", "6:./r", "7:./lazy", "8:./tpl", "10:fs"])
    }

    @Test func commentsStringsTemplatesAndRegexesAreSkipped() {
        let src = """
            // import a from './comment'
            /* require('./block') */
            const s = "import b from './string'"
            const t = `import c from './template' ${ require('./inside-template') }`
            const re = /import d from '.\\/regex'/g
            const ratio = a / b; import e from './after-division'
            const jsx = <p>Don't import f from './jsx-text'</p>
            import g from './after-jsx'
            """
        #expect(imports(src) == ["4:./inside-template", "6:./after-division", "8:./after-jsx"])
    }

    @Test func resolutionNamesPackages() {
        #expect(JavaScriptProject.packageName("@scope/pkg/deep/file") == "@scope/pkg")
        #expect(JavaScriptProject.packageName("lodash/fp") == "lodash")
        #expect(JavaScriptProject.packageName("node:fs") == "node:fs")
    }

    @Test func jsoncAllowsCommentsAndTrailingCommas() throws {
        let text = "{\n // c\n \"a\": [1, 2,], /* d */ \"b\": \"x // not a comment\",\n}"
        let stripped = JSONC.strip(Array(text.utf8))
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(stripped)) as? [String: Any])
        #expect(obj["b"] as? String == "x // not a comment")
        #expect((obj["a"] as? [Int]) == [1, 2])
    }
}
