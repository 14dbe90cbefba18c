import Experiments
import Foundation
import Reports
import Vocabulary

/// The bridge from a report template to its figure checks: builds the report once and turns each
/// figure's experiments into the per-trial arrays its check compares.
public enum ReportFigures {
    /// Builds `text` (the template `file`) at `scale` into `outputDirectory` (Markdown and the figures'
    /// PNGs) through `runner`, and returns every figure's regenerated data and picture.
    public static func regenerate(text: String, file: String, scale: String, outputDirectory: URL,
                                  runner: ExperimentRunner) throws -> [RegeneratedFigure] {
        try regenerate(ReportBuilder.parse(text: text, file: file, scale: scale), file: file, scale: scale,
                       outputDirectory: outputDirectory, runner: runner)
    }

    /// The same for a template already parsed (the check parses it once to plan shards).
    public static func regenerate(_ parsed: ParsedTemplate, file: String, scale: String, outputDirectory: URL,
                                  runner: ExperimentRunner) throws -> [RegeneratedFigure] {
        let executor = RunnerExecutor(runner: runner)
        let document = try ReportBuilder(executor: executor)
            .build(parsed, file: file, options: ReportOptions(scale: scale, outputDirectory: outputDirectory,
                                                              pngDPI: BaselineStore.imageDPI))
        try ReportWriter.write(document, to: outputDirectory, formats: [.md], paper: .a4)
        let figureFolder = outputDirectory.appendingPathComponent("figures").appendingPathComponent(parsed.name)
        // The executor kept every result of the build: asking again computes and reads nothing.
        return try parsed.directives.filter { $0.figure != nil }.map { directive in
            RegeneratedFigure(id: directive.id, arrays: try arrays(of: directive, executor: executor),
                              png: figureFolder.appendingPathComponent("\(directive.id).png"))
        }
    }

    /// Every metric of every panel, as per-trial arrays; cluster probabilities as one trial of a
    /// continuous value per (d, σ).
    static func arrays(of directive: Directive, executor: RunnerExecutor) throws -> [TrialArray] {
        if let boundary = directive.boundary { return [try boundaryArray(boundary, executor: executor)] }
        return try directive.runs.enumerated().flatMap { panel, run -> [TrialArray] in
            let suffix = directive.runs.count > 1 ? "[\(panel + 1)]" : ""
            switch run {
            case .grid(let spec):
                let result = try executor.run(spec)
                return spec.metrics.map { metric in
                    TrialArray(name: metric.rawValue + suffix, kind: metric.isProbability ? .rate : .continuous,
                               grid: result.arrays[metric]!)
                }
            case .cluster(let spec):
                let result = try executor.runCluster(spec)
                let grid = TrialGrid(nValues: spec.dValues.map(Double.init), dValues: spec.sigmas, trials: 1,
                                     values: result.probability.flatMap { $0 })
                return [TrialArray(name: "cluster_probability" + suffix, kind: .continuous, grid: grid)]
            }
        }
    }

    /// A boundary figure's data: n*/d per (level, d) as three continuous "trials", the interval's lower
    /// end, the estimate and the upper end (NaN where the search found none), so the check's
    /// tolerance (pooled standard errors over the trials) scales with the interval's width.
    static func boundaryArray(_ spec: BoundarySpec, executor: RunnerExecutor) throws -> TrialArray {
        // The executor kept every probe of the build: the replay computes and reads nothing.
        let result = try spec.run { try executor.runProbe($0) }
        var grid = TrialGrid(nValues: spec.settings.levels, dValues: spec.dValues.map(Double.init), trials: 3)
        for (i, _) in spec.settings.levels.enumerated() {
            for (j, row) in result.rows.enumerated() {
                let e = row.estimates[i], d = Double(row.d)
                grid[i, j, 0] = Double(e.lower) / d
                grid[i, j, 1] = e.estimate.map { Double($0) / d } ?? .nan
                grid[i, j, 2] = e.upper.map { Double($0) / d } ?? .nan
            }
        }
        let top = max(1, (grid.values.filter { !$0.isNaN }.max() ?? 1).rounded(.up))
        return TrialArray(name: "n_star_over_d", kind: .continuous, grid: grid, plottedRange: 0...top)
    }
}
