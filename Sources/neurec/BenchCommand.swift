import ArgumentParser
import Experiments
import Foundation

/// `neurec bench …`: timings printed as tables, never asserted (timed tests flake).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks (numbers printed, nothing asserted).",
        subcommands: [BenchSolver.self, BenchTraining.self])
}

/// `neurec bench solver`: see `SolverBenchmark`.
struct BenchSolver: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solver",
        abstract: "Time the convex solver on the issue's instances and report the normal-matrix GFLOP/s beside dgemm's.")

    @Option(help: "Seed of the instances.")
    var seed: UInt64 = 1

    @Option(help: "Solves per instance; the fastest is reported.")
    var repeats: Int = 3

    @Option(help: "Write each instance as JSON (neurec solve's format) into this directory, e.g. for CVXPY.")
    var writeInstances: String?

    func run() throws {
        // neurec has already restarted itself with a better kernel when OpenBLAS fell back (BLASRuntime).
        try SolverBenchmark(seed: seed, repeats: repeats, instanceFolder: writeInstances.map { URL(fileURLWithPath: $0) })
            .run { print($0) }
    }
}
