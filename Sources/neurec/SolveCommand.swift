import ArgumentParser
import Foundation
import Solver

/// `neurec solve FILE.json`: one program of science §4 in the fixture format, solved, as one JSON object.
struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Solve one convex program (the format of Tests/Fixtures/README.md) and print the result as JSON.")

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
        print(result.json(solution: solution, referenceObjective: instance.referenceObjective).text)
        if !result.status.isOptimal { throw ExitCode(1) }
    }
}
