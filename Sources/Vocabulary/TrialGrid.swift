import Foundation
import NumpyFiles

/// Per-trial values over a grid, laid out [n index, d index, trial] in C order — the shape the
/// original scripts save, so a cell's trials are adjacent. NaN marks a trial that was not computed
/// (as the original leaves them).
///
/// The axes are usually n and d; the cluster experiment puts d and σ there, hence real grid values.
public struct TrialGrid: Sendable, Equatable {
    public let nValues: [Double]
    public let dValues: [Double]
    public let trials: Int
    public var values: [Double]

    public init(nValues: [Double], dValues: [Double], trials: Int, values: [Double]) {
        precondition(trials >= 0 && values.count == nValues.count * dValues.count * trials,
                     "\(values.count) values do not fill a \(nValues.count)×\(dValues.count)×\(trials) grid")
        self.nValues = nValues
        self.dValues = dValues
        self.trials = trials
        self.values = values
    }

    public init(nValues: [Double], dValues: [Double], trials: Int, repeating value: Double = .nan) {
        self.init(nValues: nValues, dValues: dValues, trials: trials,
                  values: [Double](repeating: value, count: nValues.count * dValues.count * trials))
    }

    public var shape: [Int] { [nValues.count, dValues.count, trials] }
    public var cellCount: Int { nValues.count * dValues.count }

    public subscript(nIndex: Int, dIndex: Int, trial: Int) -> Double {
        get { values[(nIndex * dValues.count + dIndex) * trials + trial] }
        set { values[(nIndex * dValues.count + dIndex) * trials + trial] = newValue }
    }

    /// The trials of cell `cell` (= n index · d count + d index).
    public func trialValues(cell: Int) -> ArraySlice<Double> {
        values[(cell * trials)..<((cell + 1) * trials)]
    }

    /// The mean over trials of each cell, ignoring NaN (NaN where every trial is), flattened like
    /// the cells: [n index · d count + d index]. What a phase diagram draws.
    public var trialMeans: [Double] {
        (0..<cellCount).map { cell in
            let valid = trialValues(cell: cell).filter { !$0.isNaN }
            return valid.isEmpty ? .nan : valid.reduce(0, +) / Double(valid.count)
        }
    }

    /// The mean of the cell means over the cells that have one: one number for a whole grid.
    public var gridMean: Double {
        let means = trialMeans.filter { !$0.isNaN }
        return means.isEmpty ? .nan : means.reduce(0, +) / Double(means.count)
    }

    /// The cell means as tab-separated text, two decimals: a header `n\d` and the d values, then one
    /// row per n.
    public var meansTable: String { Self.meansTable([self]) }

    /// The cell means of several grids on the axes of the first, as `meansTable` but each cell
    /// "a/b/c", one mean per grid in order (e.g. the rates of several metrics side by side).
    public static func meansTable(_ grids: [TrialGrid]) -> String {
        guard let first = grids.first else { return "" }
        func axis(_ value: Double) -> String { value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)" }
        let means = grids.map(\.trialMeans)
        let columns = first.dValues.count
        let header = "n\\d\t" + first.dValues.map(axis).joined(separator: "\t")
        let rows = first.nValues.indices.map { i in
            axis(first.nValues[i]) + "\t" + first.dValues.indices.map { j in
                means.map { $0[i * columns + j] }.map { $0.isNaN ? "nan" : String(format: "%.2f", $0) }.joined(separator: "/")
            }.joined(separator: "\t")
        }
        return ([header] + rows).joined(separator: "\n")
    }

    /// Equal grids and values, NaN equal to NaN: a trial not computed on both sides is no difference.
    public static func == (lhs: TrialGrid, rhs: TrialGrid) -> Bool {
        lhs.nValues == rhs.nValues && lhs.dValues == rhs.dValues && lhs.trials == rhs.trials
            && zip(lhs.values, rhs.values).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }

    // MARK: .npy

    /// The array as numpy loads it: shape [n, d, trial].
    public var numpyArray: NumpyArray { NumpyArray(shape: shape, values: values) }

    /// A saved [n, d, trial] array on the given axes; nil unless the shapes agree.
    public init?(_ array: NumpyArray, nValues: [Double], dValues: [Double]) {
        guard array.rank == 3, array.shape[0] == nValues.count, array.shape[1] == dValues.count else { return nil }
        self.init(nValues: nValues, dValues: dValues, trials: array.shape[2], values: array.values)
    }

    /// Writes the .npy file (atomically, through NumpyFiles).
    public func write(to url: URL) throws {
        try numpyArray.write(to: url)
    }
}

// MARK: JSON

/// `{"n": […], "d": […], "trials": T, "values": […]}` with values flat in C order and NaN as null
/// (JSON has no NaN).
extension TrialGrid: Codable {
    private enum CodingKeys: String, CodingKey { case n, d, trials, values }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let n = try container.decode([Double].self, forKey: .n), d = try container.decode([Double].self, forKey: .d)
        let trials = try container.decode(Int.self, forKey: .trials)
        let values = try container.decode([Double?].self, forKey: .values).map { $0 ?? .nan }
        guard trials >= 0, values.count == n.count * d.count * trials else {
            throw DecodingError.dataCorruptedError(
                forKey: .values, in: container,
                debugDescription: "\(values.count) values do not fill a \(n.count)×\(d.count)×\(trials) grid")
        }
        self.init(nValues: n, dValues: d, trials: trials, values: values)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nValues, forKey: .n)
        try container.encode(dValues, forKey: .d)
        try container.encode(trials, forKey: .trials)
        try container.encode(values.map { $0.isNaN ? nil : $0 }, forKey: .values)
    }
}
