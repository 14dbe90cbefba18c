import Figures
import NumpyFiles

/// How a figure's per-trial values are distributed, which decides the comparison rule.
public enum ValueKind: String, Sendable, Codable, CaseIterable {
    /// Each trial is 0 or 1 (recovery, "condition holds"): the cell's value is a Bernoulli rate.
    case rate
    /// Any real value (distances); NaN marks a skipped trial or cell. Compared after clipping to
    /// the plotted range, because the figure saturates outside it.
    case continuous
}

/// One quantity of a figure: per-trial values over the (n, d) grid, laid out [n index, d index,
/// trial] in C order (the experiments' result arrays).
public struct TrialArray: Sendable, Equatable {
    /// The metric as the report names it, e.g. "recovery" or "σ=0.05 dis_abs"; a different name in
    /// the baseline means the figure now shows a different quantity.
    public var name: String
    public var kind: ValueKind
    /// Grid values along the first two axes.
    public var nValues: [Double]
    public var dValues: [Double]
    /// Shape [nValues.count, dValues.count, trials].
    public var values: NumpyArray
    /// The colour range of the figure; continuous values are clipped to it before comparing.
    /// Rates always use 0...1.
    public var plottedRange: ClosedRange<Double>

    public init(name: String, kind: ValueKind, nValues: [Double], dValues: [Double], values: NumpyArray,
                plottedRange: ClosedRange<Double> = 0...1) {
        precondition(values.rank == 3 && values.shape[0] == nValues.count && values.shape[1] == dValues.count,
                     "\(name): values of shape \(values.shape) do not match a \(nValues.count)×\(dValues.count) grid")
        self.name = name
        self.kind = kind
        self.nValues = nValues
        self.dValues = dValues
        self.values = values
        self.plottedRange = plottedRange
    }

    public var trials: Int { values.shape[2] }
    public var cellCount: Int { nValues.count * dValues.count }

    /// The mean over trials of each cell, ignoring NaN (NaN where every trial is), as the grid a
    /// `PhaseDiagram` draws: handy for redrawing a figure from baseline data.
    public func meanGrid() -> ScalarGrid {
        ScalarGrid(xValues: nValues, yValues: dValues, values: (0..<cellCount).map { cell in
            let valid = trialValues(cell: cell).filter { !$0.isNaN }
            return valid.isEmpty ? .nan : valid.reduce(0, +) / Double(valid.count)
        })
    }

    /// The trials of cell `cell` (= i · dCount + j), contiguous in C order.
    func trialValues(cell: Int) -> ArraySlice<Double> {
        values.values[(cell * trials)..<((cell + 1) * trials)]
    }
}

/// Everything a figure's check compares: its id (the report's figure label) and its quantities.
public struct FigureData: Sendable, Equatable {
    public var id: String
    public var arrays: [TrialArray]

    public init(id: String, arrays: [TrialArray]) {
        self.id = id
        self.arrays = arrays
    }
}
