import ArgumentParser
import Experiments
import Instances

/// Where a command's flag defaults come from: an original script's own argparse defaults, or
/// neurec's quick grid for its own commands.
protocol ScriptDefaultsSource {
    static var scriptDefaults: ScriptFlags { get }
}

/// `experiment`, `nic`, `instance`: a grid that runs in minutes.
enum QuickDefaults: ScriptDefaultsSource {
    static var scriptDefaults: ScriptFlags { .quick }
}

/// The flags every original script takes (science §8), with `Defaults`' values: each original
/// command has its script's defaults (`--help` shows them), neurec's own commands the quick ones.
struct OriginalScriptOptions<Defaults: ScriptDefaultsSource>: ParsableArguments {
    @Option(help: "Largest sample size N of the grid n ∈ {10, 20, …, N}.")
    var n: Int = Defaults.scriptDefaults.n
    @Option(help: "Largest dimension D of the grid d ∈ {10, 20, …, D}.")
    var d: Int = Defaults.scriptDefaults.d
    @Option(help: "Trials per grid cell.")
    var sample: Int = Defaults.scriptDefaults.sample
    @Option(help: "Seed of the random streams.")
    var seed: UInt32 = Defaults.scriptDefaults.seed
    @Option(help: "Planted weights: skip 0 Gaussian, 1 smallest right singular vector; normalization 0 Gaussian, 1 basis vectors, 2 u and −u (--neu 2). (default: \(Defaults.scriptDefaults.optw.map(String.init) ?? "1 for skip experiments, 0 for normalization experiments"))")
    var optw: Int?
    @Option(help: "Data law: 0 Gaussian, 1 cubic, 2 whitened, 3 cubic then whitened.")
    var optx: Int = Defaults.scriptDefaults.optx
    @Option(help: "Label noise level σ ≥ 0.")
    var sigma: Double = Defaults.scriptDefaults.sigma
    @Option(help: "Planted ReLU neurons k (normalization experiments).")
    var neu: Int = Defaults.scriptDefaults.neu

    var grid: InstanceGrid { InstanceGrid(maxN: n, maxD: d, trials: sample) }

    func parameters(for experiment: OriginalExperiment) throws -> InstanceParameters {
        guard let law = DataLaw(rawValue: optx) else {
            throw ValidationError("--optx must be 0 (Gaussian), 1 (cubic), 2 (whitened) or 3 (cubic then whitened), got \(optx)")
        }
        let planted = optw ?? Defaults.scriptDefaults.plantedOption(for: experiment)
        guard let weights = PlantedWeights(rawValue: planted) else {
            throw ValidationError("--optw must be \(PlantedWeights.choices(for: experiment)), got \(planted)")
        }
        return InstanceParameters(dataLaw: law, plantedWeights: weights, neurons: neu, sigma: sigma)
    }

    /// The grid's sizes, checked before the grid is built (see README: Stated limits).
    func validateSizes() throws {
        let maxSize = ExperimentSpec.maxSize
        if !(10...maxSize).contains(n) { throw ValidationError("--n must be in [10, \(maxSize)] (the grid starts at n = 10), got \(n)") }
        if !(10...maxSize).contains(d) { throw ValidationError("--d must be in [10, \(maxSize)] (the grid starts at d = 10), got \(d)") }
        if !(1...ExperimentSpec.maxTrials).contains(sample) {
            throw ValidationError("--sample must be in [1, \(ExperimentSpec.maxTrials)], got \(sample)")
        }
    }

    func validate(for experiment: OriginalExperiment) throws {
        try validateSizes()
        let parameters = try parameters(for: experiment)
        if let reason = parameters.invalidity(for: experiment) { throw ValidationError(reason) }
        if experiment.plantsReLUNeurons && parameters.plantedWeights == .structured && neu > 10 {
            throw ValidationError("--optw 1 plants the first k basis vectors, so --neu must be at most 10 (the smallest d), got \(neu)")
        }
    }
}

extension OriginalExperiment: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension StreamMode: ExpressibleByArgument {}
