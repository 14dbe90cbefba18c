import Figures
import NumpyFiles
import Vocabulary

/// How a figure's per-trial values are distributed, which decides the comparison rule.
public enum ValueKind: String, Sendable, Codable, CaseIterable {
    /// Each trial is 0 or 1 (recovery, "condition holds"): the cell's value is a Bernoulli rate.
    case rate
    /// Any real value (distances); NaN marks a skipped trial or cell. Compared after clipping to
    /// the plotted range, because the figure saturates outside it.
    case continuous
}

/// One quantity of a figure: its per-trial values (a `TrialGrid`, [n index, d index, trial]) with
/// what the comparison needs to know about them.
public struct TrialArray: Sendable, Equatable {
    /// The metric as the report names it, e.g. "recovery" or "σ=0.05 dis_abs"; a different name in
    /// the baseline means the figure now shows a different quantity.
    public var name: String
    public var kind: ValueKind
    public var grid: TrialGrid
    /// The colour range of the figure; continuous values are clipped to it before comparing.
    /// Rates always use 0...1.
    public var plottedRange: ClosedRange<Double>

    public init(name: String, kind: ValueKind, grid: TrialGrid, plottedRange: ClosedRange<Double> = 0...1) {
        self.name = name
        self.kind = kind
        self.grid = grid
        self.plottedRange = plottedRange
    }

    public init(name: String, kind: ValueKind, nValues: [Double], dValues: [Double], values: NumpyArray,
                plottedRange: ClosedRange<Double> = 0...1) {
        guard let grid = TrialGrid(values, nValues: nValues, dValues: dValues) else {
            preconditionFailure("\(name): values of shape \(values.shape) do not match a \(nValues.count)×\(dValues.count) grid")
        }
        self.init(name: name, kind: kind, grid: grid, plottedRange: plottedRange)
    }

    public var nValues: [Double] { grid.nValues }
    public var dValues: [Double] { grid.dValues }
    public var trials: Int { grid.trials }
    public var cellCount: Int { grid.cellCount }

    /// The values as a [n, d, trial] array; setting one keeps the grid values (the trial count may change).
    public var values: NumpyArray {
        get { grid.numpyArray }
        set {
            guard let changed = TrialGrid(newValue, nValues: grid.nValues, dValues: grid.dValues) else {
                preconditionFailure("\(name): values of shape \(newValue.shape) do not match the grid")
            }
            grid = changed
        }
    }

    /// The mean over trials of each cell, as the grid a `PhaseDiagram` draws: handy for redrawing a
    /// figure from baseline data.
    public func meanGrid() -> ScalarGrid {
        ScalarGrid(xValues: grid.nValues, yValues: grid.dValues, values: grid.trialMeans)
    }

    func trialValues(cell: Int) -> ArraySlice<Double> { grid.trialValues(cell: cell) }
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
