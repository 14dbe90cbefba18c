/// Per-trial values over the grid, laid out [n index, d index, trial] in C order — the shape the
/// original scripts save. NaN marks a cell that was not computed (as the original leaves them).
public struct GridArray: Sendable, Equatable, Codable {
    public let nValues: [Int]
    public let dValues: [Int]
    public let trials: Int
    public var values: [Double]

    public init(nValues: [Int], dValues: [Int], trials: Int, repeating value: Double = .nan) {
        self.nValues = nValues
        self.dValues = dValues
        self.trials = trials
        values = [Double](repeating: value, count: nValues.count * dValues.count * trials)
    }

    public var shape: [Int] { [nValues.count, dValues.count, trials] }

    public subscript(nIndex: Int, dIndex: Int, trial: Int) -> Double {
        get { values[(nIndex * dValues.count + dIndex) * trials + trial] }
        set { values[(nIndex * dValues.count + dIndex) * trials + trial] = newValue }
    }

    /// The mean over trials of each (n, d) cell, ignoring NaN (NaN when every trial is NaN),
    /// laid out [n index][d index].
    public var trialMeans: [[Double]] {
        (0..<nValues.count).map { i in
            (0..<dValues.count).map { j in
                let cell = (0..<trials).map { self[i, j, $0] }.filter { !$0.isNaN }
                return cell.isEmpty ? .nan : cell.reduce(0, +) / Double(cell.count)
            }
        }
    }
}

/// What an experiment produced: one array per metric, and how long it took.
public struct ExperimentResult: Sendable {
    public let spec: ExperimentSpec
    public let arrays: [Metric: GridArray]
    /// Trials in this run (cached ones count too), those computed afresh, and the wall time.
    public let instanceCount: Int
    public let computedCount: Int
    public let seconds: Double
    /// Trials whose solve stopped almost optimal (metric `almost_optimal`), cached ones included.
    public let almostOptimalCount: Int

    public init(spec: ExperimentSpec, arrays: [Metric: GridArray], instanceCount: Int, computedCount: Int = 0,
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
