import Experiments
import Foundation
import Instances
import Testing
import TestSupport

/// The ETA counts predicted cost re-calibrated by finished work (`RemainingTime`), in an order that
/// mixes large and small units (`WorkOrder`); a report adds its blocks up (`ReportProgress`).
@Suite struct ProgressTests {
    /// Costs like a grid's: n²·d over n, d ∈ {5, 10, …, 200} × {5, …, 100}, a 32,000× range.
    static let gridCosts: [Double] = stride(from: 5, through: 200, by: 5).flatMap { n in
        stride(from: 5, through: 100, by: 5).map { d in Double(n * n * d) * 1e-6 }
    }

    /// The largest ratio (either way) between the estimated and the true time left, over every point
    /// after the first 5 % of the cost, running `costs` in `order` on one worker with measured
    /// seconds `actual`. `countingUnits` estimates as the old ETA did: units left at the mean seconds
    /// per unit so far.
    static func worstRatioAfterFivePercent(costs: [Double], actual: [Double], order: [Int], countingUnits: Bool = false) -> Double {
        var remaining = RemainingTime(totalCost: costs.reduce(0, +))
        var trueLeft = actual.reduce(0, +)
        var worst = 1.0
        for (k, unit) in order.enumerated() {
            remaining.record(cost: costs[unit], seconds: actual[unit])
            trueLeft -= actual[unit]
            guard remaining.fraction >= 0.05, k < order.count - 1 else { continue }
            let estimate = countingUnits
                ? remaining.finishedSeconds / Double(k + 1) * Double(order.count - k - 1)
                : remaining.remainingSeconds(jobs: 1)
            worst = max(worst, estimate / trueLeft, trueLeft / estimate)
        }
        return worst
    }

    /// actual = c · cost · noise, noise log-uniform in [0.7, 1.4]: within 2× from 5 % of the cost on,
    /// whatever the machine's factor c (the model's unit is CPU seconds; the fit finds c).
    @Test(arguments: [0.2, 1.0, 4.0])
    func withinTwiceAfterFivePercentOfTheCost(factor: Double) {
        var rng = SplitMix64(seed: 14)
        let costs = Self.gridCosts
        let actual = costs.map { factor * $0 * exp(log(0.7) + rng.uniform() * log(2.0)) }
        let order = WorkOrder.interleaved(costs: costs)
        #expect(Self.worstRatioAfterFivePercent(costs: costs, actual: actual, order: order) <= 2)
    }

    /// A model whose exponent is off (actual ∝ cost^1.15, 4.7× over the range's share of the cost):
    /// still within 2× in the interleaved order, where the grid's own order (small first) sees only
    /// small units in its first 5 % and the old count of units is off by orders of magnitude.
    @Test func interleavingKeepsAMisfitModelWithinTwice() {
        let costs = Self.gridCosts
        let actual = costs.map { pow($0, 1.15) }
        let interleaved = Self.worstRatioAfterFivePercent(costs: costs, actual: actual, order: WorkOrder.interleaved(costs: costs))
        let gridOrder = costs.indices.sorted { costs[$0] < costs[$1] }
        #expect(interleaved <= 2)
        #expect(Self.worstRatioAfterFivePercent(costs: costs, actual: actual, order: gridOrder) > interleaved)
        #expect(Self.worstRatioAfterFivePercent(costs: costs, actual: actual, order: gridOrder, countingUnits: true) > 10)
    }

    /// Before anything finished the estimate is the model's own (ratio 1); one cheap unit ten times
    /// slower than predicted barely moves it: the prior weighs 1 % of the cost.
    @Test func theFirstUnitsDoNotSwingTheFit() {
        var remaining = RemainingTime(totalCost: 1000)
        #expect(remaining.remainingSeconds(jobs: 2) == 500)
        remaining.record(cost: 0.1, seconds: 1)
        // (1 + 10) / (0.1 + 10): the prior is 1 % of 1000 at ratio 1.
        #expect(abs(remaining.secondsPerCost - 11 / 10.1) < 1e-12)
        #expect(abs(remaining.remainingSeconds(jobs: 2) - 999.9 * (11 / 10.1) / 2) < 1e-9)
    }

    /// A permutation, and every tenth of it holds units from the most and the least costly tenths.
    @Test func workOrderMixesLargeAndSmall() {
        let costs = Self.gridCosts
        let order = WorkOrder.interleaved(costs: costs)
        #expect(order.sorted() == Array(costs.indices))
        let sorted = costs.sorted()
        let (low, high) = (sorted[costs.count / 10], sorted[costs.count * 9 / 10])
        let tenth = costs.count / 10
        for start in stride(from: 0, to: costs.count - tenth + 1, by: tenth) {
            let slice = order[start..<(start + tenth)].map { costs[$0] }
            #expect(slice.contains { $0 <= low } && slice.contains { $0 >= high })
        }
    }

    /// The report's share and time left while the second half of block fig4a runs (its first half
    /// another panel): everything finished counts as done, the running experiment's time is its own,
    /// all else unfinished goes at the seconds per cost measured so far.
    @Test func reportAddsItsBlocksUp() {
        let report = ReportProgress()
        report.plan([("fig2", [], [], 10), ("cached", [], [], 0), ("fig4a", [], [], 30), ("fig4b", [], [], 60)])
        report.record(cost: 10, seconds: 20)
        report.record(cost: 15, seconds: 30)
        let summary = report.summary(runRemainingCost: 10, runRemainingSeconds: 20, jobs: 2)
        // Ratio (50 + 1) / (25 + 1), the prior being 1 % of the 100 cost at ratio 1; the other
        // unfinished work is 100 − 25 − 10.
        #expect(summary == ReportProgress.Summary(fraction: 0.25, remainingSeconds: 20 + 65 * (51.0 / 26) / 2))
        report.record(cost: 75, seconds: 1)
        #expect(report.summary(runRemainingCost: 0, runRemainingSeconds: 0, jobs: 2) == ReportProgress.Summary(fraction: 1, remainingSeconds: 0))
    }

    /// A runner's plan names each experiment's block, counts a shared one in its first block and
    /// leaves out blocks with nothing to compute.
    @Test func planReportFindsEachExperimentsBlock() {
        let runner = ExperimentRunner(cache: nil, jobs: 1, progress: .quiet)
        let small = recoverySpec(maxN: 20, maxD: 10), large = recoverySpec(maxN: 40, maxD: 20)
        runner.planReport([("empty", [], []), ("a", [small], []), ("b", [small, large], [])])
        #expect(runner.reportProgress.blockIndex(for: small) == 0)
        #expect(runner.reportProgress.blockIndex(for: large) == 1)
        #expect(runner.reportProgress.blockIndex(for: recoverySpec(maxN: 30, maxD: 10)) == nil)
    }

    /// Experiments that differ only in the metric share their records (fig4b and fig2): the plan
    /// charges the shared trials to the first block, and the report's estimate counts them once,
    /// while a larger grid still pays for its new cells.
    @Test func sharedTrialsAreChargedOnce() throws {
        let runner = ExperimentRunner(cache: nil, jobs: 1, progress: .quiet)
        let recovery = recoverySpec(maxN: 20, maxD: 10)
        var distance = recovery
        distance.metrics = [.disTest]
        let larger = recoverySpec(maxN: 40, maxD: 10)
        runner.planReport([("fig4b", [recovery], []), ("fig2", [distance], []), ("wider", [larger], [])])
        #expect(runner.reportProgress.blockIndex(for: recovery) == 0)
        #expect(runner.reportProgress.blockIndex(for: distance) == nil)
        #expect(runner.reportProgress.blockIndex(for: larger) == 1)
        let estimate = try RunEstimate.report(grids: [recovery, distance, larger], clusters: [], boundaries: [])
        #expect(estimate.instances == larger.grid.cells.count)
        let alone = try RunEstimate(spec: larger)
        #expect(abs(estimate.coreSeconds - alone.coreSeconds) <= 1e-9 * alone.coreSeconds)
        let twice = try RunEstimate.report(grids: [recovery, recoverySpec(rng: .numpy, maxN: 20, maxD: 10)], clusters: [], boundaries: [])
        #expect(twice.instances == 2 * recovery.grid.cells.count)
    }

    /// A boundary search's probes share their plain lines: one every ten seconds at most, whichever
    /// probe is running, none in its first ten seconds.
    @Test func probesShareOneLineEveryTenSeconds() {
        let start = Date(timeIntervalSinceReferenceDate: 0)
        let lines = TransientLines(start: start)
        let asked = [3.0, 9.9, 10.0, 12, 19.9, 20.5, 21, 45].map { lines.due(at: start.addingTimeInterval($0)) }
        #expect(asked == [false, false, true, false, false, true, false, true])
    }

    @Test func plainLineAndBar() {
        let line = ProgressLine(label: "block 3/17 fig4b", done: 120, total: 2000, fraction: 0.317, remainingSeconds: 250,
                                report: ReportProgress.Summary(fraction: 0.224, remainingSeconds: 840))
        #expect(line.plain == "block 3/17 fig4b: 120/2000 cells, 31 % of the cost, ETA 4m10s · report 22 %, ETA 14m00s")
        #expect(line.bar == "block 3/17 fig4b [████████····················] 120/2000 cells  ETA 4m10s · report 22 %, ETA 14m00s  ")
        let alone = ProgressLine(label: "skip→skip exact", done: 5, total: 10, fraction: 1, remainingSeconds: 3725)
        #expect(alone.plain == "skip→skip exact: 5/10 cells, 100 % of the cost, ETA 1h02m")
        // A finished run's cost added in another order than its total can fall short by the last bits.
        #expect(ProgressLine(label: "x", done: 1, total: 1, fraction: 1 - 1e-15, remainingSeconds: 0).plain == "x: 1/1 cells, 100 % of the cost, ETA 0s")
    }
}
