import Vocabulary
/// One point of an experiment grid: sample size n, dimension d, and the trial index.
public struct Cell: Hashable, Sendable, Codable, CustomStringConvertible {
    public let n: Int
    public let d: Int
    public let trial: Int

    public init(n: Int, d: Int, trial: Int) {
        self.n = n
        self.d = d
        self.trial = trial
    }

    public var description: String { "\(n),\(d),\(trial)" }

    /// `n{n}_d{d}_t{trial}`: how a file of one cell's trial is named (the result cache, `--save_details`).
    public var fileStem: String { "n\(n)_d\(d)_t\(trial)" }
}

/// The original scripts' grid (science §8): n ∈ {10, 20, …, N}, d ∈ {10, 20, …, D}, `sample` trials each,
/// visited n outer, then d, then trial — the order the numpy stream is consumed in.
public struct InstanceGrid: Sendable, Hashable, Codable {
    public let nValues: [Int]
    public let dValues: [Int]
    public let trials: Int

    public init(maxN: Int, maxD: Int, trials: Int) {
        self.init(nValues: Array(stride(from: 10, through: maxN, by: 10)),
                  dValues: Array(stride(from: 10, through: maxD, by: 10)), trials: trials)
    }

    public init(nValues: [Int], dValues: [Int], trials: Int) {
        self.nValues = nValues
        self.dValues = dValues
        self.trials = trials
    }

    /// Every cell in stream order.
    public var cells: [Cell] {
        nValues.flatMap { n in dValues.flatMap { d in (0..<trials).map { Cell(n: n, d: d, trial: $0) } } }
    }

    public func contains(_ cell: Cell) -> Bool {
        nValues.contains(cell.n) && dValues.contains(cell.d) && (0..<trials).contains(cell.trial)
    }
}

/// Where a cell's instance comes from, in either stream mode (science §3).
public struct InstanceSource: Sendable {
    public let draws: InstanceDraws
    public let grid: InstanceGrid
    public let mode: StreamMode
    public let seed: UInt32

    public init(draws: InstanceDraws, grid: InstanceGrid, mode: StreamMode, seed: UInt32) {
        self.draws = draws
        self.grid = grid
        self.mode = mode
        self.seed = seed
    }

    /// The instance of one cell (nil where the experiment skips the cell): in cell mode drawn from the
    /// cell's own stream in the canonical order (`drawCanonical`). In numpy mode the shared
    /// stream is replayed from the start of the grid up to the cell, computing only what decides the
    /// number of draws.
    public func instance(at cell: Cell) -> Instance? {
        switch mode {
        case .cell:
            var stream = CellStreams.instance(seed: seed, n: cell.n, d: cell.d, trial: cell.trial)
            return draws.drawCanonical(n: cell.n, d: cell.d, trial: cell.trial, from: &stream)
        case .numpy:
            guard let position = grid.cells.firstIndex(of: cell) else { return nil }
            var found: Instance?
            forEachInstance(through: position, materializing: { $0 == position }) { _, _, instance in found = instance }
            return found
        }
    }

    /// The instances of the cells at stream positions 0...`last` (the whole grid by default) for which
    /// `materializing` holds, in stream order, handed to `body` with their position; skipped cells give
    /// nil. Numpy mode draws every earlier cell from the one shared stream (cells not materialized
    /// only advance it); cell mode draws each wanted cell from its own stream.
    public func forEachInstance(through last: Int? = nil, materializing: (Int) -> Bool = { _ in true },
                                _ body: (Int, Cell, Instance?) throws -> Void) rethrows {
        let cells = grid.cells
        var shared = NumpyRandomState(seed: seed)
        for position in 0..<min(cells.count, (last ?? cells.count - 1) + 1) {
            let cell = cells[position], wanted = materializing(position)
            switch mode {
            case .numpy:
                let instance = draws.draw(n: cell.n, d: cell.d, trial: cell.trial, from: &shared, materialize: wanted)
                if wanted { try body(position, cell, instance) }
            case .cell:
                if wanted { try body(position, cell, instance(at: cell)) }
            }
        }
    }
}
