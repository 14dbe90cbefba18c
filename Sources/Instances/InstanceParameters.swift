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

/// Everything besides the cell that determines an instance: the original scripts' flags.
public struct InstanceParameters: Sendable, Hashable, Codable {
    /// `--optx`.
    public var dataLaw: DataLaw
    /// `--optw`: skip 0 (Gaussian) or 1 (smallest right singular vector); normalization 0 (Gaussian),
    /// 1 (basis vectors) or 2 (u and −u, needs k = 2).
    public var plantedOption: Int
    /// `--neu`: planted ReLU neurons of the normalization experiments.
    public var neurons: Int
    /// `--sigma`: label noise level.
    public var sigma: Double

    public init(dataLaw: DataLaw = .gaussian, plantedOption: Int = 0, neurons: Int = 1, sigma: Double = 0) {
        self.dataLaw = dataLaw
        self.plantedOption = plantedOption
        self.neurons = neurons
        self.sigma = sigma
    }

    /// A one-line reason these flags are not a valid combination for `experiment`, naming the flag.
    public func invalidity(for experiment: OriginalExperiment) -> String? {
        if !(sigma >= 0 && sigma.isFinite) { return "--sigma must be a finite number ≥ 0, got \(sigma)" }
        if experiment.plantsReLUNeurons {
            if neurons < 1 { return "--neu must be at least 1, got \(neurons)" }
            switch plantedOption {
            case 0, 1: return nil
            case 2 where neurons == 2: return nil
            case 2: return "--optw 2 (u and −u) needs --neu 2, got --neu \(neurons)"
            default: return "--optw must be 0 (Gaussian), 1 (basis vectors) or 2 (u and −u, with --neu 2), got \(plantedOption)"
            }
        }
        guard plantedOption == 0 || plantedOption == 1 else {
            return "--optw must be 0 (Gaussian) or 1 (smallest right singular vector of X), got \(plantedOption)"
        }
        return nil
    }
}
