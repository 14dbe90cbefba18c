import Foundation
import Instances
import LinearAlgebra
import Vocabulary

/// A deterministic 1/count of a grid's cells: the cells whose position in stream order is
/// `index − 1` modulo `count` (`--shard index/count`, 1-based like Slurm array tasks).
public struct Shard: Sendable, Hashable {
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

    func contains(position: Int) -> Bool { position % count == index - 1 }
}

/// Runs experiments: cached per trial, in parallel, resumable, shardable (see `ResultCache`).
public final class ExperimentRunner: Sendable {
    public let cache: ResultCache?
    public let jobs: Int
    public let shard: Shard?
    public let progress: ProgressStyle
    /// `--save_details`: a folder for one JSON per trial (instance, fitted solution, metrics). Every
    /// trial is then computed afresh, since the cache keeps only the metrics.
    public let details: URL?

    /// - Parameters:
    ///   - cache: where trial records live; nil computes everything afresh and stores nothing.
    ///   - jobs: worker threads (default: all cores). Results do not depend on it.
    public init(cache: ResultCache?, jobs: Int = ProcessInfo.processInfo.activeProcessorCount,
                shard: Shard? = nil, progress: ProgressStyle = .automatic, details: URL? = nil) {
        self.cache = cache
        self.jobs = max(1, jobs)
        self.shard = shard
        self.progress = progress
        self.details = details
    }

    /// Computes every missing trial of the spec (only the shard's, with a shard) and assembles the
    /// arrays. With a shard, cells outside it that are not cached yet are NaN.
    public func run(_ spec: ExperimentSpec, label: String? = nil) throws -> ExperimentResult {
        try spec.validate()
        // Commands check the estimate with their own flag names first; this is the backstop for every caller.
        try RunEstimate(spec: spec).check(allowLong: true, workers: jobs, sizeFlag: "grid", allowFlag: "")
        let started = Date()
        let cells = spec.grid.cells
        let wanted = cells.indices.filter { shard?.contains(position: $0) ?? true }
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
        if shard == nil, !missing.isEmpty, missing.count < wanted.count, case .automatic = progress {
            // Typically after only some shards ran: the rest is computed here, which the user should know.
            FileHandle.standardError.write(Data("neurec: \(wanted.count - missing.count) of \(wanted.count) trials are in the cache; computing the other \(missing.count) here\n".utf8))
        }
        if !missing.isEmpty {
            let reporter = ProgressReporter(label: label ?? describe(spec), total: missing.count, style: progress)
            try compute(spec, cells: cells, missing: missing, into: records, cache: cached, reporter: reporter)
            reporter.finish()
        }
        // With a shard, cells of other shards already in the cache fill in too.
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
        var result = ExperimentResult(spec: spec, arrays: arrays, instanceCount: wanted.count, computedCount: missing.count,
                                      seconds: Date().timeIntervalSince(started))
        result.failedCount = allRecords.reduce(0) { $0 + ($1?[.solverFailed] == 1 ? 1 : 0) }
        return result
    }

    private func compute(_ spec: ExperimentSpec, cells: [Cell], missing: [Int], into records: RecordTable,
                         cache: ResultCache.Entry?, reporter: ProgressReporter) throws {
        let evaluation = TrialEvaluation(spec: spec)
        let failures = RecordTable.Failures()
        if let details { try FileManager.default.createDirectory(at: details, withIntermediateDirectories: true) }
        // Parallelism is over instances; nested BLAS threads would only contend for the same cores.
        // One BLAS thread with jobs = 1 too: OpenBLAS's threaded kernels round some sums differently,
        // and results must not depend on jobs.
        let blasThreads = BLASRuntime.threadCount
        BLASRuntime.setThreadCount(1)
        defer { BLASRuntime.setThreadCount(blasThreads) }

        let details = self.details
        @Sendable func finish(_ instance: Instance?, at position: Int) {
            let cell = cells[position]
            var record = evaluation.skippedCell()
            if let instance {
                let evaluated = evaluation.evaluateWithFit(instance)
                record = evaluated.record
                if let details {
                    let metrics = JSONText.object(record.sorted { $0.key.rawValue < $1.key.rawValue }
                        .map { ($0.key.rawValue, .number($0.value)) })
                    let json = JSONText.object([("instance", instance.json), ("solution", evaluated.fit), ("metrics", metrics)])
                    let url = details.appendingPathComponent("\(spec.drawOrder.rawValue)_n\(cell.n)_d\(cell.d)_t\(cell.trial).json")
                    do { try AtomicFile.write(Data(json.text.utf8), to: url) } catch { failures.add(error) }
                }
            }
            records.set(record, at: position)
            do { try cache?.store(record, for: cell) } catch { failures.add(error) }
            reporter.advance()
        }

        let source = InstanceSource(draws: spec.draws, grid: spec.grid, mode: spec.rng, seed: spec.seed)
        switch spec.rng {
        case .cell:
            // Each cell draws from its own stream: the whole job is one parallel loop.
            parallelForEach(missing.count, jobs: jobs) { k in
                finish(source.instance(at: cells[missing[k]]), at: missing[k])
            }
        case .numpy:
            // One shared stream: draw in grid order on this thread (cells already known only advance
            // the stream), and evaluate batches of drawn instances in parallel.
            let needed = Set(missing)
            var batch: [(position: Int, instance: Instance?)] = []
            func flush() {
                let current = batch
                parallelForEach(current.count, jobs: jobs) { k in
                    finish(current[k].instance, at: current[k].position)
                }
                batch.removeAll(keepingCapacity: true)
            }
            source.forEachInstance(through: missing.max(), materializing: needed.contains) { position, _, instance in
                batch.append((position, instance))
                if batch.count >= 4 * jobs { flush() }
            }
            flush()
        }
        if let error = failures.first { throw error }
    }


    private func describe(_ spec: ExperimentSpec) -> String {
        "\(spec.planted.rawValue)→\(spec.learned.rawValue) \(spec.fitting.rawValue)"
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

    final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private var errors: [Error] = []
        func add(_ error: Error) { lock.lock(); errors.append(error); lock.unlock() }
        var first: Error? { lock.lock(); defer { lock.unlock() }; return errors.first }
    }
}

/// Runs body(0..<count) on `jobs` threads, handing out indices one at a time (solve times vary by
/// orders of magnitude across the grid, so static chunks would leave threads idle).
func parallelForEach(_ count: Int, jobs: Int, _ body: @escaping @Sendable (Int) -> Void) {
    guard count > 0 else { return }
    let next = Counter()
    DispatchQueue.concurrentPerform(iterations: min(jobs, count)) { _ in
        while let k = next.take(below: count) { body(k) }
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
