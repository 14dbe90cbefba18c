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

    public init(spec: ExperimentSpec, arrays: [Metric: TrialGrid], instanceCount: Int, computedCount: Int = 0,
                seconds: Double, almostOptimalCount: Int = 0) {
        self.spec = spec
        self.arrays = arrays
        self.instanceCount = instanceCount
        self.computedCount = computedCount
        self.seconds = seconds
        self.almostOptimalCount = almostOptimalCount
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
