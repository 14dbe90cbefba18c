import ArgumentParser
import Foundation
import LinearAlgebra
import Solver

/// `neurec bench …`: timings printed as tables, never asserted (timed tests flake).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks (numbers printed, nothing asserted).",
        subcommands: [BenchSolver.self])
}

/// The issue's solver benchmark: skip relaxed at (100, 20), (200, 50), (400, 100); normalization
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
        let threads = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "all cores"
        let core = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
        print("OPENBLAS_NUM_THREADS: \(threads), OPENBLAS_CORETYPE: \(core ?? "unset (autodetected)")")
        if core == nil {
            print("note: OpenBLAS 0.3.21 may not recognise recent CPUs and fall back to slow generic kernels; compare with OPENBLAS_CORETYPE=SkylakeX (or Haswell)")
        }
        let gemm = dgemmRate()
        print(String(format: "dgemm 1000×1000×1000: %.1f GFLOP/s", gemm))
        print("")
        print("| program | n | d | p | iterations | seconds | status | objective | normal matrix GFLOP/s | share of time |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        let cases: [(Architecture, ProgramForm, Int, Int)] = [
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
        var rng = BenchRandom(state: 7)
        let a = Matrix(rows: n, columns: n, columnMajor: (0..<(n * n)).map { _ in rng.gaussian() })
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

/// The benchmark's instances (SPEC §2, §4): X with N(0,1)/√n entries; skip: y = X w* for a unit
/// Gaussian w*; normalized: y = Σ_j (X w_j)_+/‖(X w_j)_+‖ for k = 2 unit Gaussian neurons,
/// prepended to the directions; patterns the distinct columns of 1[X H ≥ 0] for max(n, 50)
/// Gaussian directions H. (A local generator: the Instances module's streams are not needed for timing.)
func benchInstance(_ arch: Architecture, _ form: ProgramForm, n: Int, d: Int, seed: UInt64) -> ConvexProgram {
    var rng = BenchRandom(state: seed)
    let x = Matrix(rows: n, columns: d, columnMajor: (0..<(n * d)).map { _ in rng.gaussian() / Double(n).squareRoot() })
    func unit() -> [Double] { let w = (0..<d).map { _ in rng.gaussian() }; return w.scaled(by: 1 / w.norm) }
    var planted: [[Double]] = []
    var y: [Double]
    if arch == .normalized {
        planted = [unit(), unit()]
        y = [Double](repeating: 0, count: n)
        for w in planted {
            let z = x.times(w).map { max($0, 0) }
            y.add(z, scaledBy: 1 / z.norm)
        }
    } else {
        y = x.times(unit())
    }
    let h = max(n, 50)
    var directions = planted.flatMap { $0 }
    directions += (0..<(d * h)).map { _ in rng.gaussian() }
    let xh = Matrix.product(x, Matrix(rows: d, columns: planted.count + h, columnMajor: directions))
    var seen = Set<[Double]>(), columns: [Double] = [], p = 0
    for j in 0..<xh.columns {
        let col = xh.column(j).map { $0 >= 0 ? 1.0 : 0.0 }
        if seen.insert(col).inserted { columns += col; p += 1 }
    }
    return ConvexProgram(architecture: arch, form: form, X: x, y: y,
                         patterns: Matrix(rows: n, columns: p, columnMajor: columns), beta: 1e-6)
}

/// SplitMix64 with Box–Muller normals.
struct BenchRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func gaussian() -> Double {
        let u = max(Double(next() >> 11) / Double(1 << 53), 1e-300), v = Double(next() >> 11) / Double(1 << 53)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
