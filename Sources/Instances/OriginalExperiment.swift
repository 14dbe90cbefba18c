/// The original scripts (science §8), and what each draws from the stream, in which order (science §3).
public enum OriginalExperiment: String, Sendable, CaseIterable, Codable {
    case recRateSkip = "rec_rate_skip"
    case minnrmSkip = "minnrm_skip"
    case cvxTrainSkip = "cvx_train_skip"
    case ncvxTrainSkip = "ncvx_train_skip"
    case recRateNormal = "rec_rate_normal"
    case minnrmNormal = "minnrm_normal"
    case cvxTrainNormal = "cvx_train_normal"
    case ncvxTrainNormal = "ncvx_train_normal"
    case irrCondNormal = "irr_cond_normal"

    /// Skip experiments plant one linear neuron; normalization experiments plant `neu` ReLU neurons.
    public var plantsReLUNeurons: Bool {
        switch self {
        case .recRateSkip, .minnrmSkip, .cvxTrainSkip, .ncvxTrainSkip: return false
        default: return true
        }
    }

    /// Whether the labels get σ-noise (drawn even when σ = 0).
    public var drawsNoise: Bool {
        switch self {
        case .recRateSkip, .recRateNormal, .irrCondNormal: return false
        default: return true
        }
    }

    /// How many random directions H has (before the planted ones are prepended), or nil when the
    /// experiment needs no arrangement patterns (training).
    public func patternDirections(n: Int) -> Int? {
        switch self {
        case .ncvxTrainSkip, .ncvxTrainNormal: return nil
        case .irrCondNormal: return max(2 * n, 50)
        default: return Self.programDirections(n: n)
        }
    }

    /// How many random directions the patterns of a convex program come from: max(n, 50) (science §4).
    public static func programDirections(n: Int) -> Int { max(n, 50) }

    /// Whether a fresh test set follows (for test distances).
    public var hasTestSet: Bool {
        switch self {
        case .minnrmSkip, .cvxTrainSkip, .ncvxTrainSkip, .ncvxTrainNormal: return true
        default: return false
        }
    }

    /// Normalization convex experiments leave cells with n < d out without drawing anything.
    public func skipsCell(n: Int, d: Int) -> Bool {
        guard n < d else { return false }
        switch self {
        case .recRateNormal, .minnrmNormal, .cvxTrainNormal, .irrCondNormal: return true
        default: return false
        }
    }
}
