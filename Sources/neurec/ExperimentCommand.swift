import ArgumentParser
import Experiments
import Foundation
import Instances
import Vocabulary

extension PlantedModel: ExpressibleByArgument {}
extension Fitting: ExpressibleByArgument {}
extension Metric: ExpressibleByArgument {}

/// A command running one spec over the original grid flags.
protocol GridExperimentCommand: ParsableCommand {
    var script: OriginalScriptOptions<QuickDefaults> { get }
    var saveFolder: String { get }
    /// The spec without the flags' instance parameters, which depend on its draw order.
    func specSkeleton() -> ExperimentSpec
}

extension GridExperimentCommand {
    func spec() throws -> ExperimentSpec {
        var spec = specSkeleton()
        spec.parameters = try script.parameters(for: spec.drawOrder)
        return spec
    }

    func validate() throws {
        try script.validateSizes()
        let spec = try spec()
        try script.validate(for: spec.drawOrder)
        do { try spec.validate() } catch { throw ValidationError("\(error)") }
        try RunOptions.checkWritable(URL(fileURLWithPath: saveFolder), flag: "--save_folder")
    }
}

/// `neurec experiment`: any planted model × learned network × fitting, over the original grid.
struct ExperimentCommand: GridExperimentCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Run any planted model × learned network × form over the (n, d) grid and save one .npy per metric.",
        discussion: """
            Metrics: \(Metric.allCases.map(\.rawValue).joined(separator: ", ")). Every array is [n index, d index, trial];
            the file names are <metric>_<planted>_<learned>_<form>_n{N}_d{D}_w{optw}_X{optx}_sig{σ}_neu{k}_sample{S}.npy.
            """)

    @Option(help: "Planted model: linear, plain or normalized.")
    var planted: PlantedModel = .linear
    @Option(help: "Learned network: plain, skip or normalized.")
    var learned: NetworkKind = .skip
    @Option(help: "relaxed, exact or approx convex program, or train (nonconvex training).")
    var form: Fitting = .relaxed
    @Option(parsing: .upToNextOption, help: "Metrics to record (one or more).")
    var metric: [Metric] = [.recovery]
    @OptionGroup var script: OriginalScriptOptions<QuickDefaults>
    @OptionGroup var running: RunOptions
    @Option(name: .customLong("save_folder"), help: "Folder for the .npy results.")
    var saveFolder: String = "./results/"
    @Option(help: "Random streams: numpy (one shared stream, in the draw order of the nearest original script) or cell.")
    var rng: StreamMode = .cell

    func specSkeleton() -> ExperimentSpec {
        ExperimentSpec(planted: planted, learned: learned, fitting: form, grid: script.grid, seed: script.seed, rng: rng,
                       metrics: metric)
    }

    func run() throws {
        let spec = try spec()
        try running.announce({ try RunEstimate(spec: spec) }, sizeFlags: "--n/--d/--sample")
        let result = try running.runner().run(spec)
        if running.reportedShard(result) { return }
        let files = OriginalScript.experimentFiles(for: spec, maxN: script.n, maxD: script.d)
        for path in try result.save(files, in: URL(fileURLWithPath: saveFolder)) { print(path.path) }
        for m in metric {
            print("\(m.rawValue): mean over the grid \(String(format: "%.4g", result.arrays[m]!.gridMean))")
        }
        if let rates = CertifiedRates(result.arrays) { print(rates.summary) }
        try running.reportFailures(result)
    }
}

/// `neurec nic`: how often the neural isometry conditions of science §6 hold over the grid.
struct NICCommand: GridExperimentCommand {
    static let configuration = CommandConfiguration(
        commandName: "nic",
        abstract: "Probability that the neural isometry conditions hold (NIC-L for a planted linear neuron, irrepresentability for planted ReLU neurons), with the all-ones pattern rate beside them.")

    @Option(help: "linear (NIC-L, skip network) or normalized (irrepresentability, normalization network).")
    var planted: PlantedModel = .linear
    @OptionGroup var script: OriginalScriptOptions<QuickDefaults>
    @OptionGroup var running: RunOptions
    @Option(name: .customLong("save_folder"), help: "Folder for the .npy results.")
    var saveFolder: String = "./results/"
    @Option(help: "Random streams: numpy or cell.")
    var rng: StreamMode = .cell
    @Flag(help: "Also solve the relaxed program and show, per cell, P(unique recovery) / P(solver says recovered) / P(planted optimal), and the tie rate (science §10); saves their arrays too.")
    var certify = false

    var condition: Metric { planted == .linear ? .nicL : .irrepresentability }
    static let certifiedMetrics: [Metric] = [.unique, .recovery, .plantedOptimal, .tie]

    func specSkeleton() -> ExperimentSpec {
        ExperimentSpec(planted: planted, learned: planted == .linear ? .skip : .normalized, fitting: .relaxed,
                       grid: script.grid, seed: script.seed, rng: rng,
                       metrics: [condition, .allOnes] + (certify ? Self.certifiedMetrics : []))
    }

    func run() throws {
        let spec = try spec()
        try running.announce({ try RunEstimate(spec: spec) }, sizeFlags: "--n/--d/--sample")
        let result = try running.runner().run(spec, label: "nic \(condition.rawValue)")
        if running.reportedShard(result) { return }
        let files = OriginalScript.conditionFiles(for: spec, maxN: script.n, maxD: script.d)
        for path in try result.save(files, in: URL(fileURLWithPath: saveFolder)) { print(path.path) }
        printTable("P(\(condition.rawValue) holds)", [condition], result)
        if certify, let rates = CertifiedRates(result.arrays) {
            printTable("P(unique recovery) / P(solver says recovered) / P(planted optimal)", [.unique, .recovery, .plantedOptimal], result)
            printTable("P(tie): planted optimal, not unique", [.tie], result)
            print(rates.summary)
        }
        try running.reportFailures(result)
    }

    /// Cells as "a/b/c", one number per metric, n down and d across.
    private func printTable(_ title: String, _ metrics: [Metric], _ result: ExperimentResult) {
        print("\(title) by n (rows) and d (columns):")
        print(TrialGrid.meansTable(metrics.map { result.arrays[$0]! }))
    }
}

/// `neurec relu_prob`: the cluster pattern probability (the original ReLU/prob script).
struct ReLUProbCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relu_prob",
        abstract: "Cluster pattern probability (science §6): saves ReLU_prob{opt}.npy, [d index, σ index].")

    @Option(help: "1: μ₁ = 1, μ₂ = −1; 2: Gaussian μ; 3: Gaussian μ of unit norm.")
    var opt: Int = 3
    @Option(help: "Trials per (d, σ).")
    var sample: Int = 5000
    @Option(help: "Seed.")
    var seed: UInt32 = 18_116_275
    @OptionGroup var running: RunOptions
    @Option(name: .customLong("save_folder"), help: "Folder for the .npy result.")
    var saveFolder: String = "./results/"

    func means() throws -> ClusterMeans {
        guard let means = ClusterMeans(rawValue: opt) else {
            throw ValidationError("--opt must be 1 (μ₁ = 1, μ₂ = −1), 2 (Gaussian μ) or 3 (unit-norm Gaussian μ), got \(opt)")
        }
        return means
    }

    func validate() throws {
        _ = try means()
        guard (1...Self.maxSample).contains(sample) else {
            throw ValidationError("--sample must be in [1, \(Self.maxSample)], got \(sample)")
        }
        try RunOptions.checkWritable(URL(fileURLWithPath: saveFolder), flag: "--save_folder")
    }

    /// A billion trials per (d, σ) is ~10⁸ core-seconds; more is a typo.
    static let maxSample = 1_000_000_000

    func run() throws {
        let spec = ClusterSpec(means: try means(), trials: sample, seed: seed)
        try running.announce({ try RunEstimate(cluster: spec) }, sizeFlags: "--sample")
        let result = try running.runner().runCluster(spec)
        print(try result.save(in: URL(fileURLWithPath: saveFolder)).path)
    }
}
