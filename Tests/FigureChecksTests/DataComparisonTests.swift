import FigureChecks
import Foundation
import NumpyFiles
import Testing

private func figure(_ arrays: TrialArray...) -> FigureData {
    FigureData(id: "fig4a", arrays: arrays)
}

@Suite struct RateComparison {
    let baseline = Synthetic.recovery()

    @Test func identicalPasses() {
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(baseline))
        #expect(verdict.dataPassed, "\(verdict)")
        #expect(verdict.cellsCompared == 72 && verdict.cellsOff == 0 && verdict.largestDifference == 0)
        #expect(verdict.shift == 0)
    }

    @Test func twoBoundaryFlipsPass() {
        let flipped = Synthetic.flippingBoundaryTrials(baseline, count: 2)
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(flipped))
        #expect(verdict.dataPassed, "\(verdict)")
        #expect(abs(verdict.largestDifference - 0.2) < 1e-12)
        #expect(verdict.shift != 0)
    }

    @Test func transitionShiftedByOneGridStepFails() {
        let shifted = Synthetic.recovery(shift: 10)  // same seed: a regression rerun
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(shifted))
        #expect(!verdict.dataPassed, "\(verdict)")
        #expect(verdict.shift < -verdict.shiftTolerance)
        #expect(verdict.problems.contains { $0.contains("systematic shift") })
    }

    @Test func shiftedTheOtherWayFails() {
        let shifted = Synthetic.recovery(shift: -10)
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(shifted))
        #expect(!verdict.dataPassed && verdict.shift > 0, "\(verdict)")
    }

    /// The tolerance is the spread of independent reruns: fresh draws of the same transition pass
    /// (a false alarm rate near 0.4% per figure), the same with a one-step shift fails.
    @Test func independentRedrawsPassAndShiftedRedrawsFail() {
        var falseAlarms = 0, detections = 0
        for seed in UInt64(100)..<UInt64(140) {
            if !compareFigure(baseline: figure(baseline), regenerated: figure(Synthetic.recovery(seed: seed))).dataPassed {
                falseAlarms += 1
            }
            if !compareFigure(baseline: figure(baseline), regenerated: figure(Synthetic.recovery(seed: seed, shift: 10))).dataPassed {
                detections += 1
            }
        }
        #expect(falseAlarms <= 1)
        #expect(detections >= 36, "detected \(detections) of 40 one-step shifts")
    }

    /// A boundary that turns (n = 2.2 d − 14.5 instead of 1.5 d + 10, the same at d = 35) keeps
    /// the mean; the per-column test sees the columns move in opposite directions.
    @Test func rotatedBoundaryFails() {
        let rotated = Synthetic.recovery(ratio: 2.2, offset: -14.5)
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(rotated))
        #expect(!verdict.arrays[0].shiftExceeded)
        #expect(!verdict.dataPassed && verdict.arrays[0].boundaryMoved, "\(verdict)")
        let columns = verdict.arrays[0].columnShifts
        #expect(columns.first! > 1 && columns.last! < -1)
    }

    @Test func metricReplacedByADistanceFails() {
        let distance = Synthetic.distance()
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(distance))
        #expect(!verdict.dataPassed)
        #expect(verdict.problems.contains { $0.contains("metrics differ") }, "\(verdict)")
    }

    @Test func sameNameButDistanceValuesFails() {
        var distance = Synthetic.distance()
        distance.name = "recovery"
        distance.kind = .rate
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(distance))
        #expect(!verdict.dataPassed)
        #expect(verdict.problems.contains { $0.contains("not 0/1") }, "\(verdict)")
    }

    @Test func anotherExperimentsRateFails() {
        let other = Synthetic.recovery(ratio: 1.0, offset: 0)  // a different transition, same name
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(other))
        #expect(!verdict.dataPassed, "\(verdict)")
        #expect(verdict.arrays[0].shiftExceeded && verdict.cellsOff > 0)
    }

    @Test func brokenSolverFails() {
        var broken = baseline
        broken.values.values = broken.values.values.map { _ in 0 }
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(broken))
        #expect(!verdict.dataPassed, "\(verdict)")
    }

    @Test func gridMismatchFails() {
        let fewer = Synthetic.recovery(nValues: Array(Synthetic.n.dropLast()))
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(fewer))
        #expect(!verdict.dataPassed && verdict.problems.contains { $0.contains("grid changed") }, "\(verdict)")
        let moved = Synthetic.recovery(dValues: Synthetic.d.map { $0 + 5 })
        #expect(!compareFigure(baseline: figure(baseline), regenerated: figure(moved)).dataPassed)
    }

    @Test func trialCountMismatchFails() {
        var more = baseline
        more.values = NumpyArray(shape: [12, 6, 6], values: (0..<(72 * 6)).map { Double($0 % 2) })
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(more))
        #expect(!verdict.dataPassed && verdict.problems.contains { $0.contains("trials changed") })
    }

    @Test func verdictLineReadsWell() {
        let line = compareFigure(baseline: figure(baseline), regenerated: figure(baseline)).description
        #expect(line.hasPrefix("fig4a  recovery  cells 72  off 0"))
        #expect(line.hasSuffix("PASS"))
        let shifted = compareFigure(baseline: figure(baseline), regenerated: figure(Synthetic.recovery(shift: 10)))
        #expect(shifted.description.contains("FAIL: recovery: systematic shift"))
    }
}

@Suite struct ContinuousComparison {
    let baseline = Synthetic.distance()

    @Test func identicalPasses() {
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(baseline))
        #expect(verdict.dataPassed && verdict.cellsOff == 0, "\(verdict)")
        #expect(verdict.cellsCompared == 72 - 15)  // cells with n < d are skipped in both
    }

    @Test func smallNoisePasses() {
        let noisy = Synthetic.distance(noise: 0.005)
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(noisy))
        #expect(verdict.dataPassed, "\(verdict)")
        #expect(verdict.largestDifference > 0)
    }

    @Test func oneTrialJumpingPasses() {
        var jumped = baseline
        let index = jumped.values.values.firstIndex { $0 < 0.05 }!
        jumped.values.values[index] += 0.8  // a solver landing elsewhere on one boundary trial
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(jumped))
        #expect(verdict.dataPassed, "\(verdict)")
    }

    @Test func systematicOffsetFails() {
        let offset = Synthetic.distance(offset: 0.05)
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(offset))
        #expect(!verdict.dataPassed, "\(verdict)")
        #expect(verdict.shift > 0.03)
    }

    @Test func saturatedValuesAreClipped() {
        var higher = baseline
        higher.values.values = higher.values.values.map { $0 > 1 ? $0 + 5 : $0 }
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(higher))
        #expect(verdict.dataPassed && verdict.largestDifference == 0, "\(verdict)")
    }

    @Test func nanPatternChangeFails() {
        var skipped = baseline
        for t in 0..<5 { skipped.values[11, 0, t] = .nan }
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(skipped))
        #expect(!verdict.dataPassed && verdict.problems.contains { $0.contains("NaN") }, "\(verdict)")
    }

    @Test func kindChangeFails() {
        var relabelled = baseline
        relabelled.kind = .rate
        let verdict = compareFigure(baseline: figure(baseline), regenerated: figure(relabelled))
        #expect(!verdict.dataPassed && verdict.problems.contains { $0.contains("kind changed") }, "\(verdict)")
    }
}
