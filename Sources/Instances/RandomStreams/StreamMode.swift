/// Where an instance's random numbers come from (science §3).
public enum StreamMode: String, Sendable, CaseIterable, Codable {
    /// One `RandomState(seed)` for the whole grid, consumed in grid order: the original scripts' instances.
    case numpy
    /// An independent stream per cell and trial, so a cell's instance never depends on the grid,
    /// the order of work, or the machine.
    case cell
}

/// Seeds of the project's independent streams. Each is numpy's `RandomState(key)` with an
/// `init_by_array` key, so a researcher can replay any of them in Python.
public enum CellStreams {
    /// The instance stream of one cell: `RandomState([seed, n, d, trial])`.
    public static func instance(seed: UInt32, n: Int, d: Int, trial: Int) -> NumpyRandomState {
        NumpyRandomState(key: [seed, UInt32(n), UInt32(d), UInt32(trial)])
    }

    /// The stream for a network's initialization in that cell, disjoint from the instance stream
    /// (a fifth key word), so that training never perturbs the instances, in either mode.
    public static func initialization(seed: UInt32, n: Int, d: Int, trial: Int) -> NumpyRandomState {
        NumpyRandomState(key: [seed, UInt32(n), UInt32(d), UInt32(trial), 1])
    }
}
