import Foundation
import Instances
import NumpyFiles
import Vocabulary

/// The original scripts (science §8) as specs, with the files they save.
public struct OriginalScript: Sendable {
    public let experiment: OriginalExperiment
    public let maxN: Int
    public let maxD: Int
    public let sample: Int
    public let parameters: InstanceParameters
    public let seed: UInt32
    public let rng: StreamMode
    /// Also record the certified outcomes of science §10 (planted_optimal, unique, tie,
    /// certificate_margin), each saved beside the script's own file with the metric's name in front.
    public let certify: Bool

    public init(experiment: OriginalExperiment, maxN: Int, maxD: Int, sample: Int, parameters: InstanceParameters,
                seed: UInt32, rng: StreamMode, certify: Bool = false) {
        self.experiment = experiment
        self.maxN = maxN
        self.maxD = maxD
        self.sample = sample
        self.parameters = parameters
        self.seed = seed
        self.rng = rng
        self.certify = certify
    }

    /// The metrics `certify` adds.
    public static let certifiedMetrics: [Metric] = [.plantedOptimal, .unique, .tie, .certificateMargin]

    /// What the script computes, in the general vocabulary.
    public var spec: ExperimentSpec {
        let (planted, learned, fitting, metrics): (PlantedModel, NetworkKind, Fitting, [Metric]) = switch experiment {
        case .recRateSkip: (.linear, .skip, .relaxed, [.recovery])
        case .minnrmSkip: (.linear, .skip, .relaxed, [.disAbs, .disTest])
        case .cvxTrainSkip: (.linear, .skip, .approx, [.disAbs, .disTest])
        case .ncvxTrainSkip: (.linear, .skip, .train, [.disAbs, .disTest])
        case .recRateNormal: (.normalized, .normalized, .relaxed, [.recovery])
        case .minnrmNormal: (.normalized, .normalized, .relaxed, [.disAbs])
        case .cvxTrainNormal: (.normalized, .normalized, .approx, [.disAbs])
        case .ncvxTrainNormal: (.normalized, .normalized, .train, [.disTest])
        case .irrCondNormal: (.normalized, .normalized, .relaxed, [.irrepresentability])
        }
        // The recovery and irrepresentability scripts take --sigma but draw no noise (science §3).
        var effective = parameters
        if !experiment.drawsNoise { effective.sigma = 0 }
        return ExperimentSpec(planted: planted, learned: learned, fitting: fitting,
                              grid: InstanceGrid(maxN: maxN, maxD: maxD, trials: sample), parameters: effective,
                              seed: seed, rng: rng, metrics: certify ? metrics + Self.certifiedMetrics : metrics)
    }

    /// The file each metric is saved to, named as the original names it.
    public var outputFiles: [(metric: Metric, name: String)] {
        let own = scriptFiles
        guard certify, let headline = own.first else { return own }
        return own + Self.certifiedMetrics.map { ($0, "\($0.rawValue)_\(headline.name)") }
    }

    private var scriptFiles: [(metric: Metric, name: String)] {
        let p = parameters
        let grid = Self.gridPart(maxN: maxN, maxD: maxD, parameters: p)
        // Python's str() of the float flag, as the original's f-strings print it.
        let noisy = "\(grid)_sig\(p.sigma)_sample\(sample).npy", quiet = "\(grid)_sample\(sample).npy"
        switch experiment {
        case .recRateSkip: return [(.recovery, "rec_rate_skip_\(quiet)")]
        case .minnrmSkip: return [(.disAbs, "dis_abs_minnrm_skip_\(noisy)"), (.disTest, "dis_test_minnrm_skip_\(noisy)")]
        case .cvxTrainSkip: return [(.disAbs, "dis_abs_cvx_train_skip_\(noisy)"), (.disTest, "dis_test_cvx_train_skip_\(noisy)")]
        case .ncvxTrainSkip: return [(.disAbs, "dis_abs_ncvx_train_skip_\(noisy)"), (.disTest, "dis_test_ncvx_train_skip_\(noisy)")]
        case .recRateNormal: return [(.recovery, "rec_rate_\(quiet)")]
        case .minnrmNormal: return [(.disAbs, "dis_abs_minnrm_\(noisy)")]
        case .cvxTrainNormal: return [(.disAbs, "dis_abs_cvx_train_normal_\(noisy)")]
        case .ncvxTrainNormal: return [(.disTest, "dis_test_ncvx_train_normal_\(noisy)")]
        case .irrCondNormal: return [(.irrepresentability, "irr_cond_\(quiet)")]
        }
    }

    /// `n{N}_d{D}_w{optw}_X{optx}`: the flags every file name starts with.
    private static func gridPart(maxN: Int, maxD: Int, parameters p: InstanceParameters) -> String {
        "n\(maxN)_d\(maxD)_w\(p.plantedWeights.rawValue)_X\(p.dataLaw.rawValue)"
    }

    /// The files of `neurec experiment` (beyond the originals): one per metric,
    /// `<metric>_<planted>_<learned>_<form>_n{N}_d{D}_w{optw}_X{optx}_sig{σ}_neu{k}_sample{S}.npy`.
    public static func experimentFiles(for spec: ExperimentSpec, maxN: Int, maxD: Int) -> [(metric: Metric, name: String)] {
        let p = spec.parameters
        let suffix = "\(spec.planted.rawValue)_\(spec.learned.rawValue)_\(spec.fitting.rawValue)_"
            + gridPart(maxN: maxN, maxD: maxD, parameters: p) + "_sig\(p.sigma)_neu\(p.neurons)_sample\(spec.grid.trials).npy"
        return spec.metrics.map { (metric: $0, name: "\($0.rawValue)_\(suffix)") }
    }

    /// The files of `neurec nic`: `<metric>_n{N}_d{D}_w{optw}_X{optx}_sample{S}.npy` per metric.
    public static func conditionFiles(for spec: ExperimentSpec, maxN: Int, maxD: Int) -> [(metric: Metric, name: String)] {
        let suffix = gridPart(maxN: maxN, maxD: maxD, parameters: spec.parameters) + "_sample\(spec.grid.trials).npy"
        return spec.metrics.map { (metric: $0, name: "\($0.rawValue)_\(suffix)") }
    }

    /// The file of the original ReLU/prob script: `ReLU_prob{opt}.npy`, [d index, σ index].
    public static func clusterFile(_ means: ClusterMeans) -> String { "ReLU_prob\(means.rawValue).npy" }
}

/// The values of an original script's flags (science §8): `--n --d --sample --seed --optw --optx
/// --sigma --neu`.
public struct ScriptFlags: Sendable, Hashable {
    public var n: Int
    public var d: Int
    public var sample: Int
    public var seed: UInt32
    /// nil: the planted model's usual choice (skip: 1, the smallest right singular vector;
    /// normalization: 0, Gaussian).
    public var optw: Int?
    public var optx: Int
    public var sigma: Double
    public var neu: Int

    public init(n: Int, d: Int, sample: Int, seed: UInt32 = 97_006_855, optw: Int?, optx: Int = 0, sigma: Double = 0, neu: Int) {
        self.n = n
        self.d = d
        self.sample = sample
        self.seed = seed
        self.optw = optw
        self.optx = optx
        self.sigma = sigma
        self.neu = neu
    }

    /// neurec's own commands (`experiment`, `nic`, `instance`): a grid that runs in minutes.
    public static let quick = ScriptFlags(n: 100, d: 50, sample: 5, optw: nil, neu: 1)

    /// The planted-weights option these flags give for `experiment`.
    public func plantedOption(for experiment: OriginalExperiment) -> Int {
        optw ?? (experiment.plantsReLUNeurons ? 0 : 1)
    }
}

extension OriginalExperiment {
    /// The argparse defaults of the authors' script (github.com/pilancilab/Neural-recovery, commit
    /// 62e6bb6, ReLU_skip/ and ReLU_normal/), so a command retyped from the paper's code runs the
    /// same grid. Every script defaults to N = 400, D = 100, seed 97006855, optx 0 and σ 0; they
    /// differ in trials, planted option and neurons. Where a script has no such flag (σ for the
    /// recovery and irrepresentability scripts, neu for the skip scripts) the value is the one the
    /// script computes with: no noise, one planted neuron.
    public var scriptDefaults: ScriptFlags {
        switch self {
        case .recRateSkip, .minnrmSkip, .cvxTrainSkip, .ncvxTrainSkip:
            return ScriptFlags(n: 400, d: 100, sample: 10, optw: 1, neu: 1)
        case .recRateNormal, .minnrmNormal:
            return ScriptFlags(n: 400, d: 100, sample: 10, optw: 0, neu: 1)
        case .cvxTrainNormal, .ncvxTrainNormal:
            return ScriptFlags(n: 400, d: 100, sample: 10, optw: 0, neu: 2)
        case .irrCondNormal:
            return ScriptFlags(n: 400, d: 100, sample: 50, optw: 0, neu: 2)
        }
    }
}

extension ExperimentResult {
    /// Writes one .npy per metric (atomically) into `folder`, creating it; returns the paths.
    @discardableResult
    public func save(_ files: [(metric: Metric, name: String)], in folder: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try files.map { file in
            let url = folder.appendingPathComponent(file.name)
            guard let array = arrays[file.metric] else { throw ExperimentSpecError("no \(file.metric.rawValue) array to save") }
            try array.write(to: url)
            return url
        }
    }
}

extension ClusterResult {
    /// Writes the probabilities as the original saves them, [d index, σ index], into `folder`
    /// (atomically, creating the folder); returns the path.
    public func save(in folder: URL) throws -> URL {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(OriginalScript.clusterFile(spec.means))
        try NumpyArray(shape: [spec.dValues.count, spec.sigmas.count], values: probability.flatMap { $0 }).write(to: url)
        return url
    }
}
