import Foundation
import NumpyFiles
import Vocabulary

/// Turning the experiments' saved arrays into the grid a phase diagram draws.
public enum TrialResults {
    /// The grid the original scripts use for `--n N --d D`: n ∈ {10, 20, …, N}, d ∈ {10, 20, …, D},
    /// read from a file name containing `n{N}_d{D}` (e.g. `rec_rate_skip_n400_d100_w1_X0_sample5.npy`).
    public static func gridFromFileName(_ name: String) -> (n: [Double], d: [Double])? {
        let pattern = /(?:^|[_\/])n(\d+)_d(\d+)(?:[_.]|$)/
        guard let match = name.firstMatch(of: pattern),
              let n = Int(match.1), let d = Int(match.2), n >= 10, d >= 10 else { return nil }
        return (stride(from: 10, through: n, by: 10).map(Double.init),
                stride(from: 10, through: d, by: 10).map(Double.init))
    }

    /// Mean over the last axis of an `[n, d, trial]` array, ignoring NaN (a cell whose trials
    /// are all NaN stays NaN); an `[n, d]` array is returned as it is. Values are `[n][d]` flattened.
    public static func meanOverTrials(_ array: NumpyArray, source: String) throws -> (values: [Double], nCount: Int, dCount: Int) {
        switch array.rank {
        case 2:
            return (array.values, array.shape[0], array.shape[1])
        case 3:
            let (nCount, dCount) = (array.shape[0], array.shape[1])
            guard array.shape[2] > 0 else {
                throw FigureError.invalidData(file: source, reason: "the array has no trials (shape \(array.shape))")
            }
            // The grid values are not known yet and do not enter the means: positions stand in for them.
            let grid = TrialGrid(array, nValues: (0..<nCount).map(Double.init), dValues: (0..<dCount).map(Double.init))!
            return (grid.trialMeans, nCount, dCount)
        default:
            throw FigureError.invalidData(
                file: source, reason: "expected an array [n, d, trial] or [n, d], got shape \(array.shape)")
        }
    }

    /// Loads a result file and returns the mean grid, with n and d values given or inferred
    /// from the file name. Every problem is one `FigureError` or `NumpyFileError` line naming the file.
    public static func loadGrid(_ url: URL, nValues: [Double]? = nil, dValues: [Double]? = nil) throws -> ScalarGrid {
        let array = try NumpyArray(contentsOf: url)
        let (values, nCount, dCount) = try meanOverTrials(array, source: url.path)
        let inferred = gridFromFileName(url.lastPathComponent)
        guard let n = nValues ?? inferred?.n, let d = dValues ?? inferred?.d else {
            throw FigureError.invalidData(
                file: url.path, reason: "cannot infer the grid: the name has no n{N}_d{D}; pass --n-values and --d-values")
        }
        guard n.count == nCount, d.count == dCount else {
            let origin = (nValues == nil || dValues == nil) ? " (from the file name)" : ""
            throw FigureError.invalidData(
                file: url.path,
                reason: "array is \(nCount)×\(dCount) over (n, d) but the grid\(origin) has \(n.count) n values and \(d.count) d values")
        }
        guard !values.allSatisfy(\.isNaN) else {
            throw FigureError.invalidData(file: url.path, reason: "every value is NaN, nothing to draw")
        }
        return ScalarGrid(xValues: n, yValues: d, values: values)
    }
}
