import Foundation
import Instances
import NumpyFiles

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
        let (planted, learned, fitting, metrics): (PlantedModel, LearnedNetwork, Fitting, [Metric]) = switch experiment {
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
        let grid = "n\(maxN)_d\(maxD)_w\(p.plantedOption)_X\(p.dataLaw.rawValue)"
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
}

extension GridArray {
    /// The [n, d, trial] array as numpy will load it.
    public var numpyArray: NumpyArray { NumpyArray(shape: shape, values: values) }
}

extension ExperimentResult {
    /// Writes one .npy per metric (atomically) into `folder`, creating it; returns the paths.
    @discardableResult
    public func save(_ files: [(metric: Metric, name: String)], in folder: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try files.map { file in
            let url = folder.appendingPathComponent(file.name)
            guard let array = arrays[file.metric] else { throw ExperimentSpecError("no \(file.metric.rawValue) array to save") }
            try array.numpyArray.write(to: url)
            return url
        }
    }
}
