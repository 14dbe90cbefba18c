import Foundation
import Instances

/// A report's blocks seen as one run, for progress: how much of the whole report's predicted cost is
/// done and how long all of it has left. The report fills it in before building (`plan`); each run of
/// a planned experiment then shows `block k/K name` and the report's share and ETA beside its own.
///
/// Blocks run one after the other (a block's panels too): the report's time left is the running
/// experiment's (its own calibration) plus the predicted cost of everything else unfinished at the
/// seconds per cost measured over the whole report so far.
public final class ReportProgress: @unchecked Sendable {
    /// Where one experiment sits in the report.
    struct Block {
        let index: Int
        let count: Int
        let name: String
        let progress: ReportProgress
    }

    /// The report's share done and its time left.
    public struct Summary: Equatable, Sendable {
        public var fraction: Double
        public var remainingSeconds: Double

        public init(fraction: Double, remainingSeconds: Double) {
            self.fraction = fraction
            self.remainingSeconds = remainingSeconds
        }
    }

    private let lock = NSLock()
    private var names: [String] = []
    private var owners: [ExperimentSpec: Int] = [:]
    private var clusterOwners: [ClusterSpec: Int] = [:]
    private var calibration = RemainingTime(totalCost: 0)

    public init() {}

    /// The blocks that have work to do, in the order they will run, with each one's experiments and
    /// their predicted cost (CostModel seconds of the missing trials).
    public func plan(_ blocks: [(name: String, specs: [ExperimentSpec], clusters: [ClusterSpec], cost: Double)]) {
        lock.lock()
        defer { lock.unlock() }
        let planned = blocks.filter { $0.cost > 0 }
        names = planned.map(\.name)
        owners = [:]
        clusterOwners = [:]
        for (k, block) in planned.enumerated() {
            for spec in block.specs where owners[spec] == nil { owners[spec] = k }
            for spec in block.clusters where clusterOwners[spec] == nil { clusterOwners[spec] = k }
        }
        calibration = RemainingTime(totalCost: planned.reduce(0) { $0 + $1.cost })
    }

    public func blockIndex(for spec: ExperimentSpec) -> Int? { lock.withLock { owners[spec] } }

    func block(for spec: ExperimentSpec) -> Block? { block(at: lock.withLock { owners[spec] }) }

    func block(for spec: ClusterSpec) -> Block? { block(at: lock.withLock { clusterOwners[spec] }) }

    private func block(at index: Int?) -> Block? {
        guard let index else { return nil }
        return lock.withLock { Block(index: index, count: names.count, name: names[index], progress: self) }
    }

    public func record(cost: Double, seconds: Double) {
        lock.withLock { calibration.record(cost: cost, seconds: seconds) }
    }

    /// The report's progress while one of its runs is going: done is every finished unit's predicted
    /// cost (the plan counts only what is missing, so they add up to the total); left is the run's own
    /// time left plus all other unfinished work (the rest of its block, later blocks) at the seconds per
    /// cost measured over the whole report so far.
    public func summary(runRemainingCost: Double, runRemainingSeconds: Double, jobs: Int) -> Summary {
        lock.withLock {
            let total = calibration.totalCost
            let others = max(0, total - calibration.finishedCost - runRemainingCost)
            return Summary(fraction: calibration.fraction,
                           remainingSeconds: runRemainingSeconds + others * calibration.secondsPerCost / Double(max(1, jobs)))
        }
    }
}

extension ExperimentRunner {
    /// Before a report's blocks run one after the other: their experiments, so each run's progress
    /// names its block and shows the whole report's share and ETA. Blocks with nothing to compute are
    /// left out; an experiment shared by several blocks counts in the first, and so does a trial that
    /// several experiments share (in cell mode experiments that differ only in the metric, e.g.
    /// fig4b and fig2, share their records: the second costs nothing).
    public func planReport(_ blocks: [(name: String, specs: [ExperimentSpec], clusters: [ClusterSpec])]) {
        var seen = Set<ExperimentSpec>(), seenClusters = Set<ClusterSpec>()
        var charged = Set<SharedTrial>()
        reportProgress.plan(blocks.map { block in
            let specs = block.specs.filter { seen.insert($0).inserted }
            let clusters = block.clusters.filter { seenClusters.insert($0).inserted }
            let cost = specs.reduce(0.0) { $0 + missingCost(of: $1, charging: &charged) }
                + clusters.reduce(0.0) { $0 + (isCached($1) ? 0 : CostModel.seconds(forCluster: $1)) }
            return (block.name, specs, clusters, cost)
        })
    }

    /// A trial as the cache stores it: experiments with the same record key share it.
    struct SharedTrial: Hashable {
        let key: Data
        let cell: Cell
    }

    /// The predicted cost of the spec's missing trials that no earlier experiment in `charged` has
    /// paid for; adds them to `charged`.
    func missingCost(of spec: ExperimentSpec, charging charged: inout Set<SharedTrial>) -> Double {
        let cells = spec.grid.cells
        let key = (try? ResultCache.canonicalJSON(ResultCache.key(for: spec))) ?? Data()
        return missingPositions(of: spec).reduce(0) { total, position in
            charged.insert(SharedTrial(key: key, cell: cells[position])).inserted ? total + CostModel.seconds(for: spec, at: cells[position]) : total
        }
    }

    /// The predicted cost (CostModel seconds) of the spec's trials a run would compute.
    func missingCost(of spec: ExperimentSpec, among positions: [Int]? = nil) -> Double {
        let cells = spec.grid.cells
        return missingPositions(of: spec, among: positions).reduce(0) { $0 + CostModel.seconds(for: spec, at: cells[$1]) }
    }
}
