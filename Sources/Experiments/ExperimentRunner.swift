import Foundation
import Instances
import LinearAlgebra
import NumpyFiles
import Vocabulary

/// What `almost_optimal` means, for warnings: the reduced tolerances (SolverSettings), 10× looser
/// for approx programs as their stop is.
let almostOptimalMeaning = "(residuals and gap ≤ 1e-7, not 1e-9; approx programs 1e-6, not 1e-8)"

/// Runs experiments: cached per trial, in parallel, resumable, shardable (see `ResultCache`).
public final class ExperimentRunner: Sendable {
    public let cache: ResultCache?
    public let jobs: Int
    public let shard: Shard?
    public let progress: ProgressStyle
    /// `--save_details`: a folder for one JSON per trial (instance, fitted solution, metrics). Every
    /// trial is then computed afresh, since the cache keeps only the metrics.
    public let details: URL?

    /// Refuse to compute: a run that finds trials missing from the cache fails instead
    /// (`--require-complete`, the assemble step of a cluster job).
    public let requireComplete: Bool

    /// Inside a report: its blocks, for the whole report's progress (`planReport`).
    public let reportProgress = ReportProgress()
    /// Whether each run prints its own almost-optimal warning; a boundary search's probes do not
    /// (dozens of one-cell runs): the search counts them and warns once per d instead.
    let warnsPerRun: Bool
    /// Set for a boundary search's probes (`probing()`): no plan line per run, and their progress is
    /// transient, sharing these lines (`ProgressReporter`), so that a long probe shows itself without
    /// dozens of lines.
    private let probeLines: TransientLines?
    /// `jobs` permits, one per trial being computed, shared with the `probing()` runner: a boundary
    /// block searches its d values at once (`BoundarySpec.run`), each probe with its own workers, and
    /// the permits keep the trials computed at any moment to `jobs` in all.
    private let trialSlots: TrialSlots
    /// Other processes compute into the same cache at the same time and want the same trials: the
    /// array tasks of a sharded run, which all take part in every boundary search (`computeShare`).
    /// Each trial is then claimed before it is computed (`ResultCache.Entry.claim`); one claimed
    /// elsewhere is waited for and its record read, and a claim whose process died is taken over once
    /// it is older than `SharedTrials.staleClaimSeconds` (at once when that process ran on this machine). Cell
    /// streams only (a numpy-stream run is never shared).
    private let cooperative: Bool

    /// - Parameters:
    ///   - cache: where trial records live; nil computes everything afresh and stores nothing.
    ///   - jobs: worker threads (default: all cores). Results do not depend on it.
    public convenience init(cache: ResultCache?, jobs: Int = ProcessInfo.processInfo.activeProcessorCount,
                shard: Shard? = nil, progress: ProgressStyle = .automatic, details: URL? = nil, requireComplete: Bool = false,
                warnsPerRun: Bool = true) {
        self.init(cache: cache, jobs: jobs, shard: shard, progress: progress, details: details, requireComplete: requireComplete,
                  warnsPerRun: warnsPerRun, probeLines: nil, trialSlots: TrialSlots(max(1, jobs)), cooperative: false)
    }

    private init(cache: ResultCache?, jobs: Int, shard: Shard?, progress: ProgressStyle, details: URL?, requireComplete: Bool,
                 warnsPerRun: Bool, probeLines: TransientLines?, trialSlots: TrialSlots, cooperative: Bool) {
        self.probeLines = probeLines
        self.trialSlots = trialSlots
        self.cooperative = cooperative && cache != nil && details == nil
        self.warnsPerRun = warnsPerRun
        self.cache = cache
        self.jobs = max(1, jobs)
        self.shard = shard
        self.progress = progress
        self.details = details
        self.requireComplete = requireComplete
    }

    /// Computes every missing trial of the spec (only the shard's, with a shard: see `ShardPlan`) and
    /// assembles the arrays. With a shard, cells outside it that are not cached yet are NaN.
    public func run(_ spec: ExperimentSpec, label: String? = nil) throws -> ExperimentResult {
        let positions = shard.map { ShardPlan(specs: [spec], count: $0.count).positions(ofSpec: 0, for: $0) }
        return try run(spec, positions: positions ?? Array(spec.grid.cells.indices), label: label)
    }

    /// The stream positions of the spec's trials that a run would compute: those not in the cache (all
    /// of them without a cache or with `details`, which needs every fit again).
    public func missingPositions(of spec: ExperimentSpec, among positions: [Int]? = nil) -> [Int] {
        let cells = spec.grid.cells
        let cached = details == nil ? cache?.entry(for: spec) : nil
        return (positions ?? Array(cells.indices)).filter { position in
            guard let record = cached?.record(for: cells[position]) else { return true }
            return !spec.metrics.allSatisfy { record[$0] != nil }
        }
    }

    /// Computes this runner's shard of several experiments at once (a report's blocks), balanced by
    /// estimated cost over all of them, into the cache. Returns the trials computed.
    public func computeShare(of specs: [ExperimentSpec], clusters: [ClusterSpec] = [], boundaries: [BoundarySpec] = [],
                             shard: Shard) throws -> Int {
        // Every shard takes part in every boundary search, first: a search's probes follow from the ones
        // before, so one d could not be split between shards, and a large d alone set the wall time of
        // the whole array. Each shard runs the same searches, which decide alike from the same records;
        // the trials of each probe go to whichever shard claims them first, and the others read their
        // records (`cooperative`). The assembling run replays the searches from the cache. The blocks
        // search at once, as in a plain run. The grids and clusters are split by cost as before.
        let probeRunner = probing(cooperative: shard.count > 1)
        let probed = Locked(0)
        let searches = BoundarySpec.searchAtOnce(boundaries, name: { "boundary block \($0 + 1)" }) { spec, nextLook in
            let result = try probeRunner.runProbe(spec, speculatingUpTo: nextLook)
            probed.withValue { $0 += result.computedCount }
            return result
        }
        for search in searches { _ = try search.get() }
        let plan = ShardPlan(specs: specs, clusters: clusters, count: shard.count)
        var computed = probed.current
        for group in plan.panelGroups {
            let positions = plan.positions(ofSpec: group[0], for: shard)
            guard !positions.isEmpty else { continue }
            computed += try computeSigmaPanelsTogether(group.map { specs[$0] }, positions: positions)
        }
        for (k, spec) in specs.enumerated() {
            let positions = plan.positions(ofSpec: k, for: shard)
            guard !positions.isEmpty else { continue }
            computed += try run(spec, positions: positions, label: nil).computedCount
        }
        for (k, cluster) in clusters.enumerated() where plan.ownsCluster(k, shard: shard) {
            if !isCached(cluster) {
                _ = try runCluster(cluster)
                computed += cluster.dValues.count * cluster.sigmas.count
            }
        }
        return computed
    }

    /// The most trials this runner and its `probing()` runners computed at once (at most `jobs`).
    public var peakTrialsAtOnce: Int { trialSlots.peak }

    /// The runner a boundary search probes with: the same cache, threads and trial permits, no shard
    /// (a probe is one cell that the search needs whole), no per-probe announcement (the search logs
    /// per d), and a transient progress line per probe.
    ///
    /// `cooperative`: other processes search the same boundaries into the same cache (see `cooperative`).
    public func probing(cooperative: Bool = false) -> ExperimentRunner {
        ExperimentRunner(cache: cache, jobs: jobs, shard: nil, progress: progress, details: details, requireComplete: requireComplete,
                         warnsPerRun: false, probeLines: TransientLines(), trialSlots: trialSlots, cooperative: cooperative)
    }

    /// A boundary probe (one cell, trials 0..<T) whose search may look again with trials 0..<`nextLook`.
    /// In a cooperative run, a process that has computed its share of the probe and waits for trials
    /// claimed by others computes trials of that next look meanwhile (claimed like any other, stored in
    /// the cache): each look otherwise waits for its slowest trial while the other shards' cores idle,
    /// and a look that does not decide then finds part of the next one done. A look that decides leaves
    /// them unused in the cache (a later, longer search reads them). The arrays are those of
    /// `run(spec)`.
    public func runProbe(_ spec: ExperimentSpec, speculatingUpTo nextLook: Int?) throws -> ExperimentResult {
        try run(spec, positions: Array(spec.grid.cells.indices), label: nil, nextLook: nextLook)
    }

    /// Computes the missing trials among `wanted` (stream positions) and assembles the arrays; with a
    /// shard, other shards' cells already in the cache fill in too.
    private func run(_ spec: ExperimentSpec, positions wanted: [Int], label: String?, nextLook: Int? = nil) throws -> ExperimentResult {
        try spec.validate()
        // Commands check the estimate with their own flag names first; this is the backstop for every caller.
        // (A boundary search's probes reach it when the bracket doubles past what fits: it names the cell.)
        try RunEstimate(spec: spec).check(allowLong: true, workers: jobs,
                                          sizeFlag: "n = \(spec.grid.nValues.max() ?? 0), d = \(spec.grid.dValues.max() ?? 0)", allowFlag: "")
        let started = Date()
        let cells = spec.grid.cells
        let records = RecordTable()
        let cached = cache?.entry(for: spec)
        var missing: [Int] = []
        for position in wanted {
            if details == nil, let record = cached?.record(for: cells[position]),
               spec.metrics.allSatisfy({ record[$0] != nil }) {
                records.set(record, at: position)
            } else {
                missing.append(position)
            }
        }
        let cellCount = spec.grid.nValues.count * spec.grid.dValues.count
        var computedHere = 0
        // Each missing trial's predicted cost, once: the plan, the ETA, the work order and the trial
        // permits all read it.
        let costs = Dictionary(uniqueKeysWithValues: missing.map { ($0, CostModel.seconds(for: spec, at: cells[$0])) })
        let cost = missing.reduce(0) { $0 + costs[$1]! }
        if probeLines == nil {
            RunPlan(label: label ?? describe(spec), cells: cellCount, instances: wanted.count, toCompute: missing.count,
                    cpuSeconds: cost, jobs: jobs).announce(progress)
        }
        if !missing.isEmpty {
            if requireComplete { throw IncompleteResults(missing: [(label ?? describe(spec), missing.count)]) }
            let runLabel = probeLines == nil ? label ?? describe(spec)
                : "boundary probe \(describe(spec)) at n = \(spec.grid.nValues.first ?? 0), d = \(spec.grid.dValues.first ?? 0)"
            let reporter = ProgressReporter(label: runLabel, total: missing.count, cost: cost, jobs: jobs, style: progress,
                                            report: reportProgress.block(for: spec), transient: probeLines)
            computedHere = try compute(spec, cells: cells, missing: missing, costs: costs, into: records, cache: cached, reporter: reporter,
                                       nextLook: nextLook)
            reporter.finish()
        }
        let grid = spec.grid
        let allRecords = cells.enumerated().map { position, cell in
            records.get(position) ?? (shard == nil ? nil : cached?.record(for: cell))
        }
        var arrays: [Metric: TrialGrid] = [:]
        for metric in spec.metrics {
            // `grid.cells` runs n, d, trial in the order of TrialGrid's C layout: a cell's position is its index.
            var array = TrialGrid(nValues: grid.nValues.map(Double.init), dValues: grid.dValues.map(Double.init),
                                  trials: grid.trials)
            for (position, record) in allRecords.enumerated() {
                guard let record else { continue }
                array.values[position] = record[metric] ?? .nan
            }
            arrays[metric] = array
        }
        // Never silent: a run says how many of its solves met only the reduced tolerance.
        let almostOptimal = allRecords.filter { $0?[.almostOptimal] == 1 }.count
        if almostOptimal > 0, warnsPerRun {
            // Skipped cells record almost_optimal 0 too, but no time: they were never solved.
            let solved = allRecords.filter { $0?[.almostOptimal] != nil && $0?[.seconds]?.isNaN == false }.count
            FileHandle.standardError.write(Data("neurec: warning: \(label ?? describe(spec)): \(almostOptimal) of \(solved) solves stopped almost optimal \(almostOptimalMeaning); their metrics are evaluated at that point (metric almost_optimal marks them)\n".utf8))
        }
        var result = ExperimentResult(spec: spec, arrays: arrays, instanceCount: wanted.count, computedCount: computedHere,
                                      seconds: Date().timeIntervalSince(started), almostOptimalCount: almostOptimal)
        result.failedCount = allRecords.reduce(0) { $0 + ($1?[.solverFailed] == 1 ? 1 : 0) }
        return result
    }

    /// Computes the `missing` trials into `records` and the cache; returns how many this process
    /// computed (fewer than `missing` when a cooperative run read others' records).
    private func compute(_ spec: ExperimentSpec, cells: [Cell], missing: [Int], costs: [Int: Double], into records: RecordTable,
                         cache: ResultCache.Entry?, reporter: ProgressReporter, nextLook: Int? = nil) throws -> Int {
        let evaluation = TrialEvaluation(spec: spec)
        let failures = Locked<[Error]>([])
        if let details { try FileManager.default.createDirectory(at: details, withIntermediateDirectories: true) }

        let restoreBLAS = singleThreadedBLAS()
        defer { restoreBLAS() }
        let details = self.details
        // Started: when the worker took the unit (the draw counts in cell mode), for the calibration of the ETA.
        @Sendable func finish(_ instance: Instance?, at position: Int, started: UInt64) {
            let cell = cells[position]
            var record = evaluation.skippedCell()
            if let instance {
                let evaluated = evaluation.evaluateWithFit(instance)
                record = evaluated.record
                if let details {
                    let metrics = JSONText.object(record.sorted { $0.key.rawValue < $1.key.rawValue }
                        .map { ($0.key.rawValue, .number($0.value)) })
                    let json = JSONText.object([("instance", instance.json), ("solution", evaluated.fit), ("metrics", metrics)])
                    let url = details.appendingPathComponent("\(spec.drawOrder.rawValue)_\(cell.fileStem).json")
                    do { try AtomicFile.write(Data(json.text.utf8), to: url) } catch { failures.withValue { $0.append(error) } }
                }
            }
            records.set(record, at: position)
            do { try cache?.store(record, for: cell) } catch { failures.withValue { $0.append(error) } }
            reporter.advance(cost: costs[position]!, seconds: Self.seconds(since: started))
        }

        let source = InstanceSource(draws: spec.draws, grid: spec.grid, mode: spec.rng, seed: spec.seed)
        var computedHere = missing.count
        switch spec.rng {
        case .cell:
            // Each cell draws from its own stream: the whole job is one parallel loop, in any order, so
            // large and small cells interleave and the ETA learns from both from the start.
            let order = WorkOrder.interleaved(costs: missing.map { costs[$0]! }).map { missing[$0] }
            let slots = trialSlots
            @Sendable func computeTrial(_ position: Int) {
                slots.whileHolding(cost: costs[position]!) {
                    let started = DispatchTime.now().uptimeNanoseconds
                    finish(source.instance(at: cells[position]), at: position, started: started)
                }
            }
            guard cooperative, let cache else {
                parallelForEach(order.count, jobs: jobs) { computeTrial(order[$0]) }
                break
            }
            let shared = SharedTrials(cache: cache, cells: cells, metrics: spec.metrics, costs: costs, records: records, reporter: reporter)
            parallelForEach(order.count, jobs: jobs) { k in
                do { try shared.computeUnlessClaimed(order[k], computeTrial) } catch { failures.withValue { $0.append(error) } }
            }
            // The next look's trials of a one-cell probe, computed while waiting (`runProbe`).
            var ahead = nextLook.flatMap { next -> [Cell]? in
                guard let first = cells.first, cells.allSatisfy({ $0.n == first.n && $0.d == first.d }) else { return nil }
                return (spec.grid.trials..<max(spec.grid.trials, next)).map { Cell(n: first.n, d: first.d, trial: $0) }
            } ?? []
            let aheadCost = ahead.first.map { CostModel.seconds(for: spec, at: $0) } ?? 0
            try shared.awaitClaimedElsewhere(computeTrial) {
                try shared.computeAhead(&ahead) { cell in
                    slots.whileHolding(cost: aheadCost) {
                        let record = source.instance(at: cell).map { evaluation.evaluateWithFit($0).record } ?? evaluation.skippedCell()
                        do { try cache.store(record, for: cell) } catch { failures.withValue { $0.append(error) } }
                    }
                }
            }
            computedHere = shared.computedHere
        case .numpy:
            // One shared stream: draw in grid order on this thread (cells already known only advance
            // the stream), and evaluate batches of drawn instances in parallel.
            let needed = Set(missing)
            var batch: [(position: Int, instance: Instance?)] = []
            let slots = trialSlots
            func flush() {
                let current = batch
                parallelForEach(current.count, jobs: jobs) { k in
                    slots.whileHolding(cost: costs[current[k].position]!) {
                        finish(current[k].instance, at: current[k].position, started: DispatchTime.now().uptimeNanoseconds)
                    }
                }
                batch.removeAll(keepingCapacity: true)
            }
            source.forEachInstance(through: missing.max(), materializing: needed.contains) { position, _, instance in
                batch.append((position, instance))
                if batch.count >= 4 * jobs { flush() }
            }
            flush()
        }
        if let error = failures.current.first { throw error }
        return computedHere
    }


    /// Parallelism is over instances; nested BLAS threads would only contend for the same cores. One
    /// BLAS thread with jobs = 1 too: OpenBLAS's threaded kernels round some sums differently, and
    /// results must not depend on jobs. Returns what restores the previous thread count. Counted:
    /// the concurrent probes of a boundary search each compute, and the first to finish must not
    /// give BLAS its threads back under the others.
    func singleThreadedBLAS() -> () -> Void { SingleThreadedBLAS.enter() }

    static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    }

    func describe(_ spec: ExperimentSpec) -> String {
        "\(spec.planted.rawValue)→\(spec.learned.rawValue) \(spec.fitting.rawValue)"
    }
}

/// Trials missing from the cache where the run was told not to compute (`--require-complete`).
public struct IncompleteResults: Error, CustomStringConvertible, Sendable {
    /// What is missing: a name (a report block, an experiment) and its count of missing trials.
    public let missing: [(name: String, trials: Int)]

    public init(missing: [(name: String, trials: Int)]) { self.missing = missing }

    public var description: String {
        let total = missing.reduce(0) { $0 + $1.trials }
        let list = missing.map { "\($0.name) (\($0.trials))" }.joined(separator: ", ")
        return "--require-complete: \(total) trials are not in the cache: \(list); compute them first (the array tasks, or a run without --require-complete)"
    }
}

/// Trial records filled in by worker threads.
final class RecordTable: @unchecked Sendable {
    private let lock = NSLock()
    private var records: [Int: TrialRecord] = [:]

    func set(_ record: TrialRecord, at position: Int) {
        lock.lock(); records[position] = record; lock.unlock()
    }

    func get(_ position: Int) -> TrialRecord? {
        lock.lock(); defer { lock.unlock() }
        return records[position]
    }
}

/// `jobs` permits to compute a trial (see `ExperimentRunner.trialSlots`), handed out costliest trial
/// first, and the most held at once.
///
/// Costliest first is the longest-processing-time rule: the searches of large d, whose probes follow
/// one another and set the wall time, take the cores whenever they have a trial waiting, and the
/// small ones fill the gaps a probe leaves while its slowest trial finishes. First come first served
/// made every search advance by the same number of trials, so the cheapest searches finished last,
/// after a large d had run alone with its gaps unfilled.
final class TrialSlots: @unchecked Sendable {
    private let condition = NSCondition()
    private var free: Int
    /// The predicted costs of the trials waiting for a permit.
    private var waiting: [Double] = []
    private var held = 0
    private var peakHeld = 0

    init(_ count: Int) { free = count }

    var peak: Int {
        condition.lock()
        defer { condition.unlock() }
        return peakHeld
    }

    /// Runs `body` holding a permit; `cost` is the trial's predicted cost (`CostModel`).
    func whileHolding(cost: Double, _ body: () -> Void) {
        condition.lock()
        waiting.append(cost)
        while free == 0 || waiting.contains(where: { $0 > cost }) { condition.wait() }
        waiting.remove(at: waiting.firstIndex(of: cost)!)
        free -= 1
        held += 1
        peakHeld = max(peakHeld, held)
        // A waiter of the next lower cost may take a permit still free.
        condition.broadcast()
        condition.unlock()
        defer {
            condition.lock()
            free += 1
            held -= 1
            condition.broadcast()
            condition.unlock()
        }
        body()
    }
}

/// One BLAS thread while any run computes (`ExperimentRunner.singleThreadedBLAS`).
private enum SingleThreadedBLAS {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var holders = 0
    nonisolated(unsafe) private static var savedThreads = 1

    static func enter() -> () -> Void {
        lock.withLock {
            if holders == 0 { savedThreads = BLASRuntime.threadCount; BLASRuntime.setThreadCount(1) }
            holders += 1
        }
        return {
            lock.withLock {
                holders -= 1
                if holders == 0 { BLASRuntime.setThreadCount(savedThreads) }
            }
        }
    }
}

/// The missing trials of one cooperative run (`ExperimentRunner.cooperative`): claimed before they
/// are computed, read from the cache when another process computed them.
private final class SharedTrials: @unchecked Sendable {
    let cache: ResultCache.Entry
    let cells: [Cell]
    let metrics: [Metric]
    let costs: [Int: Double]
    let records: RecordTable
    let reporter: ProgressReporter
    private let state = Locked((computed: 0, claimedElsewhere: [Int]()))

    init(cache: ResultCache.Entry, cells: [Cell], metrics: [Metric], costs: [Int: Double], records: RecordTable,
         reporter: ProgressReporter) {
        self.cache = cache
        self.cells = cells
        self.metrics = metrics
        self.costs = costs
        self.records = records
        self.reporter = reporter
    }

    var computedHere: Int { state.current.computed }

    /// How old a claim must be before another process takes its trial over: its process is then
    /// taken to have died (a Slurm task past its time limit, a node lost). Long enough that a live
    /// trial far slower than predicted (the cost model is within 2× on average, single trials vary
    /// tenfold) is not computed twice: 30× its predicted cost, and at least 5 minutes.
    static func staleClaimSeconds(cost: Double) -> Double { max(300, 30 * cost) }

    /// Computes the trial at `position` if this process claims it, reads it if it is stored meanwhile,
    /// and otherwise leaves it for `awaitClaimedElsewhere`.
    func computeUnlessClaimed(_ position: Int, _ compute: (Int) -> Void) throws {
        if try !computeIfClaimed(position, compute) { state.withValue { $0.claimedElsewhere.append(position) } }
    }

    /// Waits for the trials claimed by other processes, reading each record as it is stored, and
    /// computes those whose claim disappears without a record, grows stale, or was left on this machine
    /// by a process that is gone. Between looks it calls `meanwhile`, which says whether it did some
    /// work (then the claims are looked at again at once) or had none (then the wait is a sleep).
    func awaitClaimedElsewhere(_ compute: (Int) -> Void, meanwhile: () throws -> Bool = { false }) throws {
        var pending = state.current.claimedElsewhere
        while !pending.isEmpty {
            pending = try pending.filter { position in
                let cell = cells[position]
                if let age = cache.claimAge(cell), age > Self.staleClaimSeconds(cost: costs[position]!) || cache.claimIsOrphaned(cell) {
                    cache.releaseClaim(cell)
                }
                return try !computeIfClaimed(position, compute)
            }
            if !pending.isEmpty, try !meanwhile() { Thread.sleep(forTimeInterval: 0.25) }
        }
    }

    /// Computes the first of `cells` (trials outside this run's cells) that is neither stored nor
    /// claimed, under this process's claim; whether there was one. `compute` stores its record. Cells
    /// found stored leave `cells`, so each wait looks only at those still open.
    func computeAhead(_ cells: inout [Cell], _ compute: (Cell) -> Void) throws -> Bool {
        cells.removeAll { cache.record(for: $0) != nil }
        for (k, cell) in cells.enumerated() {
            guard try cache.claim(cell) else { continue }
            defer { cache.releaseClaim(cell) }
            // Stored by another process between the look and the claim.
            if cache.record(for: cell) == nil {
                compute(cell)
                state.withValue { $0.computed += 1 }
            }
            cells.remove(at: k)
            return true
        }
        return false
    }

    /// True when the trial is done: its record read from the cache, or computed under this process's
    /// claim (the record is looked for once claimed: another process may have stored it and released
    /// its claim before).
    private func computeIfClaimed(_ position: Int, _ compute: (Int) -> Void) throws -> Bool {
        guard try cache.claim(cells[position]) else { return adopt(position) }
        defer { cache.releaseClaim(cells[position]) }
        if adopt(position) { return true }
        compute(position)
        state.withValue { $0.computed += 1 }
        return true
    }

    /// Takes the trial's record from the cache when another process stored it.
    private func adopt(_ position: Int) -> Bool {
        guard let record = cache.record(for: cells[position]), metrics.allSatisfy({ record[$0] != nil }) else { return false }
        records.set(record, at: position)
        // Its own time, so that the ETA keeps measuring seconds per predicted second.
        reporter.advance(cost: costs[position]!, seconds: record[.seconds].flatMap { $0.isNaN ? nil : $0 } ?? costs[position]!)
        return true
    }
}
