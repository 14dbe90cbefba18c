import ArgumentParser
import Foundation
import Solver

/// `neurec solve FILE.json`: one program of SPEC §4 in the fixture format, solved, as one JSON object.
struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Solve one convex program (fixture format of fixtures/README.md) and print the result as JSON.")

    @Argument(help: "Instance file: keys arch, form, n, d, p, beta, X, y, D.")
    var file: String

    @Flag(help: "Also print the minimizer blocks (w0, W, V) and the dual λ.")
    var solution = false

    @Option(help: "Iteration limit.")
    var maxIterations: Int = SolverSettings().maxIterations

    func run() throws {
        let instance: ProgramFile
        do {
            instance = try ProgramFile.load(path: file)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        var settings = SolverSettings()
        settings.maxIterations = maxIterations
        let result = Solver.solve(instance.program, settings: settings)
        var out: [String: Any] = [
            "status": result.status.name,
            "objective": json(result.objective),
            "iterations": result.iterations,
            "gap": json(result.dualityGap),
            "residual": json(result.primalResidual),
            "seconds": result.seconds,
        ]
        if let m = result.status.message { out["message"] = m }
        if let ref = instance.referenceObjective { out["reference_objective"] = ref }
        if solution {
            if let w0 = result.w0 { out["w0"] = w0.map(json) }
            out["W"] = result.w.map { $0.map(json) }
            if let v = result.v { out["V"] = v.map { $0.map(json) } }
            if let l = result.lambda { out["lambda"] = l.map(json) }
        }
        let data = try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
        if !result.status.isOptimal { throw ExitCode(1) }
    }
}

/// JSON has no NaN or infinity: those become null.
func json(_ x: Double) -> Any { x.isFinite ? x : NSNull() }
