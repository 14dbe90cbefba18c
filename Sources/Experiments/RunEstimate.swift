import Foundation
import Instances
import Solver
import Vocabulary

/// What a run will compute, checked before anything is allocated: the sizes (every product of user
/// sizes with overflow checks), the memory of the largest instance against the machine's, and the
/// core-time from `CostModel`. Commands call `check(allowLong:)` before running.
public struct RunEstimate: Sendable, CustomStringConvertible {
    /// Grid cells (n, d pairs, or d, σ pairs for the cluster experiment).
    public var cells: Int
    /// Instances (cells × trials).
    public var instances: Int
    /// Estimated single-core seconds for the whole run.
    public var coreSeconds: Double
    /// Bytes one worker needs for the largest instance.
    public var largestInstanceBytes: Int

    /// Runs estimated above this many core-seconds need `--yes` or a template's `allow_long: true`:
    /// one core-day. The paper-scale report is a few core-hours and runs without it; a mistyped size
    /// (an extra zero on N costs ~10⁴ times more) does not.
    public static let defaultLimit: Double = 24 * 3600

    public init(spec: ExperimentSpec) throws {
        let grid = spec.grid
        cells = try Self.product(grid.nValues.count, grid.dValues.count, what: "the grid's cells")
        instances = try Self.product(cells, grid.trials, what: "cells × trials (--sample / trials)")
        let experiment = spec.drawOrder
        var seconds = 0.0
        for n in grid.nValues {
            for d in grid.dValues { seconds += CostModel.seconds(for: spec, n: n, d: d) }
        }
        seconds *= Double(grid.trials)
        // Memory grows with n and d, so the largest cell is the one with the largest of each.
        let largest = try Self.instanceBytes(n: grid.nValues.max() ?? 0, d: grid.dValues.max() ?? 0, spec: spec,
                                             experiment: experiment)
        coreSeconds = seconds
        // The arrays hold every trial of every metric; the runner keeps a cell and a record per trial.
        let arrayBytes = try Self.product(instances, max(1, spec.metrics.count) * 8 + 128, what: "the result arrays")
        largestInstanceBytes = max(largest, arrayBytes)
    }

    public init(cluster spec: ClusterSpec) throws {
        cells = try Self.product(spec.dValues.count, spec.sigmas.count, what: "the cluster grid")
        instances = try Self.product(cells, spec.trials, what: "cells × trials (--sample / cluster_trials)")
        coreSeconds = Double(spec.sigmas.count) * spec.dValues.map { CostModel.seconds(forCluster: spec, d: $0) }.reduce(0, +)
        let widest = spec.dValues.max() ?? 0
        largestInstanceBytes = try Self.product(100, max(1, widest), 8, what: "the cluster samples")
    }

    /// A boundary search: its probes are decided as it goes, so the time is `estimatedCoreSeconds`'s
    /// rough count; the memory is that of the largest instance the bracket may reach (twice the start
    /// at the largest d).
    public init(boundary spec: BoundarySpec) throws {
        let d = spec.dValues.max() ?? 1
        let largest = try RunEstimate(spec: spec.probeSpec(n: min(spec.settings.maxN, 2 * spec.start(for: d)), d: d, trials: 1))
        let instances: Double = spec.dValues.map(spec.expectedInstances(d:)).reduce(0, +)
        self.init(cells: spec.dValues.count, instances: Int(instances),
                  coreSeconds: spec.estimatedCoreSeconds, largestInstanceBytes: largest.largestInstanceBytes)
    }

    init(cells: Int, instances: Int, coreSeconds: Double, largestInstanceBytes: Int) {
        self.cells = cells
        self.instances = instances
        self.coreSeconds = coreSeconds
        self.largestInstanceBytes = largestInstanceBytes
    }

    /// A report's runs one after the other, as a run from an empty cache computes them: a trial that
    /// several grid experiments share (the same record key and cell, e.g. fig4b and fig2 in cell mode)
    /// counts once.
    public static func report(grids: [ExperimentSpec], clusters: [ClusterSpec], boundaries: [BoundarySpec]) throws -> RunEstimate {
        var trials = Set<String>(), cells = Set<String>()
        var seconds = 0.0
        for spec in grids {
            let key = ResultCache.recordKey(for: spec)
            for cell in spec.grid.cells where trials.insert("\(key) \(cell.n) \(cell.d) \(cell.trial)").inserted {
                cells.insert("\(key) \(cell.n) \(cell.d)")
                seconds += CostModel.seconds(for: spec, at: cell)
            }
        }
        let each = try grids.map { try RunEstimate(spec: $0) } + clusters.map { try RunEstimate(cluster: $0) }
            + boundaries.map { try RunEstimate(boundary: $0) }
        let others = Array(each.dropFirst(grids.count))
        return RunEstimate(cells: try sum([cells.count] + others.map(\.cells), what: "the cells of all blocks"),
                           instances: try sum([trials.count] + others.map(\.instances), what: "the instances of all blocks"),
                           coreSeconds: seconds + others.map(\.coreSeconds).reduce(0, +),
                           largestInstanceBytes: each.map(\.largestInstanceBytes).max() ?? 0)
    }

    /// Cores the run will use.
    public static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// CPU time of all the process's threads (OpenBLAS's too), to set against an estimate: less
    /// sensitive than wall time to other work on the machine; with one thread it is what the wall time
    /// would be on an idle machine.
    public static func processCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    /// One line: what the run computes and how long it should take.
    public var description: String {
        "will compute \(cells) cells, \(instances) instances, estimated \(Self.duration(coreSeconds))"
    }

    /// Refuses a run above `limit` core-seconds unless allowed, and one whose largest instance (times
    /// the workers running at once) needs more memory than the machine has. `flag` names the setting
    /// that sizes the run.
    public func check(allowLong: Bool, workers: Int = 1, limit: Double = RunEstimate.defaultLimit,
                      sizeFlag: String, allowFlag: String) throws {
        let needed = try Self.product(largestInstanceBytes, max(1, workers), what: "memory of the workers")
        if let memory = Self.machineMemoryBytes(), needed > memory {
            throw ExperimentSpecError("\(sizeFlag): the largest instance needs \(Self.bytes(needed))\(workers > 1 ? " with \(workers) workers" : ""), more than this machine's \(Self.bytes(memory)) (use smaller sizes\(workers > 1 ? " or fewer --jobs" : ""))")
        }
        if !allowLong, coreSeconds > limit {
            throw ExperimentSpecError("\(sizeFlag): this run \(description), more than the \(Self.duration(limit)) allowed without \(allowFlag) (use smaller sizes, or \(allowFlag) to run it anyway)")
        }
    }

    // MARK: - Model

    static func patternCount(n: Int, experiment: OriginalExperiment, neurons: Int) -> Int {
        (experiment.patternDirections(n: n) ?? 0) + neurons
    }

    static func instanceBytes(n: Int, d: Int, spec: ExperimentSpec, experiment: OriginalExperiment) throws -> Int {
        let p = patternCount(n: n, experiment: experiment, neurons: spec.parameters.neurons)
        let what = "the memory of instance n = \(n), d = \(d)"
        // X, the directions and XH, the patterns, G and the normal matrix, the program's blocks.
        var parts = [try product(n, d, what: what), try product(d, p, what: what), try product(3, n, p, what: what),
                     try product(3, n, n, what: what), try product(4, p, d, what: what)]
        // A normalization program factors every pattern: the Cholesky factor of its Gram matrix,
        // d² numbers, and as much again in copies and allocator slack (measured: a σ = 0 relaxed
        // probe at (600, 140) peaks at 171 MB, at (800, 200) at 375 MB before its factors were
        // deferred). A program that may be solved whole (labels with noise, or cones) also forms
        // every pattern's basis U_i of ~n/2 rows and its d×d maps, with their copies. From
        // d = `PatternFactor.deferralDimension` a relaxed program without noise forms only its working
        // set's factors, each with its basis U_i, M_i and projector: near the boundary the set grows to
        // ~26·n/d patterns (measured: six trials at (1750, 500) peaked at 1.58 GB with up to 91 patterns;
        // a trial away from the boundary at (1850, 500), 651 MB; every factor took 4.5 GB).
        if spec.learned == .normalized && spec.needsFit && spec.fitting != .train {
            let solvedWhole = spec.parameters.sigma > 0 || spec.fitting != .relaxed
            if d >= PatternFactor.deferralDimension && !solvedWhole {
                let workingSet = 26 * n / max(d, 1) + 1
                parts.append(try product(3, workingSet, n / 2 + d, d, what: what))
            } else {
                parts.append(try product(7, p, d, d / 2 + 1, what: what) / 2)
            }
            if solvedWhole {
                parts.append(try product(p, try sum([product(n, d, what: what), product(2, d, d, what: what)], what: what), what: what))
            }
        }
        return try product(try sum(parts, what: what), 8, what: what)
    }

    /// Memory of a training run with hidden width `width` (parameters, AdamW moments, activations).
    public static func trainingBytes(n: Int, d: Int, width: Int) throws -> Int {
        let what = "the memory of training with width \(width)"
        let doubles = try sum([product(4, width, d + 2, what: what), product(3, n, width, what: what)], what: what)
        return try product(doubles, 8, what: what)
    }

    // MARK: - Checked arithmetic and the machine

    /// The product, or an error naming what overflowed.
    public static func product(_ factors: Int..., what: String) throws -> Int {
        try factors.reduce(1) { total, factor in
            guard factor >= 0 else { throw ExperimentSpecError("\(what): negative size \(factor)") }
            let (result, overflow) = total.multipliedReportingOverflow(by: factor)
            if overflow { throw ExperimentSpecError("\(what): the size overflows (\(factors.map(String.init).joined(separator: " × "))); use smaller sizes") }
            return result
        }
    }

    static func sum(_ terms: [Int], what: String) throws -> Int {
        try terms.reduce(0) { total, term in
            let (result, overflow) = total.addingReportingOverflow(term)
            if overflow { throw ExperimentSpecError("\(what): the size overflows; use smaller sizes") }
            return result
        }
    }

    /// The machine's memory (MemTotal of /proc/meminfo), or nil where it cannot be read.
    public static func machineMemoryBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
        return kilobytes * 1024
    }

    static func bytes(_ count: Int) -> String {
        let value = Double(count)
        if value >= 1e9 { return String(format: "%.1f GB", value / 1e9) }
        if value >= 1e6 { return String(format: "%.1f MB", value / 1e6) }
        return String(format: "%.0f kB", value / 1e3)
    }

    public static func duration(_ seconds: Double) -> String {
        if !seconds.isFinite || seconds > 1e9 { return "more than 30 core-years" }
        if seconds < 60 { return String(format: "%.0f core-seconds", max(1, seconds)) }
        if seconds < 3600 { return String(format: "%.0f core-minutes", seconds / 60) }
        if seconds < 48 * 3600 { return String(format: "%.1f core-hours", seconds / 3600) }
        return String(format: "%.0f core-days", seconds / 86400)
    }
}
