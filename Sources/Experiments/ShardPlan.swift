import Foundation
import Instances

/// A deterministic 1/count of some work (`--shard index/count`, 1-based like Slurm array tasks). Which
/// cells a shard owns is decided by a `ShardPlan`.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, (1...count).contains(index) else {
            throw ExperimentSpecError("--shard must be K/N with 1 ≤ K ≤ N, got \(index)/\(count)")
        }
        self.index = index
        self.count = count
    }

    /// From SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT (task ids counted from 0 or from
    /// SLURM_ARRAY_TASK_MIN), when a job array sets them.
    public static func fromSlurm(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Shard? {
        guard let id = environment["SLURM_ARRAY_TASK_ID"].flatMap(Int.init),
              let count = environment["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init) else { return nil }
        let minimum = environment["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0
        return try Shard(index: id - minimum + 1, count: count)
    }

    public var description: String { "\(index)/\(count)" }
}

/// Which shard computes what: every cell of every grid experiment and every cluster experiment of one
/// piece of work (a report's blocks, or one experiment) is handed to one of `count` shards so that the
/// shards' estimated costs (`CostModel`, in CPU seconds) are about equal: largest first, each to the least loaded
/// shard. The plan depends only on the work and the count — never on the cache or the clock — so
/// array tasks that start at different times agree on it, and every cell has exactly one owner.
public struct ShardPlan: Sendable {
    public let count: Int
    /// Owner (0-based shard) of each grid spec's cells, by stream position.
    private let cellOwners: [[Int]]
    /// Specs (indices) whose σ panels a shard computes together, each cell's panels with one owner.
    public let panelGroups: [[Int]]
    private let clusterOwners: [Int]

    public init(specs: [ExperimentSpec], clusters: [ClusterSpec] = [], count: Int) {
        self.count = count
        enum Unit { case cell(spec: Int, position: Int), cluster(Int) }
        var units: [(unit: Unit, cost: Double)] = []
        // The σ panels that one worker computes cell by cell (`computeSigmaPanelsTogether`): one unit
        // per cell for all of them, owned by their first spec and given to the others below.
        let panelGroups = ExperimentRunner.sigmaPanelGroups(specs)
        let followers = Set(panelGroups.flatMap { $0.dropFirst() })
        let groupOf = Dictionary(uniqueKeysWithValues: panelGroups.map { ($0[0], $0) })
        for (k, spec) in specs.enumerated() where !followers.contains(k) {
            // Priced once per σ: specs that differ only in the metric share their records.
            let priced = groupOf[k].map { group in ExperimentRunner.onePerSigma(group.map { specs[$0] }) } ?? [spec]
            for (position, cell) in spec.grid.cells.enumerated() {
                let cost = priced.reduce(0.0) { $0 + CostModel.seconds(for: $1, at: cell) }
                units.append((.cell(spec: k, position: position), cost))
            }
        }
        for (k, cluster) in clusters.enumerated() { units.append((.cluster(k), CostModel.seconds(forCluster: cluster))) }
        // A stable sort keeps equal costs in work order, so the plan is the same on every machine.
        let order = units.indices.sorted { units[$0].cost > units[$1].cost || (units[$0].cost == units[$1].cost && $0 < $1) }
        var loads = LoadHeap(count: count)
        var cellOwners = specs.map { [Int](repeating: 0, count: $0.grid.cells.count) }
        var clusterOwners = [Int](repeating: 0, count: clusters.count)
        for index in order {
            let owner = loads.takeLightest(adding: units[index].cost)
            switch units[index].unit {
            case let .cell(spec, position): cellOwners[spec][position] = owner
            case let .cluster(k): clusterOwners[k] = owner
            }
        }
        for group in panelGroups { for k in group.dropFirst() { cellOwners[k] = cellOwners[group[0]] } }
        self.panelGroups = panelGroups
        self.cellOwners = cellOwners
        self.clusterOwners = clusterOwners
    }

    /// The stream positions of `specs[spec]`'s cells that `shard` computes, ascending.
    public func positions(ofSpec spec: Int, for shard: Shard) -> [Int] {
        cellOwners[spec].indices.filter { cellOwners[spec][$0] == shard.index - 1 }
    }

    public func ownsCluster(_ cluster: Int, shard: Shard) -> Bool { clusterOwners[cluster] == shard.index - 1 }
}

/// Shards by accumulated cost; the lightest comes first, the lower index among equals.
private struct LoadHeap {
    private var heap: [(load: Double, shard: Int)]

    init(count: Int) { heap = (0..<count).map { (0, $0) } }

    private func lighter(_ a: Int, _ b: Int) -> Bool {
        heap[a].load < heap[b].load || (heap[a].load == heap[b].load && heap[a].shard < heap[b].shard)
    }

    /// The lightest shard, after adding `cost` to its load.
    mutating func takeLightest(adding cost: Double) -> Int {
        let shard = heap[0].shard
        heap[0].load += cost
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, lighter(left, smallest) { smallest = left }
            if right < heap.count, lighter(right, smallest) { smallest = right }
            if smallest == parent { return shard }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
