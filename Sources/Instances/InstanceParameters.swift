/// The law of the data matrix X (`--optx`, science §2). Entries start as N(0, 1)/√n.
public enum DataLaw: Int, Sendable, CaseIterable, Codable {
    case gaussian = 0
    case cubic = 1
    /// X replaced by the U factor of its thin SVD (n ≥ d) or by Vᵀ (n < d).
    case whitened = 2
    /// Cubed, then whitened. (The original scripts only cube for 3; science §2 says to whiten too.)
    case cubicWhitened = 3

    var cubes: Bool { self == .cubic || self == .cubicWhitened }
    var whitens: Bool { self == .whitened || self == .cubicWhitened }
}

/// How the planted weights are chosen (`--optw`, science §2); the raw values are the flag's.
public enum PlantedWeights: Int, Sendable, CaseIterable, Codable {
    /// Unit Gaussian directions.
    case gaussian = 0
    /// Fixed by the data or the basis: the right singular vector of X for its smallest singular value
    /// (a linear neuron; numpy's full SVD, so a null vector of X when n < d) or the first k basis
    /// vectors (ReLU neurons).
    case structured = 1
    /// u and −u for one unit Gaussian u (two ReLU neurons).
    case opposite = 2

    /// The values `--optw` accepts for `experiment`, for messages.
    public static func choices(for experiment: OriginalExperiment) -> String {
        experiment.plantsReLUNeurons
            ? "0 (Gaussian), 1 (basis vectors) or 2 (u and −u, with --neu 2)"
            : "0 (Gaussian) or 1 (smallest right singular vector of X)"
    }
}

/// Everything besides the cell that determines an instance: the original scripts' flags.
public struct InstanceParameters: Sendable, Hashable, Codable {
    /// `--optx`.
    public var dataLaw: DataLaw
    /// `--optw`.
    public var plantedWeights: PlantedWeights
    /// `--neu`: planted ReLU neurons of the normalization experiments.
    public var neurons: Int
    /// `--sigma`: label noise level.
    public var sigma: Double

    // The key keeps its old name: cache keys hash the encoded parameters.
    private enum CodingKeys: String, CodingKey {
        case dataLaw, plantedWeights = "plantedOption", neurons, sigma
    }

    public init(dataLaw: DataLaw = .gaussian, plantedWeights: PlantedWeights = .gaussian, neurons: Int = 1, sigma: Double = 0) {
        self.dataLaw = dataLaw
        self.plantedWeights = plantedWeights
        self.neurons = neurons
        self.sigma = sigma
    }

    /// A one-line reason these flags are not a valid combination for `experiment`, naming the flag.
    /// Label noise beyond this swamps any signal and squares towards overflow: refused, not run.
    public static let maxSigma = 1e6
    /// Planted neurons: each is a d-column of the instance; more than this is no experiment of the paper's kind.
    public static let maxNeurons = 1000

    public func invalidity(for experiment: OriginalExperiment) -> String? {
        if !(sigma >= 0 && sigma <= Self.maxSigma) {
            return "--sigma must be a number in [0, \(Int(Self.maxSigma))], got \(sigma)"
        }
        if experiment.plantsReLUNeurons {
            if !(1...Self.maxNeurons).contains(neurons) { return "--neu must be in [1, \(Self.maxNeurons)], got \(neurons)" }
            if plantedWeights == .opposite && neurons != 2 { return "--optw 2 (u and −u) needs --neu 2, got --neu \(neurons)" }
            return nil
        }
        guard plantedWeights != .opposite else {
            return "--optw must be \(PlantedWeights.choices(for: experiment)), got \(plantedWeights.rawValue)"
        }
        return nil
    }
}
