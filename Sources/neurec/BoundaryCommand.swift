import ArgumentParser
import Experiments
import Foundation
import Instances
import Vocabulary

/// `neurec boundary`: locate, for each d, the n where a 0/1 rate crosses given levels (the adaptive
/// search of `BoundarySearch`), instead of computing a full grid.
struct BoundaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boundary",
        abstract: "Locate the phase boundary n*(d) of a 0/1 metric adaptively, with a confidence interval per level.",
        discussion: """
            For each d: brackets n* by doubling from n = start-ratio·d, then bisects in n with step 1; each probe adds
            trials (doubling from --trials up to --max-trials) until the Wilson interval of its rate excludes the level.
            Metrics: \(Metric.boundaryMetrics.map(\.rawValue).joined(separator: ", ")) (all_ones falls with n, the others rise).
            Probes are one-cell grid runs in cell mode and share the result cache with grid runs; with --shard every
            shard runs every search, and each probe's trials go to whichever shard claims them first.
            """)

    @Option(help: "Planted model: linear, plain or normalized.")
    var planted: PlantedModel = .linear
    @Option(help: "Learned network: plain, skip or normalized.")
    var learned: NetworkKind = .skip
    @Option(help: "relaxed, exact or approx convex program, or train.")
    var form: Fitting = .relaxed
    @Option(help: "The 0/1 metric whose rate is followed.")
    var metric: Metric = .recovery
    @Option(name: .customLong("d"), parsing: .upToNextOption, help: "Dimensions d to locate n* at (increasing).")
    var dValues: [Int] = [10, 20, 50]
    @Option(parsing: .upToNextOption, help: "Levels of the rate (each strictly between 0 and 1).")
    var levels: [Double] = [0.5, 0.9]
    @Option(help: "Nominal coverage of each n* interval.")
    var confidence: Double = 0.95
    @Option(help: "Trials of a probe's first look.")
    var trials: Int = 10
    @Option(help: "Most trials per probe.")
    var maxTrials: Int = 160
    @Option(help: "The bracket starts at n = start-ratio · d.")
    var startRatio: Double = 2
    @Option(help: "Smallest n the search looks at.")
    var minN: Int = 2
    @Option(help: "Largest n the search looks at.")
    var maxN: Int = 100_000
    @Option(help: "Seed of the random streams.")
    var seed: UInt32 = ScriptFlags.quick.seed
    @Option(help: "Planted weights (as for `neurec experiment`; default 1 for a planted linear neuron, 0 for ReLU neurons).")
    var optw: Int?
    @Option(help: "Data law: 0 Gaussian, 1 cubic, 2 whitened, 3 cubic then whitened.")
    var optx: Int = 0
    @Option(help: "Label noise level σ ≥ 0.")
    var sigma: Double = 0
    @Option(help: "Planted ReLU neurons k.")
    var neu: Int = 1
    @OptionGroup var running: RunOptions

    func spec() throws -> BoundarySpec {
        guard let law = DataLaw(rawValue: optx) else {
            throw ValidationError("--optx must be 0 (Gaussian), 1 (cubic), 2 (whitened) or 3 (cubic then whitened), got \(optx)")
        }
        guard let first = dValues.first else { throw ValidationError("--d needs at least one dimension") }
        var experiment = ExperimentSpec(planted: planted, learned: learned, fitting: form,
                                        grid: InstanceGrid(nValues: [max(1, 2 * first)], dValues: [first], trials: 1),
                                        seed: seed, rng: .cell, metrics: [metric])
        let weights = optw ?? ScriptFlags.quick.plantedOption(for: experiment.drawOrder)
        guard let planted = PlantedWeights(rawValue: weights) else {
            throw ValidationError("--optw must be \(PlantedWeights.choices(for: experiment.drawOrder)), got \(weights)")
        }
        experiment.parameters = InstanceParameters(dataLaw: law, plantedWeights: planted, neurons: neu, sigma: sigma)
        if let reason = experiment.parameters.invalidity(for: experiment.drawOrder) { throw ValidationError(reason) }
        let settings = BoundarySearchSettings(levels: levels, confidence: confidence, initialTrials: trials,
                                              maxTrials: maxTrials, minN: minN, maxN: maxN)
        let spec = BoundarySpec(experiment: experiment, metric: metric, dValues: dValues, settings: settings, startRatio: startRatio)
        do { try spec.validate() } catch { throw ValidationError(Self.flagged("\(error)")) }
        return spec
    }

    /// The library names settings as a template would; on the command line they are flags.
    static func flagged(_ message: String) -> String {
        let flags = [("metric:", "--metric:"), ("rng:", "--rng:"), ("d:", "--d:"), ("boundary search: levels", "--levels:"),
                     ("boundary search: confidence", "--confidence:"), ("boundary search: initial trials", "--trials:"),
                     ("boundary search: the trial cap", "--max-trials:"), ("boundary search: n must", "--min-n/--max-n: n must"),
                     ("start ratio", "--start-ratio:")]
        for (prefix, flag) in flags where message.hasPrefix(prefix) {
            return flag + message.dropFirst(prefix.count).replacingOccurrences(of: "::", with: ":")
        }
        return message
    }

    func validate() throws {
        _ = try spec()
    }

    func run() throws {
        let spec = try spec()
        try running.announce({ try RunEstimate(boundary: spec) }, sizeFlags: "--d/--max-n/--max-trials")
        let runner = try running.runner()
        if let shard = runner.shard {
            let started = Date()
            let computed = try runner.computeShare(of: [], boundaries: [spec], shard: shard)
            print(String(format: "shard %@ computed %d trials into the cache in %.1f s; run again without --shard to assemble",
                         shard.description, computed, Date().timeIntervalSince(started)))
            return
        }
        let probing = runner.probing()
        let quiet = running.quiet
        let log: @Sendable (String) -> Void = { line in if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) } }
        let result: BoundaryResult
        do {
            result = try spec.run(log: log, progress: SearchProgress(searching: [spec], log: log)) { try probing.run($0) }
        } catch let incomplete as IncompleteResults {
            FileHandle.standardError.write(Data("neurec: boundary: \(incomplete)\n".utf8))
            throw ExitCode.failure
        }
        print(Self.table(result))
    }

    /// One line per d and level, then the fitted limit per level.
    static func table(_ result: BoundaryResult) -> String {
        let skip = result.spec.experiment.learned == .skip
        var lines = ["d\tlevel\tn*\tinterval\tn*/d\t" + (skip ? "Wendel n/d\t" : "") + "probes\tinstances\tfull grid"]
        for row in result.rows {
            for e in row.estimates {
                let ratio = e.estimate.map { String(format: "%.3f", Double($0) / Double(row.d)) } ?? "—"
                let wendel = skip ? String(format: "%.3f\t", Double(result.wendelReference(level: e.level, d: row.d)) / Double(row.d)) : ""
                lines.append("\(row.d)\t\(e.level)\t\(e.estimate.map(String.init) ?? "> \(result.spec.settings.maxN)")\t[\(e.lower), \(e.upper.map(String.init) ?? "—")]\t\(ratio)\t\(wendel)\(row.probes.count)\t\(row.instances)\t\(row.gridInstances)")
            }
        }
        for (k, level) in result.spec.settings.levels.enumerated() {
            if let fit = result.limit(level: k) {
                lines.append(String(format: "level %g: limit of n*/d = %.3f [%.3f, %.3f] (weighted fit of n*/d = c + a/d, a = %.2f)",
                                    level, fit.limit, fit.lower, fit.upper, fit.slope))
            }
        }
        return lines.joined(separator: "\n")
    }
}
