import Foundation
import Instances
import LinearAlgebra
import NumpyFiles
import Solver
import Vocabulary

/// `neurec bench solver`: the solver benchmark, printed as a Markdown table, never asserted
/// (timed tests flake). Skip relaxed at (100, 20), (200, 50), (400, 100); normalization relaxed and
/// both approx forms at (200, 50); patterns from max(n, 50) random directions. Then the sizes with
/// targets (SolverBenchmark+Targets.swift).
public struct SolverBenchmark: Sendable {
    /// Seed of the instances (case k draws from seed + k).
    public var seed: UInt64
    /// Solves per instance; the fastest is reported.
    public var repeats: Int
    /// When set, each instance is also written there as JSON (`neurec solve`'s format), e.g. for CVXPY.
    public var instanceFolder: URL?

    public init(seed: UInt64 = 1, repeats: Int = 3, instanceFolder: URL? = nil) {
        self.seed = seed
        self.repeats = repeats
        self.instanceFolder = instanceFolder
    }

    public static let cases: [(NetworkKind, ProgramForm, n: Int, d: Int)] = [
        (.skip, .relaxed, 100, 20), (.skip, .relaxed, 200, 50), (.skip, .relaxed, 400, 100),
        (.normalized, .relaxed, 200, 50), (.skip, .approx, 200, 50), (.normalized, .approx, 200, 50),
    ]

    /// Runs every case, handing each line of the report to `emit` as soon as it is known.
    public func run(_ emit: (String) -> Void) throws {
        emit("OpenBLAS kernels: \(BLASRuntime.coreName); threads: \(BLASRuntime.threadCount)")
        emit(String(format: "dgemm 1000×1000×1000: %.1f GFLOP/s", Self.dgemmRate()))
        emit("")
        emit("| program | n | d | p | iterations | seconds | status | objective | normal matrix GFLOP/s | share of time |")
        emit("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for (k, (arch, form, n, d)) in Self.cases.enumerated() {
            let program = Self.instance(arch, form, n: n, d: d, seed: seed &+ UInt64(k))
            try writeInstance(program, named: "\(arch.rawValue)_\(form.rawValue)_n\(n)_d\(d)")
            let r = fastestSolve(program)
            let rate = r.normalMatrixSeconds > 0 ? r.normalMatrixFlops / r.normalMatrixSeconds * 1e-9 : .nan
            emit(String(format: "| %@ %@ | %d | %d | %d | %d | %.3f | %@ | %.10g | %.1f | %.0f%% |",
                        arch.rawValue, form.rawValue, n, d, program.p, r.iterations, r.seconds, r.status.name, r.objective,
                        rate, 100 * r.normalMatrixSeconds / r.seconds))
        }
        try runTargets(emit)
        try runNoisy(emit)
        try runSignRows(emit)
        try runPlanted(emit)
    }

    /// The instance as JSON (`neurec solve`'s format) in `instanceFolder`, when one is set.
    func writeInstance(_ program: ConvexProgram, plantedSkip: [Double]? = nil, named name: String) throws {
        guard let instanceFolder else { return }
        try FileManager.default.createDirectory(at: instanceFolder, withIntermediateDirectories: true)
        let data = try JSONSerialization.data(withJSONObject: ProgramFile(program: program, plantedSkip: plantedSkip).jsonObject())
        try AtomicFile.write(data, to: instanceFolder.appendingPathComponent(name + ".json"))
    }

    /// The fastest of `repeats` solves.
    func fastestSolve(_ program: ConvexProgram, settings: SolverSettings = SolverSettings(), seed: [Int]? = nil) -> SolverResult {
        var best: SolverResult?
        for _ in 0..<max(repeats, 1) {
            let r = Solver.solve(program, settings: settings, seed: seed)
            if best == nil || r.seconds < best!.seconds { best = r }
        }
        return best!
    }

    /// Best of three 1000³ dgemm calls, in GFLOP/s.
    public static func dgemmRate() -> Double {
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

    /// A skip exact program of `rec_rate_skip`'s instance at (n, d) with its planted weight w*, as
    /// `instance` draws it.
    static func plantedInstance(n: Int, d: Int, seed: UInt64) -> (program: ConvexProgram, wStar: [Double]) {
        let draws = InstanceDraws(experiment: .recRateSkip, parameters: InstanceParameters(plantedWeights: .gaussian))
        var stream = CellStreams.instance(seed: UInt32(truncatingIfNeeded: seed), n: n, d: d, trial: 0)
        let instance = draws.draw(n: n, d: d, trial: 0, from: &stream)!
        return (ConvexProgram(architecture: .skip, form: .exact, X: instance.X, y: instance.y, patterns: instance.patterns!.matrix),
                instance.plantedLinearWeight!)
    }

    /// The benchmark's instances, drawn as the experiments draw them (science §2–§4) from the cell
    /// stream `seed`: skip programs from `rec_rate_skip` instances (unit Gaussian w*), normalized
    /// ones from `rec_rate_normal` instances with k = 2 unit Gaussian neurons; patterns from
    /// max(n, 50) directions, planted neurons prepended.
    public static func instance(_ arch: NetworkKind, _ form: ProgramForm, n: Int, d: Int, seed: UInt64) -> ConvexProgram {
        let draws = arch == .normalized
            ? InstanceDraws(experiment: .recRateNormal, parameters: InstanceParameters(plantedWeights: .gaussian, neurons: 2))
            : InstanceDraws(experiment: .recRateSkip, parameters: InstanceParameters(plantedWeights: .gaussian))
        return program(arch, form, drawnBy: draws, n: n, d: d, seed: seed)
    }

    /// The program of `draws`' instance in cell (n, d, trial 0) of the cell stream `seed`, β = 10⁻⁶.
    static func program(_ arch: NetworkKind, _ form: ProgramForm, drawnBy draws: InstanceDraws, n: Int, d: Int, seed: UInt64) -> ConvexProgram {
        var stream = CellStreams.instance(seed: UInt32(truncatingIfNeeded: seed), n: n, d: d, trial: 0)
        let instance = draws.draw(n: n, d: d, trial: 0, from: &stream)!
        return ConvexProgram(architecture: arch, form: form, X: instance.X, y: instance.y,
                             patterns: instance.patterns!.matrix, beta: 1e-6)
    }
}
