import Instances

/// Why a spec cannot run, as one line naming the setting and the valid choices.
public struct ExperimentSpecError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension Metric {
    /// Metrics that need the fitted network (a solve or a training run).
    var needsFit: Bool {
        switch self {
        case .nicL, .irrepresentability, .allOnes: return false
        default: return true
        }
    }

    /// Conditions computed only when asked for (the rest of a record comes with the fit): they cost
    /// as much as a solve, and irrepresentability samples patterns of its own.
    var isEvaluatedOnRequest: Bool { self == .nicL || self == .irrepresentability }

    /// Metrics that are 0/1 per trial, so a skipped cell counts as 0 (science §3), not NaN.
    public var isProbability: Bool {
        switch self {
        case .recovery, .nicL, .irrepresentability, .allOnes, .almostOptimal, .plantedOptimal, .unique, .tie, .solverFailed, .relaxedVerified: return true
        default: return false
        }
    }
}

extension ExperimentSpec {
    /// Which original script's draw order (science §3) the instances follow. The original scripts map
    /// onto themselves; the generalizations take the nearest one that draws what they need.
    public var drawOrder: OriginalExperiment {
        let onlyRecoveryLike = metrics.allSatisfy { [.recovery, .nicL, .irrepresentability, .allOnes, .cosine,
                                                     .offPlantedNorm, .seconds, .iterations, .almostOptimal, .plantedOptimal, .unique,
                                                     .tie, .certificateMargin, .solverFailed, .relaxedVerified].contains($0) }
        let quiet = onlyRecoveryLike && parameters.sigma == 0
        if planted == .linear {
            switch fitting {
            case .train: return .ncvxTrainSkip
            case .approx: return .cvxTrainSkip
            default: return quiet ? .recRateSkip : .minnrmSkip
            }
        }
        if fitting == .train { return .ncvxTrainNormal }
        if metrics.contains(.irrepresentability) { return .irrCondNormal }
        if fitting == .approx { return .cvxTrainNormal }
        return quiet ? .recRateNormal : .minnrmNormal
    }

    /// The instance draws of this spec.
    public var draws: InstanceDraws {
        InstanceDraws(experiment: drawOrder, parameters: parameters, normalizedReLULabels: planted != .plain)
    }

    /// Whether any requested metric needs the network fitted.
    public var needsFit: Bool { metrics.contains { $0.needsFit } }

    /// The largest n or d of a grid (documented in the README): an n×n normal matrix of this size is
    /// 80 GB, so anything larger could never run anyway.
    public static let maxSize = 100_000
    /// The most trials per cell.
    public static let maxTrials = 1_000_000

    static func isStrictlyIncreasing(_ values: [Int]) -> Bool {
        zip(values, values.dropFirst()).allSatisfy { $0 < $1 }
    }

    /// Checks the combination before any work; the message names the setting and the valid choices.
    public func validate() throws {
        if metrics.isEmpty { throw ExperimentSpecError("metric: name at least one of \(Metric.allCases.map(\.rawValue).joined(separator: ", "))") }
        if grid.nValues.isEmpty || grid.dValues.isEmpty || grid.trials < 1 {
            throw ExperimentSpecError("grid: needs at least one n, one d and one trial")
        }
        if let bad = (grid.nValues + grid.dValues).first(where: { !(1...Self.maxSize).contains($0) }) {
            throw ExperimentSpecError("grid: n and d must be in [1, \(Self.maxSize)], got \(bad)")
        }
        if grid.trials > Self.maxTrials {
            throw ExperimentSpecError("grid: trials must be in [1, \(Self.maxTrials)], got \(grid.trials)")
        }
        for (name, values) in [("n", grid.nValues), ("d", grid.dValues)] where !Self.isStrictlyIncreasing(values) {
            throw ExperimentSpecError("grid: the \(name) values must be increasing and distinct, got \(values.map(String.init).joined(separator: ", "))")
        }
        if Set(metrics).count != metrics.count {
            throw ExperimentSpecError("metric: each metric once, got \(metrics.map(\.rawValue).joined(separator: " "))")
        }
        if let reason = parameters.invalidity(for: drawOrder) { throw ExperimentSpecError(reason) }
        let recoverable = (planted == .linear && learned == .skip) || (planted == .normalized && learned == .normalized)
        for metric in metrics {
            switch metric {
            case .recovery where !recoverable || fitting == .train:
                throw ExperimentSpecError("metric recovery: defined for planted linear with learned skip, or planted normalized with learned normalized, fitted by a convex program (relaxed, exact or approx)")
            case .disAbs where !recoverable:
                throw ExperimentSpecError("metric dis_abs: defined for planted linear with learned skip, or planted normalized with learned normalized")
            case .disAbs where fitting == .train && planted != .linear:
                throw ExperimentSpecError("metric dis_abs: for trained networks only the skip network's ‖α₀w₀ − w*‖ is defined; use dis_test")
            case .cosine where !(planted == .linear && learned == .skip):
                throw ExperimentSpecError("metric cosine: defined for planted linear with learned skip")
            case .nicL where planted != .linear:
                throw ExperimentSpecError("metric nic_l: defined for a planted linear neuron (planted linear)")
            case .irrepresentability where planted == .linear:
                throw ExperimentSpecError("metric irr: defined for planted ReLU neurons (planted normalized or plain)")
            case .disTest where rng == .numpy && !drawOrder.hasTestSet:
                throw ExperimentSpecError("metric dis_test: needs a test set, which the original convex normalization experiments do not draw (science §3); use rng cell, dis_abs, or fitting train")
            case .plantedOptimal, .unique, .tie, .certificateMargin:
                if let reason = certificateUnavailability { throw ExperimentSpecError("metric \(metric.rawValue): \(reason)") }
            case .iterations where fitting == .train:
                throw ExperimentSpecError("metric iterations: counts interior-point iterations; training has none")
            case .almostOptimal where fitting == .train:
                throw ExperimentSpecError("metric almost_optimal: a stop of the interior-point solver; training has none")
            default: break
            }
        }
    }

    /// Why the certificates of science §10 are undefined for this spec, or nil. They need a planted
    /// point of the program (planted linear only in a skip network), an equality-constrained program
    /// (relaxed or exact: the approx forms' β-penalty makes the planted point never optimal), and
    /// noise-free labels (with σ > 0 the planted point is not feasible).
    var certificateUnavailability: String? {
        if planted == .linear && learned != .skip {
            return "defined when the planted point lives in the learned network's blocks: planted linear needs learned skip"
        }
        if fitting != .relaxed && fitting != .exact {
            return "defined for the relaxed and exact programs (an approx program's β-penalty shrinks every minimizer away from the planted point; training has no dual)"
        }
        if parameters.sigma != 0 { return "defined for noise-free labels (sigma 0): with noise the planted point is not feasible" }
        return nil
    }

    /// The metrics of the certificates of science §10, which need the program's dual, not its minimizer.
    static let certifiedMetrics = Set(OriginalScript.certifiedMetrics)

    /// Whether a trial is decided by the planted search from the dual alone, without solving the program
    /// (Solver README, "Planted optimality without the solve"): a skip exact program with a planted
    /// linear neuron, asked for certified metrics only.
    var decidesFromTheDual: Bool {
        planted == .linear && learned == .skip && fitting == .exact && certificateUnavailability == nil
            && Set(metrics).isSubset(of: Self.certifiedMetrics)
    }
}
