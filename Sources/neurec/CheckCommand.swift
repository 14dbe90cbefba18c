import ArgumentParser
import Experiments
import FigureChecks
import Foundation
import NumpyFiles
import Reports

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

    func run() throws {
        let templateURL = URL(fileURLWithPath: template)
        let name = templateURL.deletingPathExtension().lastPathComponent
        let outputDirectory = URL(fileURLWithPath: out)
        let runner = try runOptions.runner()
        let text: String
        do { text = try String(contentsOf: templateURL, encoding: .utf8) } catch {
            throw ValidationError("\(template): cannot read the template (\(error.localizedDescription))")
        }
        let figures: [RegeneratedFigure]
        do {
            let workload = ReportWorkload(try ReportBuilder.parse(text: text, file: template, scale: scale))
            if let shardDone = try runOptions.prepare(workload, runner: runner) { return print(shardDone) }
            let executor = RunnerExecutor(runner: runner)
            let builder = ReportBuilder(executor: executor)
            let document = try builder.build(text: text, file: template,
                                             options: ReportOptions(scale: scale, outputDirectory: outputDirectory))
            try ReportWriter.write(document, to: outputDirectory, formats: [.md], paper: .a4)
            // The executor kept every result of the build: asking again computes and reads nothing.
            let parsed = try ReportBuilder.parse(text: text, file: template, scale: scale)
            figures = try parsed.directives.filter { $0.figure != nil }.map { directive in
                RegeneratedFigure(id: directive.id, arrays: try arrays(of: directive, executor: executor),
                                  png: outputDirectory.appendingPathComponent("figures/\(name)/\(directive.id).png"))
            }
        } catch let error as ReportError {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode.failure
        }
        let store = baselines.map { BaselineStore(folder: URL(fileURLWithPath: $0)) }
            ?? BaselineStore(folder: URL(fileURLWithPath: "figures/baseline").appendingPathComponent(name))
        let report = try checkFigures(figures, baselines: store, update: update, diffFolder: outputDirectory)
        print(report.description)
        if !report.allPassed { throw ExitCode.failure }
    }

    /// Every metric of every panel, as per-trial arrays; cluster probabilities as one trial of a
    /// continuous value per (d, σ).
    private func arrays(of directive: Directive, executor: RunnerExecutor) throws -> [TrialArray] {
        try directive.runs.enumerated().flatMap { panel, run -> [TrialArray] in
            let suffix = directive.runs.count > 1 ? "[\(panel + 1)]" : ""
            switch run {
            case .grid(let spec):
                let result = try executor.run(spec)
                return spec.metrics.map { metric in
                    let array = result.arrays[metric]!
                    return TrialArray(name: metric.rawValue + suffix, kind: metric.isProbability ? .rate : .continuous,
                                      nValues: array.nValues.map(Double.init), dValues: array.dValues.map(Double.init),
                                      values: array.numpyArray)
                }
            case .cluster(let spec):
                let result = try executor.runCluster(spec)
                return [TrialArray(name: "cluster_probability" + suffix, kind: .continuous,
                                   nValues: spec.dValues.map(Double.init), dValues: spec.sigmas,
                                   values: NumpyArray(shape: [spec.dValues.count, spec.sigmas.count, 1],
                                                      values: result.probability.flatMap { $0 }))]
            }
        }
    }
}
