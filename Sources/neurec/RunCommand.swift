import ArgumentParser
import Experiments
import Foundation
import Reports

extension ReportFormat: ExpressibleByArgument {}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a report template: execute its experiments, draw its figures, write Markdown, HTML and PDF.",
        discussion: """
        TEMPLATE is a Markdown file with a YAML front matter and ```neurec blocks (see reports/README.md). \
        Figures go to DIR/figures/NAME/ID.png and .pdf; the report to DIR/NAME.md, DIR/NAME.html and DIR/NAME.pdf. \
        Results are cached, so a re-run with nothing changed takes seconds.
        """)

    @Argument(help: "The report template, e.g. reports/paper.md.")
    var template: String

    @Option(help: "Named scale from the front matter (e.g. ci or paper); default: the template's default scale.")
    var scale: String?

    @Option(help: "Output folder.")
    var out: String = "out"

    @Option(help: "Output format (repeatable): md, html or pdf; default: all three.")
    var format: [ReportFormat] = []

    @Option(help: "PDF paper size: a4 or letter.")
    var paper: String = "a4"

    @Flag(help: "Render a failing block as an error box in place and carry on (the exit code still says it failed).")
    var keepGoing = false

    @Flag(help: "Keep raw HTML from the template in the HTML report (also `allow_html: true` in the front matter).")
    var allowHTML = false

    @Flag(help: "Allow images that are not files inside the template's folder.")
    var allowOutsideImages = false

    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        guard ["a4", "letter"].contains(paper.lowercased()) else {
            throw ValidationError("--paper must be a4 or letter, got '\(paper)'")
        }
        // A shard writes no report, so it leaves the output folder alone.
        if try runOptions.parsedShard() == nil { try RunOptions.checkWritable(URL(fileURLWithPath: out), flag: "--out") }
    }

    func run() throws {
        let runner = try runOptions.runner()
        let builder = ReportBuilder(executor: RunnerExecutor(runner: runner))
        let outputDirectory = URL(fileURLWithPath: out)
        let start = Date()
        do {
            // A shard computes its share and writes nothing: a report only ever comes from complete results.
            // The template is read and parsed once, for the shard plan and for the build.
            let (parsed, file) = try ReportBuilder.parse(templateAt: URL(fileURLWithPath: template), scale: scale, keepGoing: keepGoing)
            if let shardDone = try runOptions.prepare(ReportWorkload(parsed), runner: runner) { return print(shardDone) }
            var options = ReportOptions(scale: scale, outputDirectory: outputDirectory, keepGoing: keepGoing,
                                        allowHTML: allowHTML, allowOutsideImages: allowOutsideImages)
            options.allowLong = runOptions.yes
            let document = try builder.build(parsed, file: file, options: options)
            let written = try ReportWriter.write(document, to: outputDirectory, formats: format.isEmpty ? ReportFormat.allCases : format,
                                                 paper: paper.lowercased() == "letter" ? .letter : .a4)
            for url in written { print("wrote \(url.path)") }
            if document.failureCount > 0 {
                FileHandle.standardError.write(Data("neurec: report written with \(document.failureCount) failed block\(document.failureCount == 1 ? "" : "s") or value\(document.failureCount == 1 ? "" : "s") (see the error boxes)\n".utf8))
                throw ExitCode.failure
            }
            if document.failedTrials > 0, !runOptions.allowFailures {
                FileHandle.standardError.write(Data("neurec: report written, but \(document.failedTrials) trials reached no optimum (exit 3; --allow-failures accepts them)\n".utf8))
                throw ExitCode(3)
            }
            // The CPU time beside the wall time, to set against the estimate printed at the start.
            FileHandle.standardError.write(Data(String(format: "neurec: report done in %.1f s (%.0f CPU-s)\n",
                                                       Date().timeIntervalSince(start), RunEstimate.processCPUSeconds()).utf8))
        } catch let error as ReportError {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }
}

