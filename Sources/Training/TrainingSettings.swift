import LinearAlgebra

/// How AdamW's moments live across epochs (science §5).
public enum OptimizerMode: String, CaseIterable, Sendable, Codable {
    /// The original's behaviour: a fresh optimizer every epoch, so every update is the first
    /// AdamW step, θ ← θ(1 − lr·wd) − lr·g/(|g| + eps). Produced the paper's figures.
    case reset
    /// Ordinary AdamW: moments and the step count persist over the whole run.
    case persistent
}

/// The units a run trains in (README "Scale").
public enum TrainingScaling: String, CaseIterable, Sendable, Codable {
    /// Train on X/a and y/b, a = X's root-mean-square column norm and b = ‖y‖ (the solver's scales), and
    /// report in the data's units: the fixed learning rate and the initialization then meet the same
    /// unit-scale problem whatever the units, so the metrics scale with the data and nothing overflows
    /// float32 that fits a double.
    case unit
    /// Train on the data as given, as the original script does.
    case asGiven = "as-given"
}

/// Every number that shapes a training run, with the original's values as defaults.
public struct TrainingSettings: Sendable, Equatable {
    /// Full-batch epochs; one optimizer step each.
    public var epochs: Int = 400
    public var learningRate: Double = 2e-3
    /// Decoupled weight decay, applied to every parameter (γ and α₀ too).
    public var weightDecay: Double = 1e-6
    /// Hidden width m; `nil` means n + 1 (the original's choice).
    public var width: Int? = nil
    public var optimizer: OptimizerMode = .reset
    public var beta1: Double = 0.9
    public var beta2: Double = 0.999
    /// Added to the bias-corrected √v̂ (PyTorch's placement).
    public var epsilon: Double = 1e-8
    /// Threads that share one run, each taking a share of the blocks of neurons (and of rows) through
    /// every pass of every epoch (`ThreadTeam`). Results do not depend on it. Run OpenBLAS on one thread
    /// (`BLASRuntime.setThreadCount(1)`): its workers would contend with these, and its threaded kernels
    /// round some sums differently from its single-threaded ones. With several runs in parallel (the
    /// experiments), keep it at 1.
    public var threads: Int = 1
    /// Applied by `Instance.train` (the experiments and `neurec train`); `train(kind:X:y:…)` trains on
    /// the arrays it is given.
    public var scaling: TrainingScaling = .unit
    /// Whether the test loss is evaluated after every step, as the original does for its `loss_test`
    /// curve. Without it only the last entry (the trained network's test loss) is computed and the others
    /// are NaN: a third less work per epoch, with the same final numbers (the experiments' setting).
    public var recordsTestCurve: Bool = true

    public init(epochs: Int = 400, learningRate: Double = 2e-3, weightDecay: Double = 1e-6, width: Int? = nil,
                optimizer: OptimizerMode = .reset, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                threads: Int = 1, scaling: TrainingScaling = .unit) {
        self.epochs = epochs
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.width = width
        self.optimizer = optimizer
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        precondition(threads >= 1, "threads must be at least 1")
        self.threads = threads
        self.scaling = scaling
    }

    /// The width used for `n` training samples.
    public func resolvedWidth(samples n: Int) -> Int { width ?? (n + 1) }
}

extension TrainingSettings {
    /// Before a process trains with its own team (`threads`), each member calling BLAS on its own
    /// block: OpenBLAS gets one thread, since its workers would only contend with the members, and its
    /// threaded kernels round some sums differently, which would make results depend on the thread count.
    public static func useOneBLASThread() {
        BLASRuntime.setThreadCount(1)
    }
}
