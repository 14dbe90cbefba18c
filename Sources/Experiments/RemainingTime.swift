import Foundation

/// The time a run has left, from `CostModel`'s prediction for each unit of work (a trial, a cluster
/// cell) re-calibrated by the units already finished.
///
/// Counting units gives a useless ETA: a grid's cells differ in cost by 1000× (n³ against n), so the
/// first hundred cheap cells say seconds for a block that takes half an hour. Predicted cost is the
/// right currency; what the model gets wrong is mostly one factor (the machine, its load, the
/// program's constant), which the finished units measure: seconds per predicted second is fitted as
/// a ratio estimator, Σ measured / Σ predicted over finished units. It weighs units by their cost, so
/// the cheap first units cannot swing it, and it starts from the model itself (ratio 1, the model's
/// unit being CPU seconds) with the weight of `priorShare` of the run's cost, so the first finished
/// unit does not either.
public struct RemainingTime: Sendable {
    /// The predicted cost of all the work (CostModel seconds).
    public let totalCost: Double
    public private(set) var finishedCost = 0.0
    public private(set) var finishedSeconds = 0.0
    public private(set) var finishedUnits = 0

    /// The weight of the model's own ratio (1) in the fit, as a share of the run's cost: by the time
    /// 5 % of the cost is done, measurements outweigh it 5 to 1.
    public static let priorShare = 0.01

    public init(totalCost: Double) { self.totalCost = max(0, totalCost) }

    /// One unit done: its predicted cost and the seconds it took on its worker.
    public mutating func record(cost: Double, seconds: Double) {
        finishedCost += max(0, cost)
        finishedSeconds += max(0, seconds)
        finishedUnits += 1
    }

    /// Measured seconds per predicted second.
    public var secondsPerCost: Double {
        let prior = Self.priorShare * totalCost
        guard finishedCost + prior > 0 else { return 1 }
        return (finishedSeconds + prior) / (finishedCost + prior)
    }

    /// The share of the predicted cost that is done, in [0, 1] (1 for a run with no cost).
    public var fraction: Double { totalCost > 0 ? min(1, finishedCost / totalCost) : 1 }

    /// The predicted cost still to do.
    public var remainingCost: Double { max(0, totalCost - finishedCost) }

    /// Wall seconds left with `jobs` workers sharing the remaining work.
    public func remainingSeconds(jobs: Int) -> Double {
        remainingCost * secondsPerCost / Double(max(1, jobs))
    }
}

/// The order a run hands its units to the workers: every stretch of it a sample of the whole range of
/// costs, so the calibration in `RemainingTime` sees large and small units from the start instead of
/// all the small ones first (a grid runs from small n to large). Units ranked by cost are taken at
/// the golden-ratio sequence of ranks (rank r sorts by the fractional part of r·φ), a low-discrepancy
/// sequence: any k consecutive units spread over the ranks about evenly.
///
/// Use it only where results do not depend on the order: cell-mode draws, where every cell has its own
/// stream.
public enum WorkOrder {
    public static func interleaved(costs: [Double]) -> [Int] {
        let ranked = costs.indices.sorted { costs[$0] > costs[$1] || (costs[$0] == costs[$1] && $0 < $1) }
        let phi = (5.0.squareRoot() - 1) / 2
        let keys = ranked.indices.map { r in (Double(r) * phi).truncatingRemainder(dividingBy: 1) }
        return ranked.indices.sorted { keys[$0] < keys[$1] }.map { ranked[$0] }
    }
}
