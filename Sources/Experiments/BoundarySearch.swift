import Foundation

/// Which way a 0/1 metric's success rate moves as n grows at fixed d: recovery and the conditions
/// that imply it rise (more samples pin the planted neuron down), the all-ones pattern's presence
/// falls (Wendel, science §6).
public enum RateDirection: String, Sendable, Hashable, Codable, CaseIterable {
    case rising, falling
}

extension Metric {
    /// The metrics a boundary search can follow, with their declared direction in n; nil for the rest.
    public var boundaryDirection: RateDirection? {
        switch self {
        case .recovery, .unique, .plantedOptimal, .nicL, .irrepresentability: return .rising
        case .allOnes: return .falling
        default: return nil
        }
    }

    public static var boundaryMetrics: [Metric] { allCases.filter { $0.boundaryDirection != nil } }
}

/// The Wilson score interval of a binomial rate: unlike the Wald interval it keeps a nonzero width at
/// 0 and at all trials, so a probe deep in one phase is decided after few trials, and its coverage stays
/// near nominal at the small counts a probe starts with. (Clopper–Pearson is conservative by a
/// margin that grows with the trial count; the search already spends its error budget on a
/// Bonferroni split over looks, see `BoundarySearchSettings.zPerLook`.)
public enum WilsonInterval {
    public static func bounds(successes: Int, trials: Int, z: Double) -> ClosedRange<Double> {
        guard trials > 0 else { return 0...1 }
        let t = Double(trials), p = Double(successes) / t, z2 = z * z
        let centre = (p + z2 / (2 * t)) / (1 + z2 / t)
        let half = z / (1 + z2 / t) * sqrt(p * (1 - p) / t + z2 / (4 * t * t))
        return max(0, centre - half)...min(1, centre + half)
    }

    /// The standard normal quantile Φ⁻¹(p) for p in (0, 1), by bisection on erfc (to 1e-12): used
    /// a handful of times per search, so exactness matters more than speed.
    public static func normalQuantile(_ p: Double) -> Double {
        var lo = -40.0, hi = 40.0
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if 0.5 * erfc(-mid / 2.0.squareRoot()) < p { lo = mid } else { hi = mid }
            if hi - lo < 1e-12 { break }
        }
        return (lo + hi) / 2
    }
}

/// How a boundary search spends trials.
public struct BoundarySearchSettings: Sendable, Hashable, Codable {
    /// Levels of the success rate whose crossing is located (default 0.5 and 0.9).
    public var levels: [Double] = [0.5, 0.9]
    /// Nominal coverage of each n* interval.
    public var confidence: Double = 0.95
    /// Trials of a probe's first look; each further look doubles them, up to `maxTrials`.
    public var initialTrials: Int = 10
    public var maxTrials: Int = 160
    /// The search looks at n in [minN, maxN] only; an n* outside is reported as such.
    public var minN: Int = 2
    public var maxN: Int = 100_000

    public init(levels: [Double] = [0.5, 0.9], confidence: Double = 0.95, initialTrials: Int = 10, maxTrials: Int = 160,
                minN: Int = 2, maxN: Int = 100_000) {
        self.levels = levels
        self.confidence = confidence
        self.initialTrials = initialTrials
        self.maxTrials = maxTrials
        self.minN = minN
        self.maxN = maxN
    }

    /// Looks a probe may take: initialTrials, 2·initialTrials, …, maxTrials.
    public var looks: Int {
        var looks = 1, t = initialTrials
        while t < maxTrials { t = min(2 * t, maxTrials); looks += 1 }
        return looks
    }

    /// The z of every look's Wilson interval: a probe is looked at up to `looks` times and stops at the
    /// first decisive look, so each look gets 1/looks of the error budget (Bonferroni), which keeps
    /// the chance that a probe is ever decided wrongly below 1 − confidence.
    public var zPerLook: Double {
        WilsonInterval.normalQuantile(1 - (1 - confidence) / (2 * Double(looks)))
    }

    /// One line naming what is wrong, or nil.
    public var invalidity: String? {
        if levels.isEmpty || !levels.allSatisfy({ $0 > 0 && $0 < 1 }) { return "levels must lie strictly between 0 and 1" }
        if Set(levels).count != levels.count { return "levels must be distinct" }
        if !(confidence > 0.5 && confidence < 1) { return "confidence must lie in (0.5, 1)" }
        if !(1...ExperimentSpec.maxTrials).contains(initialTrials) { return "initial trials must be in [1, \(ExperimentSpec.maxTrials)]" }
        if !(initialTrials...ExperimentSpec.maxTrials).contains(maxTrials) { return "the trial cap must be in [initial trials, \(ExperimentSpec.maxTrials)]" }
        if !(1...ExperimentSpec.maxSize).contains(minN) || !(minN...ExperimentSpec.maxSize).contains(maxN) {
            return "n must stay in 1 ≤ min n ≤ max n ≤ \(ExperimentSpec.maxSize)"
        }
        return nil
    }
}

/// What a probe at one n has seen: trials and how many of them had crossed (succeeded for a rising
/// metric, failed for a falling one).
public struct BoundaryProbe: Sendable, Hashable, Codable {
    public var n: Int
    public var trials: Int
    public var crossed: Int
    public var rate: Double { trials > 0 ? Double(crossed) / Double(trials) : .nan }
}

/// n* for one level: the smallest n at which the rate has crossed the level (rate ≥ level for a
/// rising metric, ≤ level for a falling one), its point estimate and its interval.
public struct BoundaryEstimate: Sendable, Hashable, Codable {
    public var level: Double
    /// The smallest probed n whose observed rate has crossed (nil when none in [minN, maxN] has).
    public var estimate: Int?
    /// n* ≥ lower: every n below it that was probed is confidently not yet crossed (or below minN).
    public var lower: Int
    /// n* ≤ upper: confidently crossed there; nil when no n ≤ maxN is.
    public var upper: Int?
}

/// The search itself, free of any solver: it asks `outcomes(n, trials)` for the 0/1 outcomes of trials
/// 0..<trials at n (the same trials again, plus new ones, when it asks for more) and returns n* with
/// an interval per level.
///
/// Per level it first brackets n* by doubling n from `start` (halving below it when needed), then
/// finds three smallest-n crossings by bisection with step 1, over predicates that imply each other:
/// A(n) "confidently crossed" (the Wilson interval lies past the level) ⇒ P(n) "observed rate
/// crossed" ⇒ B(n) "not confidently short of it". The interval is [smallest n with B, smallest n
/// with A] and the estimate the smallest n with P. Each probe adds trials (doubling) until its
/// interval excludes the level or the cap is reached. Probes are shared between levels and
/// bisections, and `outcomes` goes through the result cache, so nothing is computed twice.
public struct BoundarySearch {
    public let settings: BoundarySearchSettings
    public let direction: RateDirection
    private let outcomes: (Int, Int) throws -> [Double]
    public private(set) var probes: [Int: BoundaryProbe] = [:]
    /// Per level, the decided verdict at each probed n (decisions are never revisited).
    private var verdicts: [Double: [Int: Verdict]] = [:]

    enum Verdict { case crossed, short, undecided(observedCrossed: Bool) }

    public init(settings: BoundarySearchSettings, direction: RateDirection,
                outcomes: @escaping (_ n: Int, _ trials: Int) throws -> [Double]) {
        self.settings = settings
        self.direction = direction
        self.outcomes = outcomes
    }

    /// Locates every level's n*, bracketing from `start` (clamped to [minN, maxN]).
    public mutating func locate(start: Int) throws -> [BoundaryEstimate] {
        try settings.levels.map { try locate(level: $0, start: start) }
    }

    private mutating func probe(_ n: Int, trials: Int) throws -> BoundaryProbe {
        if let known = probes[n], known.trials >= trials { return known }
        let values = try outcomes(n, trials)
        // NaN marks a trial without a value (a skipped cell): it is left out of the count.
        let decided = values.filter { !$0.isNaN }
        let crossed = decided.filter { direction == .rising ? $0 >= 0.5 : $0 < 0.5 }.count
        let probe = BoundaryProbe(n: n, trials: decided.count, crossed: crossed)
        probes[n] = probe
        return probe
    }

    /// The level as the crossed fraction sees it: a falling rate has crossed L when 1 − rate ≥ 1 − L.
    private func target(_ level: Double) -> Double { direction == .rising ? level : 1 - level }

    private mutating func verdict(_ n: Int, level: Double) throws -> Verdict {
        if let known = verdicts[level]?[n] { return known }
        let goal = target(level), z = settings.zPerLook
        var trials = max(settings.initialTrials, probes[n]?.trials ?? 0)
        var result: Verdict
        while true {
            let p = try probe(n, trials: min(trials, settings.maxTrials))
            let interval = WilsonInterval.bounds(successes: p.crossed, trials: p.trials, z: z)
            // Exactly at the level counts as crossed (rate ≥ level), as for the observed rate.
            if interval.lowerBound >= goal { result = .crossed; break }
            if interval.upperBound < goal { result = .short; break }
            if trials >= settings.maxTrials || p.trials == 0 { result = .undecided(observedCrossed: p.rate >= goal); break }
            trials = min(2 * trials, settings.maxTrials)
        }
        verdicts[level, default: [:]][n] = result
        return result
    }

    private mutating func confidentlyCrossed(_ n: Int, _ level: Double) throws -> Bool {
        if case .crossed = try verdict(n, level: level) { return true } else { return false }
    }

    private mutating func observedCrossed(_ n: Int, _ level: Double) throws -> Bool {
        switch try verdict(n, level: level) {
        case .crossed: return true
        case .short: return false
        case .undecided(let observed): return observed
        }
    }

    private mutating func notConfidentlyShort(_ n: Int, _ level: Double) throws -> Bool {
        if case .short = try verdict(n, level: level) { return false } else { return true }
    }

    private mutating func locate(level: Double, start: Int) throws -> BoundaryEstimate {
        let minN = settings.minN, maxN = settings.maxN
        // Bracket: lo confidently short (or minN − 1, below the search), hi confidently crossed (or maxN + 1).
        var lo = minN - 1, hi = maxN + 1
        var n = min(max(start, minN), maxN)
        if try confidentlyCrossed(n, level) {
            hi = n
            while n > minN {
                n = max(minN, n / 2)
                if try !notConfidentlyShort(n, level) { lo = n; break }
                if try confidentlyCrossed(n, level) { hi = n }
            }
        } else {
            if try !notConfidentlyShort(n, level) { lo = n }
            while n < maxN {
                n = min(maxN, 2 * n)
                if try confidentlyCrossed(n, level) { hi = n; break }
                if try !notConfidentlyShort(n, level) { lo = n }
            }
            if lo == minN - 1 {
                // Never confidently short on the way up: look below the start too.
                var m = min(max(start, minN), maxN)
                while m > minN {
                    m = max(minN, m / 2)
                    if try !notConfidentlyShort(m, level) { lo = m; break }
                }
            }
        }
        // The three crossings, each bisected inside the tightest bracket the probes so far allow.
        let point = try smallest(in: lo, hi, level) { try $0.observedCrossed($1, $2) }
        let lower = try smallest(in: lo, hi, level) { try $0.notConfidentlyShort($1, $2) }
        let upper = try smallest(in: lo, hi, level) { try $0.confidentlyCrossed($1, $2) }
        return BoundaryEstimate(level: level, estimate: point > maxN ? nil : point, lower: min(lower, maxN),
                                upper: upper > maxN ? nil : upper)
    }

    /// The smallest n in (lo, hi] where `holds` is true, assuming false at lo and true at hi (never
    /// evaluated there: they may be outside [minN, maxN]).
    private mutating func smallest(in lo: Int, _ hi: Int, _ level: Double,
                                   _ holds: (inout BoundarySearch, Int, Double) throws -> Bool) throws -> Int {
        var lo = lo, hi = hi
        // Start from what earlier probes already decided between lo and hi.
        for n in probes.keys.sorted() where n > lo && n < hi {
            if try holds(&self, n, level) { hi = n; break }
            lo = n
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if try holds(&self, mid, level) { hi = mid } else { lo = mid }
        }
        return hi
    }
}
