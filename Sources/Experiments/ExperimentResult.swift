import Vocabulary

/// What an experiment produced: one array per metric, and how long it took.
public struct ExperimentResult: Sendable {
    public let spec: ExperimentSpec
    public let arrays: [Metric: TrialGrid]
    /// Trials in this run (cached ones count too), those computed afresh, and the wall time.
    public let instanceCount: Int
    public let computedCount: Int
    public let seconds: Double
    /// Trials whose solve stopped almost optimal (metric `almost_optimal`), cached ones included.
    public let almostOptimalCount: Int
    /// Trials whose fit reached no optimum (`Metric.solverFailed`), cached ones included.
    public var failedCount = 0

    public init(spec: ExperimentSpec, arrays: [Metric: TrialGrid], instanceCount: Int, computedCount: Int = 0,
                seconds: Double, almostOptimalCount: Int = 0) {
        self.spec = spec
        self.arrays = arrays
        self.instanceCount = instanceCount
        self.computedCount = computedCount
        self.seconds = seconds
        self.almostOptimalCount = almostOptimalCount
    }

    /// One line for a run with failed fits, or nil.
    public var failureWarning: String? {
        guard failedCount > 0 else { return nil }
        return "neurec: warning: \(failedCount) of \(instanceCount) trials reached no optimum (solver status not optimal, or training diverged): recovery 0 and no distances there; their solver_failed is 1"
    }
}

/// Result of the cluster experiment: probability[d index][σ index].
public struct ClusterResult: Sendable {
    public let spec: ClusterSpec
    public let probability: [[Double]]

    public init(spec: ClusterSpec, probability: [[Double]]) {
        self.spec = spec
        self.probability = probability
    }
}
