import Experiments
import Foundation
import Instances
import TestSupport
import Vocabulary
import Testing

@Suite struct BoundarySearchTests {
    /// A 0/1 outcome with P(1) = rate(n), fixed per (seed, n, trial): asking for the same trial
    /// again gives the same outcome, as the result cache does.
    static func outcomes(seed: UInt64, n: Int, trials: Int, rate: (Int) -> Double) -> [Double] {
        (0..<trials).map { t in
            var generator = SplitMix64(seed: seed &* 1_000_003 &+ UInt64(n) &* 65_537 &+ UInt64(t))
            _ = generator.next()
            return generator.uniform() < rate(n) ? 1 : 0
        }
    }

    static func logistic(centre: Double, width: Double) -> (Int) -> Double {
        { n in 1 / (1 + exp(-(Double(n) - centre) / width)) }
    }

    /// The true n*: the smallest n whose rate has crossed the level.
    static func trueCrossing(level: Double, falling: Bool, rate: (Int) -> Double) -> Int {
        (1...100_000).first { falling ? rate($0) <= level : rate($0) >= level }!
    }

    /// A logistic rate in n, rising and falling: over 200 seeds the interval holds the true n* at
    /// each level in at least 90 % of them (nominal 95 %; a binomial count of 200 at 95 % falls
    /// below 180 with probability < 10⁻³), and the point estimate lies inside its interval.
    @Test(arguments: [RateDirection.rising, .falling])
    func logisticCrossingIsCoveredAtTheStatedRate(direction: RateDirection) throws {
        let rising = Self.logistic(centre: 137.3, width: 9)
        let rate: (Int) -> Double = direction == .rising ? rising : { 1 - rising($0) }
        let settings = BoundarySearchSettings(levels: [0.5, 0.9], confidence: 0.95, initialTrials: 10, maxTrials: 160)
        var covered = [0, 0], widths = [0, 0]
        let seeds = 200
        for seed in 0..<seeds {
            var search = BoundarySearch(settings: settings, direction: direction) { n, trials in
                Self.outcomes(seed: UInt64(seed), n: n, trials: trials, rate: rate)
            }
            let estimates = try search.locate(start: 40)
            for (k, e) in estimates.enumerated() {
                let truth = Self.trueCrossing(level: e.level, falling: direction == .falling, rate: rate)
                let upper = try #require(e.upper), estimate = try #require(e.estimate)
                #expect(e.lower <= estimate && estimate <= upper)
                if e.lower <= truth && truth <= upper { covered[k] += 1 }
                widths[k] += upper - e.lower
            }
        }
        for k in 0..<2 {
            #expect(covered[k] >= 180, "level \(settings.levels[k]): covered \(covered[k]) of \(seeds)")
            // The search narrows n* well inside the logistic's own width (a grid at step 10 could not).
            #expect(Double(widths[k]) / Double(seeds) < 60)
        }
    }

    /// A step rate (0 below n = 73, 1 from it) is located exactly at both levels: every probe is
    /// eventually decided (0.9 needs t/(t + z²) > 0.9, i.e. 80 trials at this confidence), and the
    /// bisection has step 1.
    @Test func stepRateIsLocatedExactly() throws {
        var search = BoundarySearch(settings: BoundarySearchSettings(levels: [0.5, 0.9], initialTrials: 10, maxTrials: 160),
                                    direction: .rising) { n, trials in
            Array(repeating: n >= 73 ? 1 : 0, count: trials)
        }
        let estimates = try search.locate(start: 10)
        for e in estimates {
            #expect(e.estimate == 73 && e.lower == 73 && e.upper == 73)
        }
        #expect(search.probes.values.allSatisfy { $0.trials <= 80 })
    }

    /// A rate that never crosses within [minN, maxN] says so instead of inventing an n*.
    @Test func uncrossedRateHasNoUpperEnd() throws {
        var search = BoundarySearch(settings: BoundarySearchSettings(levels: [0.5], maxN: 300), direction: .rising) { _, trials in
            Array(repeating: 0, count: trials)
        }
        let estimate = try #require(try search.locate(start: 20).first)
        #expect(estimate.estimate == nil && estimate.upper == nil && estimate.lower == 300)
    }

    /// The estimate a run prints before a search, against the searches of reports/scaling.md at scale
    /// paper as measured (README "Boundary search": instances per block from the located tables, and
    /// 6,285 CPU-s for the whole run, 2026-12-06): the estimate is for deciding whether to start, so
    /// within a factor of two, for the time and for each block's instances (the exact program's two
    /// crossings sit a few n apart, so its levels' bisections share most probes: 1.8× fewer).
    @Test func estimateMatchesTheMeasuredScalingReport() {
        func search(_ planted: PlantedModel, _ fitting: Fitting, _ metric: Metric, _ dValues: [Int], maxTrials: Int = 80,
                    neurons: Int = 1) -> BoundarySpec {
            let experiment = ExperimentSpec(planted: planted, learned: planted == .linear ? .skip : .normalized, fitting: fitting,
                                            grid: InstanceGrid(nValues: [20], dValues: [10], trials: 1),
                                            parameters: InstanceParameters(neurons: neurons), metrics: [metric])
            return BoundarySpec(experiment: experiment, metric: metric, dValues: dValues,
                                settings: BoundarySearchSettings(initialTrials: 10, maxTrials: maxTrials))
        }
        let measured: [(search: BoundarySpec, instances: Double)] = [
            (search(.linear, .relaxed, .recovery, [10, 20, 50, 100, 200, 500]), 9_200),
            (search(.linear, .exact, .unique, [10, 20, 50, 100, 200]), 4_510),
            (search(.normalized, .relaxed, .recovery, [10, 20, 50, 100, 200], neurons: 2), 8_560),
            (search(.linear, .relaxed, .allOnes, [10, 20, 50], maxTrials: 160), 5_960),
        ]
        for (spec, instances) in measured {
            let expected = spec.dValues.map(spec.expectedInstances(d:)).reduce(0, +)
            #expect(expected / instances > 0.5 && expected / instances < 2,
                    "\(spec.metric.rawValue) \(spec.experiment.fitting): \(Int(expected)) expected, \(Int(instances)) used")
        }
        let coreSeconds = measured.reduce(0) { $0 + $1.search.estimatedCoreSeconds }
        #expect(coreSeconds / 6_285 > 0.5 && coreSeconds / 6_285 < 2, "estimated \(Int(coreSeconds)) core-seconds, used 6,285")
        // The exact program's search at d = 500 alone (2026-12-07): 1,260 instances.
        let exact500 = search(.linear, .exact, .unique, [500])
        let expected500 = exact500.expectedInstances(d: 500)
        #expect(expected500 / 1_260 > 0.5 && expected500 / 1_260 < 2, "\(Int(expected500)) expected at d = 500, 1,260 used")
    }

    /// Wilson's interval against values computed by hand from its formula.
    @Test func wilsonIntervalMatchesItsFormula() {
        let interval = WilsonInterval.bounds(successes: 8, trials: 10, z: 1.959963984540054)
        #expect(abs(interval.lowerBound - 0.4901624) < 1e-6)
        #expect(abs(interval.upperBound - 0.9433178) < 1e-6)
        #expect(abs(WilsonInterval.normalQuantile(0.975) - 1.959963984540054) < 1e-9)
        #expect(WilsonInterval.bounds(successes: 0, trials: 10, z: 2).lowerBound == 0)
    }

    /// The weighted fit of n*/d = c + a/d returns c and a exactly on exact data, and its interval
    /// narrows as the intervals do.
    @Test func limitFitRecoversExactData() throws {
        let points = [10, 20, 50, 100, 200, 500].map { d -> (d: Int, estimate: Int, lower: Int, upper: Int) in
            let n = 2 * d + 6   // n*/d = 2 + 6/d exactly
            return (d, n, n - 4, n + 4)
        }
        let fit = try #require(BoundaryLimit.fit(points, z: 1.96))
        #expect(abs(fit.limit - 2) < 1e-9 && abs(fit.slope - 6) < 1e-9)
        #expect(fit.lower < 2 && fit.upper > 2 && fit.upper - fit.lower < 0.05)
    }
}

/// Wendel's crossing against exact integer arithmetic.
@Suite struct WendelCrossingTests {
    /// Non-negative integers as base-2³² limbs, least significant first: enough for Σ C(m, k) and 2^m.
    struct Natural: Comparable {
        var limbs: [UInt64]
        init(_ value: UInt64) { limbs = [value] }
        static func + (a: Natural, b: Natural) -> Natural {
            var out = Natural(0), carry: UInt64 = 0
            out.limbs = []
            for i in 0..<max(a.limbs.count, b.limbs.count) {
                let s = (i < a.limbs.count ? a.limbs[i] : 0) + (i < b.limbs.count ? b.limbs[i] : 0) + carry
                out.limbs.append(s & 0xFFFF_FFFF)
                carry = s >> 32
            }
            if carry > 0 { out.limbs.append(carry) }
            return out
        }
        func times(_ k: UInt64) -> Natural {
            var out = Natural(0), carry: UInt64 = 0
            out.limbs = []
            for limb in limbs {
                let p = limb * k + carry
                out.limbs.append(p & 0xFFFF_FFFF)
                carry = p >> 32
            }
            while carry > 0 { out.limbs.append(carry & 0xFFFF_FFFF); carry >>= 32 }
            return out
        }
        var trimmed: [UInt64] { var l = limbs; while l.count > 1 && l.last == 0 { l.removeLast() }; return l }
        static func < (a: Natural, b: Natural) -> Bool {
            let x = a.trimmed, y = b.trimmed
            if x.count != y.count { return x.count < y.count }
            for i in stride(from: x.count - 1, through: 0, by: -1) where x[i] != y[i] { return x[i] < y[i] }
            return false
        }
        static func == (a: Natural, b: Natural) -> Bool { a.trimmed == b.trimmed }
    }

    /// The smallest n with 2^{−(n−1)} Σ_{k<d} C(n−1, k) ≤ numerator/100, by Pascal's triangle.
    static func bruteForceCrossing(d: Int, percent: UInt64) -> Int {
        var row = [Natural(1)]   // C(m, ·) for m = 0
        var power = Natural(1)   // 2^m
        var m = 0
        while true {
            let n = m + 1
            let tail = row.prefix(d).reduce(Natural(0), +)
            if !(power.times(percent) < tail.times(100)) { return n }   // 100·Σ ≤ percent·2^m
            var next = [Natural(1)]
            for k in 1..<row.count { next.append(row[k - 1] + row[k]) }
            next.append(Natural(1))
            row = next
            power = power + power
            m += 1
        }
    }

    @Test(arguments: [1, 2, 3, 5, 10, 20, 37, 50])
    func crossingMatchesExactIntegerSums(d: Int) {
        for percent in [10, 25, 50, 75, 90] as [UInt64] {
            #expect(WendelCrossing.smallestN(d: d, probabilityAtMost: Double(percent) / 100)
                        == Self.bruteForceCrossing(d: d, percent: percent), "d = \(d), level \(percent) %")
        }
    }

    /// By symmetry of the binomial, P(2d) = 1/2 exactly: the 0.5 crossing is n = 2d (science §6).
    @Test func halfLevelCrossesAtTwiceD() {
        for d in [10, 100, 500] { #expect(WendelCrossing.smallestN(d: d, probabilityAtMost: 0.5) == 2 * d) }
        // A rising metric's reference (all-ones absent with probability ≥ level) is the complement.
        #expect(WendelCrossing.reference(level: 0.9, d: 20, direction: .rising)
                    == WendelCrossing.smallestN(d: 20, probabilityAtMost: 0.1))
    }

    /// The search on the real all_ones metric of Gaussian X (cell streams, no solver): the located
    /// interval holds Wendel's exact crossing at d = 10, 20, 50. Level 0.5 only, to keep the suite
    /// short: deciding the all-ones pattern near n = 2d is the slow part (about a minute of CPU for
    /// d = 50; `neurec boundary --metric all_ones --d 10 20 50 --max-trials 160` checks both levels,
    /// see README "Boundary search").
    @Test func allOnesSearchContainsWendel() throws {
        let experiment = ExperimentSpec(planted: .linear, learned: .skip, fitting: .relaxed,
                                        grid: InstanceGrid(nValues: [20], dValues: [10], trials: 1), metrics: [.allOnes])
        let spec = BoundarySpec(experiment: experiment, metric: .allOnes, dValues: [10, 20, 50],
                                settings: BoundarySearchSettings(levels: [0.5], initialTrials: 10, maxTrials: 80))
        let runner = ExperimentRunner(cache: nil, jobs: 2, progress: .quiet)
        let result = try spec.run { try runner.run($0) }
        for row in result.rows {
            for e in row.estimates {
                let wendel = result.wendelReference(level: e.level, d: row.d)
                let upper = try #require(e.upper)
                #expect(e.lower <= wendel && wendel <= upper, "d = \(row.d), level \(e.level): [\(e.lower), \(upper)] vs Wendel \(wendel)")
            }
        }
    }
}

/// The d values of a boundary spec are searched at once, each on its own thread.
@Suite struct ConcurrentSearchTests {
    /// How many calls are inside a probe at once, at most.
    final class Overlap: Sendable {
        private let calls = Locked((inside: 0, most: 0))
        func enter() { calls.withValue { $0.inside += 1; $0.most = max($0.most, $0.inside) } }
        func leave() { calls.withValue { $0.inside -= 1 } }
        var peak: Int { calls.current.most }
    }

    /// A synthetic metric (logistic in n around 2d, outcomes fixed per trial as the cache fixes them):
    /// the searches' probes overlap in time, and every row is the one a search of that d alone finds.
    @Test func severalDAtOnceGiveTheRowsOfOneAtATime() throws {
        let experiment = ExperimentSpec(planted: .linear, learned: .skip, fitting: .relaxed,
                                        grid: InstanceGrid(nValues: [20], dValues: [10], trials: 1), metrics: [.recovery])
        let spec = BoundarySpec(experiment: experiment, metric: .recovery, dValues: [10, 20, 40],
                                settings: BoundarySearchSettings(levels: [0.5, 0.9], initialTrials: 10, maxTrials: 80))
        let overlap = Overlap()
        let probe: @Sendable (ExperimentSpec) throws -> ExperimentResult = { probeSpec in
            overlap.enter()
            defer { overlap.leave() }
            Thread.sleep(forTimeInterval: 0.002)
            let grid = probeSpec.grid, n = grid.nValues[0], d = grid.dValues[0]
            let values = BoundarySearchTests.outcomes(seed: UInt64(d), n: n, trials: grid.trials,
                                                      rate: BoundarySearchTests.logistic(centre: 2 * Double(d), width: 0.2 * Double(d)))
            let array = TrialGrid(nValues: [Double(n)], dValues: [Double(d)], trials: grid.trials, values: values)
            return ExperimentResult(spec: probeSpec, arrays: [.recovery: array], instanceCount: grid.trials, seconds: 0)
        }
        let together = try spec.run(probe: probe)
        #expect(overlap.peak >= 2)
        #expect(together.rows.map(\.d) == spec.dValues)
        for row in together.rows {
            let alone = try spec.searching(only: row.d).run(probe: probe).rows[0]
            #expect(row.estimates == alone.estimates && row.probes == alone.probes, "d = \(row.d)")
        }
    }

    /// The searches' progress counts every trial once, whatever the looks its probe took (10, 20, 40 …
    /// trials asked for again from 0): after the searches it holds the predicted cost of exactly the
    /// instances their rows list.
    @Test func progressCountsEachTrialOnce() throws {
        let experiment = ExperimentSpec(planted: .linear, learned: .skip, fitting: .relaxed,
                                        grid: InstanceGrid(nValues: [20], dValues: [10], trials: 1), metrics: [.recovery])
        let spec = BoundarySpec(experiment: experiment, metric: .recovery, dValues: [10, 20, 40],
                                settings: BoundarySearchSettings(levels: [0.5, 0.9], initialTrials: 10, maxTrials: 80))
        let probe: @Sendable (ExperimentSpec) throws -> ExperimentResult = { probeSpec in
            let grid = probeSpec.grid, n = grid.nValues[0], d = grid.dValues[0]
            let values = BoundarySearchTests.outcomes(seed: UInt64(d), n: n, trials: grid.trials,
                                                      rate: BoundarySearchTests.logistic(centre: 2 * Double(d), width: 0.2 * Double(d)))
            let array = TrialGrid(nValues: [Double(n)], dValues: [Double(d)], trials: grid.trials, values: values)
            return ExperimentResult(spec: probeSpec, arrays: [.recovery: array], instanceCount: grid.trials, seconds: 0)
        }
        let lines = Locked<[String]>([])
        let progress = SearchProgress(searching: [spec], interval: 0) { line in lines.withValue { $0.append(line) } }
        let result = try spec.run(progress: progress, probe: probe)
        let instancesCost = result.rows.reduce(0.0) { sum, row in
            sum + row.probes.reduce(0.0) { $0 + Double($1.trials) * spec.trialCost(n: $1.n, d: row.d) }
        }
        #expect(abs(progress.doneCost - instancesCost) <= 1e-9 * instancesCost, "\(progress.doneCost) vs \(instancesCost)")
        #expect(abs(progress.totalCost - spec.estimatedCoreSeconds) <= 1e-9 * spec.estimatedCoreSeconds)
        #expect(!lines.current.isEmpty && lines.current.allSatisfy { $0.hasPrefix("neurec: boundaries: ") })
    }

    /// The line: nothing before 5 % of the estimate, then the share and the time left at the rate so
    /// far, and past the estimate no ETA; at most one line per interval.
    @Test func progressLineAndItsRate() {
        let start = Date(timeIntervalSinceReferenceDate: 0)
        let lines = Locked<[String]>([])
        let progress = SearchProgress(totalCost: 1000, interval: 60, start: start) { line in lines.withValue { $0.append(line) } }
        #expect(progress.summary(done: 40, at: start.addingTimeInterval(100)) == nil)
        #expect(progress.summary(done: 250, at: start.addingTimeInterval(100))
                    == "neurec: boundaries: 25 % of the estimated 17 core-minutes, ETA 5m00s")
        #expect(progress.summary(done: 1200, at: start.addingTimeInterval(100))?.contains("past the estimated 17 core-minutes after 1m40s") == true)
        progress.record(trials: 10, costEach: 30, at: start.addingTimeInterval(61))   // 30 %: a line
        progress.record(trials: 10, costEach: 10, at: start.addingTimeInterval(90))   // within the minute: none
        progress.record(trials: 1, costEach: 10, at: start.addingTimeInterval(125))   // a line
        #expect(lines.current.count == 2)
        #expect(lines.current.last == "neurec: boundaries: 41 % of the estimated 17 core-minutes, ETA 3m00s")
    }

    /// Through a real runner (the all_ones metric of Gaussian X, cell streams): four searches at once
    /// compute at most `jobs` trials at any moment, and locate what they locate one d at a time.
    @Test(arguments: [1, 2])
    func theRunnersPermitsBoundTheTrialsAtOnce(jobs: Int) throws {
        let experiment = ExperimentSpec(planted: .linear, learned: .skip, fitting: .relaxed,
                                        grid: InstanceGrid(nValues: [20], dValues: [10], trials: 1), metrics: [.allOnes])
        let spec = BoundarySpec(experiment: experiment, metric: .allOnes, dValues: [4, 6, 8, 10],
                                settings: BoundarySearchSettings(levels: [0.5], initialTrials: 10, maxTrials: 40))
        let runner = ExperimentRunner(cache: nil, jobs: jobs, progress: .quiet)
        let probing = runner.probing()
        let together = try spec.run { try probing.run($0) }
        #expect(runner.peakTrialsAtOnce == jobs)
        for row in together.rows {
            let alone = try spec.searching(only: row.d).run { try ExperimentRunner(cache: nil, jobs: 1, progress: .quiet).run($0) }.rows[0]
            #expect(row.estimates == alone.estimates, "d = \(row.d)")
        }
    }
}

private extension BoundarySpec {
    /// The same search at one of its d values alone.
    func searching(only d: Int) -> BoundarySpec {
        var one = self
        one.dValues = [d]
        return one
    }
}
