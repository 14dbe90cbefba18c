import FigureChecks
import Foundation
import NumpyFiles
import Testing

/// The rule applied to the committed baselines of the paper report: they pass against themselves,
/// survive a couple of boundary flips, and fail when perturbed as a real regression would.
@Suite struct CommittedBaselineTests {
    static let store = BaselineStore(folder: URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("figures/baseline/paper"))

    func recoveryBaseline() throws -> FigureData { try #require(try Self.store.load("fig4a")) }

    /// A copy whose first array's values are transformed cell by cell ([n index][d index][trial]).
    func perturbed(_ data: FigureData, _ change: (inout [Double], [Int]) -> Void) -> FigureData {
        var copy = data
        var values = copy.arrays[0].values.values
        change(&values, copy.arrays[0].values.shape)
        copy.arrays[0].values = NumpyArray(shape: copy.arrays[0].values.shape, values: values)
        return copy
    }

    @Test func everyCommittedBaselinePassesAgainstItself() throws {
        let ids = try Self.store.figureIDs()
        #expect(ids.count >= 10)
        for id in ids {
            let data = try #require(try Self.store.load(id))
            #expect(compareFigure(baseline: data, regenerated: data).dataPassed, "\(id)")
        }
    }

    @Test func twoBoundaryTrialsFlippedStillPass() throws {
        let baseline = try recoveryBaseline()
        // Flip the first trial of two cells whose mean is strictly between 0 and 1.
        let flipped = perturbed(baseline) { values, shape in
            let t = shape[2]
            var flips = 0
            for cell in 0..<(shape[0] * shape[1]) where flips < 2 {
                let trials = values[(cell * t)..<((cell + 1) * t)]
                let mean = trials.reduce(0, +) / Double(t)
                if mean > 0 && mean < 1 { values[cell * t] = 1 - values[cell * t]; flips += 1 }
            }
        }
        #expect(flipped != baseline)
        #expect(compareFigure(baseline: baseline, regenerated: flipped).dataPassed)
    }

    @Test func aTransitionShiftedByOneGridStepFails() throws {
        let baseline = try recoveryBaseline()
        // What was measured at n now appears at the next larger n: the boundary moves right.
        let shifted = perturbed(baseline) { values, shape in
            let row = shape[1] * shape[2]
            let original = values
            for i in 1..<shape[0] { for k in 0..<row { values[i * row + k] = original[(i - 1) * row + k] } }
            for k in 0..<row { values[k] = 0 }
        }
        #expect(!compareFigure(baseline: baseline, regenerated: shifted).dataPassed)
    }

    /// What was measured at n in one d column now appears `steps` n values later, in that column only.
    func columnShifted(_ baseline: FigureData, column: Int, steps: Int) -> FigureData {
        perturbed(baseline) { values, shape in
            let (nCount, dCount, t) = (shape[0], shape[1], shape[2])
            let original = values
            for i in 0..<nCount {
                for k in 0..<t {
                    values[(i * dCount + column) * t + k] = i >= steps ? original[((i - steps) * dCount + column) * t + k] : 0
                }
            }
        }
    }

    /// Columns of the committed recovery baseline whose rate rises from 0 to 1 inside the grid, so a
    /// shift moves a whole cell's trials.
    func transitionColumns(_ data: FigureData) -> [Int] {
        let shape = data.arrays[0].values.shape
        let means = data.arrays[0].grid.trialMeans
        return (0..<shape[1]).filter { j in
            means[j] == 0 && means[(shape[0] - 1) * shape[1] + j] == 1
        }
    }

    @Test func aBoundaryMovedByOneOrTwoStepsInOneColumnFails() throws {
        let baseline = try recoveryBaseline()
        let columns = transitionColumns(baseline)
        #expect(!columns.isEmpty)
        for column in columns {
            for steps in [1, 2] {
                let moved = columnShifted(baseline, column: column, steps: steps)
                #expect(moved != baseline)
                let verdict = compareFigure(baseline: baseline, regenerated: moved)
                #expect(!verdict.dataPassed, "column \(column) moved by \(steps): \(verdict)")
            }
        }
    }

    @Test func anotherFiguresMetricInItsPlaceFails() throws {
        let baseline = try recoveryBaseline()
        let exact = try #require(try Self.store.load("fig4b"))
        var swapped = exact
        swapped.id = baseline.id
        #expect(!compareFigure(baseline: baseline, regenerated: swapped).dataPassed)
        let distances = try #require(try Self.store.load("fig2"))
        var wrongMetric = distances
        wrongMetric.id = baseline.id
        #expect(!compareFigure(baseline: baseline, regenerated: wrongMetric).dataPassed)
    }
}
