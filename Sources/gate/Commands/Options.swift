import ArgumentParser
import GateCore
import GateReports

/// Where reports go; shared by `run` and `check`.
struct ReportOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Directory for all report formats.", valueName: "dir"))
    var reports: String?

    @Option(name: .long, help: ArgumentHelp("Write the JSON report (gate-report/1) here.", valueName: "path"))
    var json: String?

    @Option(name: .long, help: ArgumentHelp("Write the JUnit XML report here.", valueName: "path"))
    var junit: String?

    @Option(name: .long, help: ArgumentHelp("Write the SARIF 2.1.0 report here.", valueName: "path"))
    var sarif: String?

    @Option(name: .long, help: ArgumentHelp("Write the Markdown summary here.", valueName: "path"))
    var markdown: String?

    @Option(name: .long, help: ArgumentHelp("Write the self-contained HTML report here.", valueName: "path"))
    var html: String?

    var explicit: [ReportFormat: String] {
        var out: [ReportFormat: String] = [:]
        if let json { out[.json] = json }
        if let junit { out[.junit] = junit }
        if let sarif { out[.sarif] = sarif }
        if let markdown { out[.markdown] = markdown }
        if let html { out[.html] = html }
        return out
    }
}

/// How much the console says.
struct OutputOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print only failures and the final summary.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Print every finding and the log of failed checks.")
    var verbose = false

    @Flag(name: .long, help: "Disable colours (also: NO_COLOR=1).")
    var noColor = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
    }
}

/// Splits `--only a,b --only c` into ids.
func splitIDs(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",") }.map { String($0).trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }
}

/// A whole number from the command line in `range`. ArgumentParser's own message for a bad `Int` names
/// neither the range nor the problem, and takes 10^12 for `--jobs` without a word.
func countOption(_ text: String, name: String, range: ClosedRange<Int>) throws -> Int {
    guard let n = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(n) else {
        throw ValidationError("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
    }
    return n
}
