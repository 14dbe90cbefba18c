import ArgumentParser
import Foundation
import Instances
import LinearAlgebra
import Solver
import Vocabulary

/// `neurec bench …`: timings printed as tables, never asserted (timed tests flake).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks (numbers printed, nothing asserted).",
        subcommands: [BenchSolver.self, BenchTraining.self])
}

/// The solver benchmark: skip relaxed at (100, 20), (200, 50), (400, 100); normalization
/// relaxed and both approx forms at (200, 50); patterns from max(n, 50) random directions.
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
        print("OpenBLAS kernels: \(BLASRuntime.coreName); threads: \(BLASRuntime.threadCount)")
        let gemm = dgemmRate()
        print(String(format: "dgemm 1000×1000×1000: %.1f GFLOP/s", gemm))
        print("")
        print("| program | n | d | p | iterations | seconds | status | objective | normal matrix GFLOP/s | share of time |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        let cases: [(NetworkKind, ProgramForm, Int, Int)] = [
            (.skip, .relaxed, 100, 20), (.skip, .relaxed, 200, 50), (.skip, .relaxed, 400, 100),
            (.normalized, .relaxed, 200, 50), (.skip, .approx, 200, 50), (.normalized, .approx, 200, 50),
        ]
        for (k, (arch, form, n, d)) in cases.enumerated() {
            let program = benchInstance(arch, form, n: n, d: d, seed: seed &+ UInt64(k))
            if let dir = writeInstances {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                let data = try JSONSerialization.data(withJSONObject: ProgramFile(program: program).jsonObject())
                try data.write(to: URL(fileURLWithPath: dir).appendingPathComponent("\(arch.rawValue)_\(form.rawValue)_n\(n)_d\(d).json"))
            }
            var best: SolverResult?
            for _ in 0..<max(repeats, 1) {
                let r = Solver.solve(program)
                if best == nil || r.seconds < best!.seconds { best = r }
            }
            let r = best!
            let rate = r.normalMatrixSeconds > 0 ? r.normalMatrixFlops / r.normalMatrixSeconds * 1e-9 : .nan
            print(String(format: "| %@ %@ | %d | %d | %d | %d | %.3f | %@ | %.10g | %.1f | %.0f%% |",
                         arch.rawValue, form.rawValue, n, d, program.p, r.iterations, r.seconds, r.status.name, r.objective,
                         rate, 100 * r.normalMatrixSeconds / r.seconds))
        }
    }

    /// Best of three 1000³ dgemm calls, in GFLOP/s.
    func dgemmRate() -> Double {
        let n = 1000
        var stream = NumpyRandomState(seed: 7)
        let a = stream.randn(n, n)
        var c = Matrix<Double>(rows: n, columns: n)
        var best = Double.infinity
        for _ in 0..<3 {
            let t = DispatchTime.now().uptimeNanoseconds
            Matrix.gemm(a, a, into: &c)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t) * 1e-9)
        }
        return 2 * Double(n * n * n) / best * 1e-9
    }
}

/// The benchmark's instances, drawn as the experiments draw them (science §2–§4) from the cell
/// stream `seed`: skip programs from `rec_rate_skip` instances (unit Gaussian w*), normalized ones
/// from `rec_rate_normal` instances with k = 2 unit Gaussian neurons; patterns from max(n, 50)
/// directions, planted neurons prepended.
func benchInstance(_ arch: NetworkKind, _ form: ProgramForm, n: Int, d: Int, seed: UInt64) -> ConvexProgram {
    let draws = arch == .normalized
        ? InstanceDraws(experiment: .recRateNormal, parameters: InstanceParameters(plantedWeights: .gaussian, neurons: 2))
        : InstanceDraws(experiment: .recRateSkip, parameters: InstanceParameters(plantedWeights: .gaussian))
    var stream = CellStreams.instance(seed: UInt32(truncatingIfNeeded: seed), n: n, d: d, trial: 0)
    let instance = draws.draw(n: n, d: d, trial: 0, from: &stream)!
    return ConvexProgram(architecture: arch, form: form, X: instance.X, y: instance.y,
                         patterns: instance.patterns!.matrix, beta: 1e-6)
}
