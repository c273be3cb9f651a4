/// The fix for a kind of difference, in the words of the toolchain that made the output: a Python sdist
/// gets `SOURCE_DATE_EPOCH` and `sorted()`, a jar gets `project.build.outputTimestamp`, a Rust library
/// `--remap-path-prefix`. The toolchain is read from the command and the output's names.
struct ToolchainHints: Sendable {
    enum Toolchain: String, Sendable, CaseIterable {
        case python, c, rust, go, java, node
    }

    let toolchains: Set<Toolchain>

    init(command: String, names: [String]) {
        let text = (command + " " + names.joined(separator: " ")).lowercased()
        func has(_ words: String...) -> Bool { words.contains { text.contains($0) } }
        var found: Set<Toolchain> = []
        if has("python", "pip ", "setup.py", "hatch", "poetry", "flit", ".whl", "pkg-info", ".pyc", ".dist-info") { found.insert(.python) }
        if has("gcc", "clang", "cc ", "make", ".so") || names.contains(where: { $0.hasSuffix(".o") || $0.hasSuffix(".a") || $0.hasSuffix(".c") }) {
            found.insert(.c)
        }
        if has("cargo", "rustc", ".rlib", ".crate", "lib.rmeta", "rcgu") { found.insert(.rust) }
        if has("go build", "go install", "go test", ".go ") { found.insert(.go) }
        if has("javac", "jar ", "mvn", "gradle", ".jar", ".class", "meta-inf") { found.insert(.java) }
        if has("npm", "yarn", "pnpm", "package.json", "package/") { found.insert(.node) }
        toolchains = found
    }

    private func pick(_ generic: String, _ specific: [Toolchain: String]) -> String {
        let extra = Toolchain.allCases.filter(toolchains.contains).compactMap { specific[$0] }
        return ([generic] + extra).joined(separator: " ")
    }

    var tarMetadata: String {
        pick("Archive with fixed metadata: tar --sort=name --mtime=@$SOURCE_DATE_EPOCH --owner=0 --group=0 --numeric-owner "
             + "(for pax, also --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime).",
             [.python: "Python: set SOURCE_DATE_EPOCH (setuptools and the build backends honour it), or with tarfile set each TarInfo's mtime, uid, gid, uname and gname.",
              .node: "npm: 'npm pack' (npm 7 and later) writes fixed times; an older npm takes them from the files.",
              .rust: "cargo: 'cargo package' writes fixed times; a hand-made .crate needs the tar flags above."])
    }

    var permissions: String {
        pick("The files were created under different umasks: set modes when archiving (tar --mode=go=rX,u+rw), or chmod before zip.",
             [.python: "Python: set TarInfo.mode (or ZipInfo.external_attr) explicitly."])
    }

    var ownership: String {
        pick("Archive with --owner=0 --group=0 --numeric-owner (zip: -X drops the 'ux' uid/gid field).",
             [.python: "Python: set TarInfo.uid = gid = 0 and uname = gname = ''."])
    }

    var gzipHeader: String {
        pick("Compress with 'gzip -n' (no name or time in the header; GZIP=-n for tar -z).",
             [.python: "Python: gzip.GzipFile(filename='', mtime=0) (tarfile's 'w:gz' writes the current time).",
              .node: "Node: zlib.gzipSync writes MTIME 0; a timestamp here comes from another tool."])
    }

    var zipTimes: String {
        pick("Give the files fixed times before zipping (touch -d @$SOURCE_DATE_EPOCH), under TZ=UTC since DOS times are local, and use 'zip -X' (no 'UT' or 'ux' extra fields).",
             [.java: "Java: Maven project.build.outputTimestamp; Gradle preserveFileTimestamps = false and reproducibleFileOrder = true; jar --date=2020-01-01T00:00:02Z (JDK 17+).",
              .python: "Python: set SOURCE_DATE_EPOCH (the wheel builder honours it), or give each ZipInfo a fixed date_time."])
    }

    var memberOrder: String {
        pick("Members follow directory listing order, which varies: sort the file list (tar --sort=name; find . | LC_ALL=C sort | zip -X -@ out.zip).",
             [.python: "Python: sorted(os.listdir(...)) / sorted(glob(...)) before archiving.",
              .java: "Gradle: reproducibleFileOrder = true.",
              .go: "Go: sort what os.ReadDir returns before archiving."])
    }

    var absolutePath: String {
        pick("Write paths relative to the working directory.",
             [.c: "C/C++: -ffile-prefix-map=$PWD=. (gcc 8+, clang 10+).",
              .rust: "Rust: RUSTFLAGS=\"--remap-path-prefix=$PWD=.\" (and cargo's trim-paths where available).",
              .go: "Go: go build -trimpath.",
              .python: "Python: byte-compile with relative paths (python -m compileall -d or -s).",
              .java: "Java: keep absolute paths out of generated resources and manifests."])
    }

    var timestamp: String {
        pick("Leave the current time out of outputs, or take it from SOURCE_DATE_EPOCH; or, if the field is expected to vary, drop it with 'normalize'.",
             [.c: "C: __DATE__ and __TIME__ embed the build time: compile with -Wdate-time (-Werror=date-time) to find them; gcc and clang honour SOURCE_DATE_EPOCH.",
              .python: "Python: read SOURCE_DATE_EPOCH instead of time.time() or datetime.now().",
              .java: "Java: Maven project.build.outputTimestamp pins generated timestamps."])
    }

    var hashOrder: String {
        pick("Sort before writing: iteration over sets, hash maps, directory listings or parallel results is not ordered.",
             [.python: "Python: sorted(the_set) (PYTHONHASHSEED=0 only hides it).",
              .rust: "Rust: use BTreeMap/BTreeSet, or sort a HashMap's keys.",
              .go: "Go: sort a map's keys before ranging over it.",
              .java: "Java: LinkedHashMap/TreeMap, or sort before writing.",
              .node: "Node: sort Object.keys() where the order is built from a hash."])
    }

    var compression: String {
        pick("Compress with a fixed level and thread count (xz -T1, zstd --single-thread, gzip instead of pigz): multithreaded compressors cut the input by thread count, and other tools or levels produce other bytes.", [:])
    }
}
