import ArgumentParser
import FigureChecks
import Foundation
import Reports
import Vocabulary

/// `neurec check`: regenerate a report's figures and compare them with committed baselines.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Regenerate a report's figures and compare their data and pictures with the committed baselines.",
        discussion: """
            Each figure's per-trial data are compared with figures/baseline/NAME/ID.json by a statistical rule that lets a
            few boundary trials flip but fails a shifted transition, a broken solver or a wrong metric; the rendered PNG is
            compared with ID.png perceptually. One line per figure; a non-zero exit on any failure, with a side-by-side
            difference image ID.diff.png next to the report. See Sources/FigureChecks/README.md.
            """)

    @Argument(help: "The report template, e.g. reports/paper.md.")
    var template: String
    @Option(help: "Named scale from the front matter.")
    var scale: String = "ci"
    @Option(help: "Baseline folder (default: figures/baseline/NAME).")
    var baselines: String?
    @Flag(help: "Rewrite the baselines from this run.")
    var update = false
    @Option(help: "Where the regenerated report, its figures and difference images go.")
    var out: String = "out/check"
    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        // A shard writes no report, so it leaves the output folder alone.
        if try runOptions.parsedShard() == nil { try RunOptions.checkWritable(URL(fileURLWithPath: out), flag: "--out") }
    }

    func run() throws {
        let templateURL = URL(fileURLWithPath: template)
        let outputDirectory = URL(fileURLWithPath: out)
        let runner = try runOptions.runner()
        let text: String
        do { text = try String(contentsOf: templateURL, encoding: .utf8) } catch {
            throw ValidationError("\(template): cannot read the template: \(FileProblem.reason(of: error))")
        }
        let figures: [RegeneratedFigure]
        do {
            let parsed = try ReportBuilder.parse(text: text, file: template, scale: scale)
            if let shardDone = try runOptions.prepare(ReportWorkload(parsed), runner: runner) { return print(shardDone) }
            figures = try ReportFigures.regenerate(parsed, file: template, scale: scale,
                                                   outputDirectory: outputDirectory, runner: runner)
        } catch let error as ReportError {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode.failure
        }
        let store = baselines.map { BaselineStore(folder: URL(fileURLWithPath: $0)) }
            ?? BaselineStore(report: templateURL, root: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let report = try checkFigures(figures, baselines: store, update: update, diffFolder: outputDirectory)
        print(report.description)
        if !report.allPassed { throw ExitCode.failure }
    }
}
