import Foundation
import NumpyFiles
import Testing
import TestSupport
import Vocabulary

private let nan = Double.nan

/// A 2×2 grid of 3 trials: cell (0,0) plain, (0,1) with one NaN trial, (1,0) all NaN, (1,1) rates.
private let grid = TrialGrid(nValues: [10, 20], dValues: [5, 15], trials: 3,
                             values: [1, 2, 6, /**/ 4, nan, 8, /**/ nan, nan, nan, /**/ 0, 1, 1])

@Test func meansIgnoreSkippedTrials() {
    let means = grid.trialMeans
    #expect(means[0] == 3 && means[1] == 6 && means[2].isNaN && means[3] == 2.0 / 3)
    #expect(grid[0, 1, 2] == 8 && grid[1, 1, 0] == 0)
    // (3 + 6 + 2/3) / 3 over the three cells that have a mean.
    #expect(abs(grid.gridMean - (3 + 6 + 2.0 / 3) / 3) < 1e-15)
    #expect(grid.meansTable == "n\\d\t5\t15\n10\t3.00\t6.00\n20\tnan\t0.67")
}

/// Several grids side by side: each cell is the grids' means in order, "a/b".
@Test func meansTableOfSeveralGridsJoinsTheirMeans() {
    let halves = TrialGrid(nValues: [10, 20], dValues: [5, 15], trials: 2, values: [0, 1, /**/ 1, 1, /**/ nan, nan, /**/ 0, 0])
    #expect(TrialGrid.meansTable([grid, halves]) == "n\\d\t5\t15\n10\t3.00/0.50\t6.00/1.00\n20\tnan/nan\t0.67/0.00")
    #expect(TrialGrid.meansTable([grid]) == grid.meansTable)
}

@Test func npyRoundTripKeepsTheCOrderLayout() throws {
    let url = try temporaryFolder("trialgrid").appendingPathComponent("grid.npy")
    try grid.write(to: url)
    let array = try NumpyArray(contentsOf: url)
    #expect(array.shape == [2, 2, 3])
    #expect(array[0, 1, 2] == 8 && array[1, 1, 0] == 0)
    #expect(TrialGrid(array, nValues: grid.nValues, dValues: grid.dValues) == grid)
    #expect(TrialGrid(array, nValues: [10], dValues: grid.dValues) == nil)
}

@Test func jsonRoundTripWritesNaNAsNull() throws {
    let data = try JSONEncoder().encode(grid)
    #expect(String(decoding: data, as: UTF8.self).contains("null"))
    #expect(try JSONDecoder().decode(TrialGrid.self, from: data) == grid)
    let short = #"{"n": [1], "d": [1, 2], "trials": 2, "values": [1, 2, 3]}"#
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(TrialGrid.self, from: Data(short.utf8)) }
}
