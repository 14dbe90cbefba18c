import Instances
import Vocabulary

/// The model that generates the labels (science §2, §8).
public enum PlantedModel: String, Sendable, Hashable, Codable, CaseIterable {
    /// One linear neuron y = X w* (the skip experiments).
    case linear
    /// k plain ReLU neurons y = Σ_j (X w_j)_+.
    case plain
    /// k normalized ReLU neurons y = Σ_j (X w_j)_+ / ‖(X w_j)_+‖ (the normalization experiments).
    case normalized
}

/// How it is fitted: one of the convex programs of science §4, or nonconvex training (science §5).
public enum Fitting: String, Sendable, Hashable, Codable, CaseIterable {
    case relaxed, exact, approx, train
}

/// Per-trial quantities an experiment records (science §6, §7). Each becomes one [n, d, trial] array.
public enum Metric: String, Sendable, Hashable, Codable, CaseIterable {
    /// 1 when the planted model is recovered, else 0.
    case recovery
    /// Distance of the learned weights to the planted ones.
    case disAbs = "dis_abs"
    /// ‖f(X_test) − y_test‖.
    case disTest = "dis_test"
    /// Cosine similarity of w₀ and w*.
    case cosine
    /// Norm of the weights outside the planted blocks.
    case offPlantedNorm = "off_planted_norm"
    /// 1 when NIC-L holds (science §6).
    case nicL = "nic_l"
    /// 1 when the irrepresentability condition holds (science §6).
    case irrepresentability = "irr"
    /// 1 when the all-ones pattern exists (compare Wendel's probability).
    case allOnes = "all_ones"
    /// Solver or training wall time, and interior-point iterations.
    case seconds, iterations
    /// 1 when the solver stopped almost optimal (`SolverStatus.almostOptimal`: it stalled at a point
    /// meeting only the reduced tolerance, 1e-7), else 0. The other metrics are evaluated at that
    /// point as at an optimal one; recorded for every convex-program trial, and counted in a warning
    /// by every run (`ExperimentResult.almostOptimalCount`).
    case almostOptimal = "almost_optimal"
    /// 1 when the planted weights are certified to attain the optimum (science §10; relaxed and exact
    /// programs, σ = 0): whatever point of the optimal face a solver returns, this does not change.
    case plantedOptimal = "planted_optimal"
    /// 1 when the planted weights are certified to be the unique minimizer (science §10).
    case unique
    /// 1 when the planted weights are optimal but not certified unique: a tie, where `recovery`
    /// depends on which minimizer the solver returns.
    case tie
    /// 1 − max over blocks outside the planted support of ‖A_iᵀλ‖ (λ scaled to be dual feasible):
    /// positive when the dual separates the planted support strictly, 0 at a tie.
    case certificateMargin = "certificate_margin"
    /// 1 when the fit reached no trustworthy answer (the solver found no minimizer, e.g.
    /// numerical_error — an almost-optimal stop is not a failure; training's loss is not finite): such a trial records recovery 0 and no
    /// distances, and the run warns with the count. Recorded for every fitted trial.
    case solverFailed = "solver_failed"
    /// 1 when an exact or approx program was answered by its cone-free relaxation (the relaxed
    /// minimizer satisfied every cone: Solver README "Relax, then verify"), 0 when it was solved
    /// itself. Recorded for every convex-program trial.
    case relaxedVerified = "relaxed_verified"
}

/// Everything that determines an experiment's numbers; its hash keys the cache.
public struct ExperimentSpec: Sendable, Hashable, Codable {
    public var planted: PlantedModel
    public var learned: NetworkKind
    public var fitting: Fitting
    public var grid: InstanceGrid
    public var parameters: InstanceParameters
    public var seed: UInt32
    public var rng: StreamMode
    /// The metrics to record; the first is the experiment's headline quantity.
    public var metrics: [Metric]

    public init(planted: PlantedModel, learned: NetworkKind, fitting: Fitting, grid: InstanceGrid,
                parameters: InstanceParameters = InstanceParameters(), seed: UInt32 = 97_006_855,
                rng: StreamMode = .cell, metrics: [Metric]) {
        self.planted = planted
        self.learned = learned
        self.fitting = fitting
        self.grid = grid
        self.parameters = parameters
        self.seed = seed
        self.rng = rng
        self.metrics = metrics
    }
}

/// The cluster centres μ₁, μ₂ of the cluster experiment (science §6); the raw values are the
/// original's `--opt`.
public enum ClusterMeans: Int, Sendable, Hashable, Codable, CaseIterable {
    /// μ₁ = 1, μ₂ = −1.
    case opposite = 1
    /// Unscaled Gaussian.
    case gaussian = 2
    /// Gaussian scaled to unit norm.
    case unitGaussian = 3
}

/// The cluster pattern probability experiment (science §6): not on the (n, d) grid.
public struct ClusterSpec: Sendable, Hashable, Codable {
    public var means: ClusterMeans
    public var dValues: [Int]
    public var sigmas: [Double]
    public var trials: Int
    public var seed: UInt32

    // The key keeps its old name: cache keys hash the encoded spec.
    private enum CodingKeys: String, CodingKey {
        case means = "option", dValues, sigmas, trials, seed
    }

    public init(means: ClusterMeans = .unitGaussian, dValues: [Int] = [20, 40, 60, 80],
                sigmas: [Double] = Array(stride(from: 1.0, through: 8.5, by: 0.5)), trials: Int = 5000,
                seed: UInt32 = 18_116_275) {
        self.means = means
        self.dValues = dValues
        self.sigmas = sigmas
        self.trials = trials
        self.seed = seed
    }
}
