import ArgumentParser
import Experiments
import Foundation
import Solver
import Vocabulary

/// `neurec solve FILE.json`: one program of science §4 in the fixture format, solved, as one JSON object.
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
        var out: [(String, JSONText)] = [
            ("status", .string(result.status.name)), ("objective", .number(result.objective)),
            ("iterations", .integer(result.iterations)), ("gap", .number(result.dualityGap)),
            ("residual", .number(result.primalResidual)), ("seconds", .number(result.seconds)),
        ]
        if let m = result.status.message { out.append(("message", .string(m))) }
        if let ref = instance.referenceObjective { out.append(("reference_objective", .number(ref))) }
        if solution {
            if let w0 = result.w0 { out.append(("w0", .vector(w0))) }
            out.append(("W", .rows(result.w)))
            if let v = result.v { out.append(("V", .rows(v))) }
            if let l = result.lambda { out.append(("lambda", .vector(l))) }
        }
        print(JSONText.object(out).text)
        if !result.status.isOptimal { throw ExitCode(1) }
    }
}
