import ContentHash
import Foundation
import Testing
@testable import VerifierMigrations

/// Pins each tool's checksum with the test vectors and Atlas's own published atlas.sum files.
@Suite struct ChecksumVectorTests {
    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test func prismaHelloVector() {
        let file = MigrationFile(version: .name("x"), name: "x", path: "x", bytes: Array("hello".utf8),
                                 checksum: Checksums.sha256Hex(Array("hello".utf8)))
        #expect(file.checksum.hasPrefix("2cf24dba"))
        #expect(file.checksum == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        #expect(PrismaFormat().matches(file, stored: file.checksum))
        #expect(!PrismaFormat().matches(file, stored: Checksums.sha256Hex(Array("hello ".utf8))))
    }

    @Test func prismaAcceptsOtherLineEndingsAndUnpaddedHex() {
        let lf = "CREATE TABLE a (id INT);\nCREATE TABLE b (id INT);\n"
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        let file = { (text: String) in
            MigrationFile(version: .name("m"), name: "m", path: "m", bytes: Array(text.utf8), checksum: sha256(text))
        }
        #expect(PrismaFormat().matches(file(crlf), stored: sha256(lf)), "CRLF file, LF checksum")
        #expect(PrismaFormat().matches(file(lf), stored: sha256(crlf)), "LF file, CRLF checksum")
        #expect(!PrismaFormat().matches(file(lf + "--\n"), stored: sha256(lf)))
        // Early Prisma wrote each byte without zero padding; "hello"'s digest has bytes below 0x10.
        let digest = ContentHash.hash(Array("hello".utf8), .sha256).bytes
        let unpadded = digest.map { String($0, radix: 16) }.joined()
        #expect(unpadded.count < 64)
        #expect(PrismaFormat().matches(file("hello"), stored: unpadded))
    }

    @Test func flywayHelloVectorAndItsNormalisation() {
        #expect(FlywayFormat.checksum(Array("hello".utf8)) == 907_060_870)
        let base = FlywayFormat.checksum(Array("SELECT 1;\nSELECT 2;\n".utf8))
        #expect(FlywayFormat.checksum(Array("SELECT 1;\r\nSELECT 2;\r\n".utf8)) == base, "CRLF")
        #expect(FlywayFormat.checksum(Array("SELECT 1;\n\n\nSELECT 2;".utf8)) == base, "blank lines, no final newline")
        #expect(FlywayFormat.checksum([0xEF, 0xBB, 0xBF] + Array("SELECT 1;\nSELECT 2;\n".utf8)) == base, "one BOM")
        #expect(FlywayFormat.checksum(Array("SELECT  1;\nSELECT 2;\n".utf8)) != base, "whitespace inside a line")
        #expect(FlywayFormat.checksum([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + Array("x".utf8))
                != FlywayFormat.checksum(Array("x".utf8)), "only one BOM is removed")
    }

    @Test func flywayStoresSignedInt32() {
        // Python: zlib.crc32(b"migration") = 3273438658, above Int32.max.
        #expect(CRC32.checksum(Array("migration".utf8)) == 3_273_438_658)
        #expect(FlywayFormat.checksum(Array("migration".utf8)) == Int32(bitPattern: 3_273_438_658))
        #expect(FlywayFormat.checksum(Array("migration".utf8)) < 0)
    }

    @Test func sqlxHashesExactBytesWithSHA384() {
        let hello = ContentHash.hash(Array("hello".utf8), .sha384)
        #expect(hello.bytes.count == 48)
        #expect(hello.hex == "59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f")
        #expect(SqlxFormat.parse("20240101000000_add_users.down.sql") == nil, "down files are never hashed")
        #expect(SqlxFormat.parse("20240101000000_add_users.up.sql")?.description == "add users")
        #expect(SqlxFormat.parse("1_plain_file.sql")?.version == "1")
    }

    // Atlas's own published sums (files and atlas.sum from the Atlas repository's test data), byte for byte.
    static let atlasExamples: [(files: [(String, String)], sum: String)] = [
        ([("20220318104614_initial.sql", "-- create \"tbl\" table\nCREATE TABLE tbl (`col` int NOT NULL);\n"),
          ("20220318104615_second.sql", "ALTER TABLE `tbl` ADD `col_2` bigint;\n")],
         """
         h1:GMi7mvWSIHv0I/Wrc2NCGVt9Z5hWZbPa6wL986t7Z2o=
         20220318104614_initial.sql h1:FifWjY2X0g2YVnb18Qm+QBPvoldDOOob7bS0LrFuCXc=
         20220318104615_second.sql h1:wbPDlODOQeixCiopAhlT7W4xOO9TgJxzjYjxf4TA2f4=

         """),
        ([("1_initial.down.sql", "DROP TABLE IF EXISTS t;"), ("1_initial.up.sql", "CREATE TABLE t(c int);")],
         """
         h1:M74RrNK69S2pj6C541LR1ew5O32/i0WoyNgsJmyuiUk=
         1_initial.down.sql h1:0zypK43rgPbgvVUgVJABGN25VgM1QSeU+LJDBb8cEQI=
         1_initial.up.sql h1:hFhs5XhRml4KTWGF5td6h1s7xNqAFnaEBbC5Y/NF7i4=

         """),
    ]

    @Test(arguments: 0..<atlasExamples.count)
    func atlasReproducesPublishedSums(_ index: Int) throws {
        let example = Self.atlasExamples[index]
        let sum = AtlasSum.compute(example.files.map { ($0.0, Array($0.1.utf8)) })
        #expect(sum.rendered == example.sum)
        let parsed = try AtlasSum.parse(example.sum).get()
        #expect(parsed.header == parsed.sum.total)
        #expect(parsed.sum == sum)
    }

    @Test func atlasSumIgnoreDirective() {
        #expect(AtlasSum.ignored(Array("-- atlas:sum ignore\nSELECT 1;".utf8)))
        #expect(!AtlasSum.ignored(Array("-- atlas:sum ignored\n".utf8)))
        #expect(!AtlasSum.ignored(Array("SELECT 1;\n-- atlas:sum ignore\n".utf8)), "only the first line counts")
        // An ignored file still feeds its name into the running hash, but gets no line.
        let plain = AtlasSum.compute([("1.sql", Array("a".utf8)), ("2.sql", Array("b".utf8))])
        let ignored = AtlasSum.compute([("1.sql", Array("a".utf8)), ("1b.sql", Array("-- atlas:sum ignore\n".utf8)),
                                        ("2.sql", Array("b".utf8))])
        #expect(ignored.lines.map(\.name) == ["1.sql", "2.sql"])
        #expect(ignored.lines[1].hash != plain.lines[1].hash)
    }
}
