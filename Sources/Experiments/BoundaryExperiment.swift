import Foundation
import Instances
import Vocabulary

/// The boundary experiment: for each d, where the success rate of a 0/1 metric crosses given levels,
/// located by `BoundarySearch` instead of a full grid. Every probe is an ordinary one-cell grid run
/// (n, d, trials 0..<T) in cell mode, so it reads and fills the same result cache as grid runs: the
/// same (seed, n, d, trial) is the same record, and a rerun or a longer search computes only what is new.
public struct BoundarySpec: Sendable, Hashable, Codable {
    /// Planted model, network, form, parameters, seed (the grid is replaced per probe).
    public var experiment: ExperimentSpec
    public var metric: Metric
    public var dValues: [Int]
    public var settings: BoundarySearchSettings
    /// The bracket starts at n = startRatio · d (n ≈ 2d is the skip network's transition, science §6).
    public var startRatio: Double

    public init(experiment: ExperimentSpec, metric: Metric, dValues: [Int], settings: BoundarySearchSettings = .init(),
                startRatio: Double = 2) {
        self.experiment = experiment
        self.metric = metric
        self.dValues = dValues
        self.settings = settings
        self.startRatio = startRatio
    }

    public var direction: RateDirection { metric.boundaryDirection ?? .rising }

    public func start(for d: Int) -> Int { n(atRatio: startRatio, d: d) }

    /// ratio · d, rounded, within the search's [minN, maxN].
    private func n(atRatio ratio: Double, d: Int) -> Int {
        min(settings.maxN, max(settings.minN, Int((ratio * Double(d)).rounded())))
    }

    /// The one-cell run of a probe: trials 0..<trials at (n, d), recording only the metric.
    public func probeSpec(n: Int, d: Int, trials: Int) -> ExperimentSpec {
        var spec = experiment
        spec.grid = InstanceGrid(nValues: [n], dValues: [d], trials: trials)
        spec.metrics = [metric]
        return spec
    }

    /// Checks everything before any work; one line naming what is wrong.
    public func validate() throws {
        guard metric.boundaryDirection != nil else {
            throw ExperimentSpecError("metric: a boundary search follows a 0/1 rate: one of \(Metric.boundaryMetrics.map(\.rawValue).joined(separator: ", ")), got \(metric.rawValue)")
        }
        guard experiment.rng == .cell else {
            throw ExperimentSpecError("rng: a boundary search needs cell streams (in numpy mode an instance depends on the whole grid, so probes could not share the cache)")
        }
        guard !dValues.isEmpty, ExperimentSpec.isStrictlyIncreasing(dValues),
              dValues.allSatisfy({ (1...ExperimentSpec.maxSize).contains($0) }) else {
            throw ExperimentSpecError("d: needs increasing, distinct values in [1, \(ExperimentSpec.maxSize)], got \(dValues.map(String.init).joined(separator: ", "))")
        }
        if let problem = settings.invalidity { throw ExperimentSpecError("boundary search: \(problem)") }
        guard startRatio > 0, startRatio.isFinite else { throw ExperimentSpecError("start ratio must be positive, got \(startRatio)") }
        try probeSpec(n: start(for: dValues[0]), d: dValues[0], trials: settings.initialTrials).validate()
    }

    /// Instances a search at d is expected to use, for estimates before it runs: per level about
    /// log₂(d) + 8 probes (the bracket and three bisections, partly shared), each of
    /// `expectedTrialsPerProbe`.
    public func expectedInstances(d: Int) -> Double {
        Double(settings.levels.count) * (log2(Double(max(d, 2))) + 8) * expectedTrialsPerProbe
    }

    /// A probe far from the crossing is decided at its first look; one near it doubles its trials up
    /// to the cap, and the bisections spend most probes near it. Measured on reports/scaling.md at
    /// scale paper (2026-12-06; cap 80, first look 10): 55–72 instances per probe for skip relaxed,
    /// skip exact and normalization at every d, and 97–117 for the all-ones check with its cap of 160:
    /// the first look plus 0.7 of the way to the cap.
    var expectedTrialsPerProbe: Double {
        let first = Double(settings.initialTrials), cap = Double(max(settings.maxTrials, settings.initialTrials))
        return first + 0.7 * (cap - first)
    }

    /// Where a search at d spends its probes, for pricing them: the crossing, when science or an
    /// earlier search says where it is (`CostModel.expectedBoundaryRatio`), else the bracket's start.
    public func expectedProbeN(d: Int) -> Int {
        n(atRatio: CostModel.expectedBoundaryRatio(for: self) ?? startRatio, d: d)
    }

    /// A rough CPU-time estimate: `expectedInstances` at `expectedProbeN` for each d.
    public var estimatedCoreSeconds: Double {
        dValues.reduce(0) { $0 + estimatedCoreSeconds(d: $1) }
    }

    /// The same for the search at one d.
    public func estimatedCoreSeconds(d: Int) -> Double {
        expectedInstances(d: d) * trialCost(n: expectedProbeN(d: d), d: d)
    }

    /// The predicted cost of one probe trial at (n, d).
    public func trialCost(n: Int, d: Int) -> Double {
        CostModel.seconds(for: probeSpec(n: n, d: d, trials: 1), at: Cell(n: n, d: d, trial: 0))
    }
}

/// One d's located boundaries and what it cost.
public struct BoundaryRow: Sendable {
    public var d: Int
    /// One per level, in the spec's order.
    public var estimates: [BoundaryEstimate]
    /// Every probe of the search, by n.
    public var probes: [BoundaryProbe]
    /// Instances used: the distinct (n, trial) pairs probed.
    public var instances: Int { probes.reduce(0) { $0 + $1.trials } }
    /// What a full grid at the same resolution would need: every n from 1 to the largest probed,
    /// step 1, with the most trials any probe needed.
    public var gridInstances: Int { (probes.map(\.n).max() ?? 0) * (probes.map(\.trials).max() ?? 0) }
}

/// The located boundaries of a `BoundarySpec`.
public struct BoundaryResult: Sendable {
    public var spec: BoundarySpec
    public var rows: [BoundaryRow]
    public var seconds: Double

    /// Wendel's n for every row and level (see `WendelCrossing.reference`).
    public func wendelReference(level: Double, d: Int) -> Int {
        WendelCrossing.reference(level: level, d: d, direction: spec.direction)
    }
}

/// The limit of n*/d as d grows, from the located intervals: weighted least squares of
/// n*/d = c + a/d, where each d's weight is 1/σ², σ = the interval's half-width / z (its standard
/// error if the interval were normal). c is the limit; its interval is c ± z·se(c) with se from
/// (XᵀWX)⁻¹, inflated by √(χ²/(m − 2)) when the points scatter more than their intervals say.
/// Rows without an upper end (n* beyond the search) are left out; with one usable d the limit is
/// that d's ratio and interval.
public struct BoundaryLimit: Sendable, Equatable {
    public var limit: Double
    public var lower: Double
    public var upper: Double
    public var slope: Double

    public static func fit(_ points: [(d: Int, estimate: Int, lower: Int, upper: Int)], z: Double) -> BoundaryLimit? {
        guard !points.isEmpty else { return nil }
        let ratio = points.map { Double($0.estimate) / Double($0.d) }
        // An interval [lower, upper] of integers has at least the resolution of one step.
        let sigma = points.map { max(0.5, Double($0.upper - $0.lower) / 2) / z / Double($0.d) }
        if points.count == 1 {
            return BoundaryLimit(limit: ratio[0], lower: Double(points[0].lower) / Double(points[0].d),
                                 upper: Double(points[0].upper) / Double(points[0].d), slope: 0)
        }
        var s = 0.0, sx = 0.0, sxx = 0.0, sy = 0.0, sxy = 0.0
        for (k, p) in points.enumerated() {
            let w = 1 / (sigma[k] * sigma[k]), x = 1 / Double(p.d)
            s += w; sx += w * x; sxx += w * x * x; sy += w * ratio[k]; sxy += w * x * ratio[k]
        }
        let det = s * sxx - sx * sx
        guard det > 0 else { return nil }
        let c = (sxx * sy - sx * sxy) / det, a = (s * sxy - sx * sy) / det
        var variance = sxx / det
        if points.count > 2 {
            let chi2 = points.enumerated().reduce(0.0) { total, item in
                let r = (ratio[item.offset] - c - a / Double(item.element.d)) / sigma[item.offset]
                return total + r * r
            }
            variance *= max(1, chi2 / Double(points.count - 2))
        }
        let half = z * variance.squareRoot()
        return BoundaryLimit(limit: c, lower: c - half, upper: c + half, slope: a)
    }
}

/// Where Wendel's probability of the all-ones pattern, P(n) = 2^{−(n−1)} Σ_{k<d} C(n−1, k) (science
/// §6), crosses a level, from the binomial sum itself (each term in log space), never an asymptotic
/// form. P falls in n, so the crossing is found by doubling and bisection on n.
public enum WendelCrossing {
    /// Floating-point slack of the sum: P(2d) is exactly 1/2 by symmetry, and must count as reached.
    static let tolerance = 1e-9

    /// The smallest n ≥ 1 with P(n) ≤ q, for q in (0, 1).
    public static func smallestN(d: Int, probabilityAtMost q: Double) -> Int {
        var lo = d, hi = max(2 * d, 2)   // P(n) = 1 for n ≤ d.
        while AllOnesPattern.wendelProbability(n: hi, d: d) > q + tolerance { lo = hi; hi *= 2 }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if AllOnesPattern.wendelProbability(n: mid, d: d) > q + tolerance { lo = mid } else { hi = mid }
        }
        return hi
    }

    /// The reference n* for a metric of the skip network: for `all_ones` (falling) where P itself
    /// falls to the level; for a rising metric such as recovery, which needs the all-ones pattern
    /// absent, where P(absent) = 1 − P rises to the level.
    public static func reference(level: Double, d: Int, direction: RateDirection) -> Int {
        smallestN(d: d, probabilityAtMost: direction == .falling ? level : 1 - level)
    }
}

extension BoundarySpec {
    /// Runs the search for every d through `probe`, a grid run of one cell
    /// (the cached runner, or a report's executor). `log` gets one line per d.
    ///
    /// The d values are searched at once, one thread each: a search's probes follow from the ones
    /// before, and a probe of 10 trials whose costs differ a hundredfold (an exact trial certified in
    /// 0.02 s beside one solved in 10 s) leaves a core idle while its slowest trial finishes. With
    /// several searches going, the other searches' trials fill it. `probe` must therefore be safe to
    /// call from several threads; the runner's trial permits (`ExperimentRunner.probing`) keep the
    /// trials computed at any moment to its jobs, and each search's verdicts depend only on its own
    /// trials, so the rows are those of searching one d after another.
    ///
    /// `progress` (shared by the searches of a run) counts each trial's predicted cost once.
    public func run(log: @escaping @Sendable (String) -> Void = { _ in }, progress: SearchProgress? = nil,
                    probe: @escaping @Sendable (ExperimentSpec) throws -> ExperimentResult) throws -> BoundaryResult {
        try run(log: log, progress: progress, probeAhead: { spec, _ in try probe(spec) })
    }

    /// `run` with probes told the trials of the look that would follow theirs (nil after the last):
    /// `ExperimentRunner.runProbe(_:speculatingUpTo:)`, for the cooperative runs of array tasks.
    public func run(log: @escaping @Sendable (String) -> Void = { _ in }, progress: SearchProgress? = nil,
                    probeAhead probe: @escaping @Sendable (ExperimentSpec, _ nextLook: Int?) throws -> ExperimentResult) throws -> BoundaryResult {
        try validate()
        let started = Date()
        let outcomes = onThreadsOfTheirOwn(dValues.count, name: { "boundary search d = \(dValues[$0])" }) { [self] k in
            Result { try row(d: dValues[k], log: log, progress: progress, probe: probe) }
        }
        // Every row, or the first failed search's error in the order of the d values.
        return BoundaryResult(spec: self, rows: try outcomes.map { try $0.get() }, seconds: Date().timeIntervalSince(started))
    }

    /// The searches of several boundary blocks at once, one thread per block (each searching its d
    /// values at once, `run`), as a report's plain run and its array tasks both do: one block after
    /// another left a core idle through each block's tail, its largest d searched alone while its
    /// probes wait for their slowest trial. `log` gets the block's index with each line. One result
    /// per block, in order.
    public static func searchAtOnce(_ blocks: [BoundarySpec], name: (Int) -> String,
                                    log: @escaping @Sendable (_ block: Int, String) -> Void = { _, _ in },
                                    progress: SearchProgress? = nil,
                                    probeAhead probe: @escaping @Sendable (ExperimentSpec, _ nextLook: Int?) throws -> ExperimentResult)
        -> [Result<BoundaryResult, Error>] {
        onThreadsOfTheirOwn(blocks.count, name: name) { k in
            Result { try blocks[k].run(log: { log(k, $0) }, progress: progress, probeAhead: probe) }
        }
    }

    /// One d's search.
    private func row(d: Int, log: (String) -> Void, progress: SearchProgress?,
                     probe: @escaping (ExperimentSpec, Int?) throws -> ExperimentResult) throws -> BoundaryRow {
        let metric = metric
        let almostOptimal = AlmostOptimalCount()
        // A probe looked at again asks for trials 0..<T once more; only the new ones are new work.
        var trialsSeen: [Int: Int] = [:]
        var search = BoundarySearch(settings: settings, direction: direction) { n, trials in
            // Looks double their trials up to the cap (`BoundarySearchSettings.looks`).
            let nextLook = trials < settings.maxTrials ? min(2 * trials, settings.maxTrials) : nil
            let result = try probe(probeSpec(n: n, d: d, trials: trials), nextLook)
            progress?.record(trials: trials - (trialsSeen[n] ?? 0), costEach: trialCost(n: n, d: d))
            trialsSeen[n] = max(trialsSeen[n] ?? 0, trials)
            almostOptimal.note(n: n, count: result.almostOptimalCount)
            return result.arrays[metric]?.values ?? []
        }
        let estimates = try search.locate(start: start(for: d))
        if almostOptimal.total > 0 {
            log("neurec: warning: boundary d = \(d): \(almostOptimal.total) probe trials stopped almost optimal \(almostOptimalMeaning); their metrics are evaluated at that point")
        }
        let row = BoundaryRow(d: d, estimates: estimates, probes: search.probes.values.sorted { $0.n < $1.n })
        log("neurec: boundary \(metric.rawValue) d = \(d): " + estimates.map { e in
            "level \(e.level): n* = \(e.estimate.map(String.init) ?? "> \(settings.maxN)") [\(e.lower), \(e.upper.map(String.init) ?? "—")]"
        }.joined(separator: "; ") + " (\(row.probes.count) probes, \(row.instances) instances)")
        return row
    }
}

extension BoundaryResult {
    /// The limit of n*/d for the level at `index`.
    public func limit(level index: Int) -> BoundaryLimit? {
        let points = rows.compactMap { row -> (d: Int, estimate: Int, lower: Int, upper: Int)? in
            let e = row.estimates[index]
            guard let estimate = e.estimate, let upper = e.upper else { return nil }
            return (row.d, estimate, e.lower, upper)
        }
        return BoundaryLimit.fit(points, z: WilsonInterval.normalQuantile(1 - (1 - spec.settings.confidence) / 2))
    }

    /// The numbers prose can quote (`{{ id.name }}`), level k counted from 1; the unsuffixed names are
    /// the first level's: `ratio_at_D` (n*/d at d = D), `lower_at_D`, `upper_at_D` (its interval
    /// over d), `wendel_at_D` (Wendel's n/d), `limit`, `limit_lower`, `limit_upper`, `slope`, and
    /// `instances`, `grid_instances`, `probes`.
    public var values: [String: Double] {
        var v: [String: Double] = [:]
        v["instances"] = Double(rows.reduce(0) { $0 + $1.instances })
        v["grid_instances"] = Double(rows.reduce(0) { $0 + $1.gridInstances })
        v["probes"] = Double(rows.reduce(0) { $0 + $1.probes.count })
        v["levels"] = Double(spec.settings.levels.count)
        for (k, level) in spec.settings.levels.enumerated() {
            var named: [String: Double] = [:]
            for row in rows {
                let e = row.estimates[k], d = Double(row.d)
                named["ratio_at_\(row.d)"] = e.estimate.map { Double($0) / d } ?? .nan
                named["lower_at_\(row.d)"] = Double(e.lower) / d
                named["upper_at_\(row.d)"] = e.upper.map { Double($0) / d } ?? .nan
                named["wendel_at_\(row.d)"] = Double(wendelReference(level: level, d: row.d)) / d
            }
            if let fit = limit(level: k) {
                named["limit"] = fit.limit
                named["limit_lower"] = fit.lower
                named["limit_upper"] = fit.upper
                named["slope"] = fit.slope
            }
            named["level"] = level
            for (name, value) in named {
                if k == 0 { v[name] = value }
                v["\(name)_\(k + 1)"] = value
            }
        }
        return v
    }
}

/// Almost-optimal solves of a search's probes: the largest count seen at each n (a probe asked again
/// with more trials counts its earlier trials again).
private final class AlmostOptimalCount {
    private var byN: [Int: Int] = [:]
    func note(n: Int, count: Int) { byN[n] = max(byN[n] ?? 0, count) }
    var total: Int { byN.values.reduce(0, +) }
}
