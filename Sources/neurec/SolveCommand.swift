import ArgumentParser
import Foundation
import Solver
import Vocabulary

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

    @Flag(help: "Solve the program itself: no relax-then-verify and no working set of patterns (to compare routes).")
    var direct = false

    @Option(help: "Solve this many times and report the fastest (for profiling; the first solve also pays for first-touch memory).")
    var repeats: Int = 1

    @Flag(help: "Skip exact programs: decide whether the planted point (w0 = the file's key w, every block 0) is optimal from the dual alone, without solving (Solver README, \"Planted optimality without the solve\").")
    var planted = false

    @Option(help: ArgumentHelp("Another program on the same X and patterns (another σ of the cell): solve it first, untimed, and start from the patterns its minimizer uses: an approx program is solved on them (route seeded), a relaxed one's working set starts there (Solver README, \"Seeded by the next σ panel\").", valueName: "file"))
    var seedFrom: String?

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
    }

    func run() throws {
        let instance: ProgramFile
        do {
            instance = try ProgramFile.load(path: file)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if planted {
            try decidePlanted(instance)
            return
        }
        var settings = SolverSettings()
        settings.maxIterations = maxIterations
        if direct {
            settings.relaxThenVerify = false
            settings.relaxedWorkingSet = false
        }
        let seed = try seedFrom.map { try seedPatterns(from: $0, for: instance.program, settings: settings) }
        let result = (0..<repeats).map { _ in Solver.solve(instance.program, settings: settings, seed: seed) }.min { $0.seconds < $1.seconds }!
        print(result.json(solution: solution, referenceObjective: instance.referenceObjective).text)
        if !result.status.isOptimal { throw ExitCode(1) }
    }

    /// The patterns that the minimizer of the program in `path` uses, when it shares `program`'s X and patterns.
    private func seedPatterns(from path: String, for program: ConvexProgram, settings: SolverSettings) throws -> [Int] {
        let neighbour: ProgramFile
        do { neighbour = try ProgramFile.load(path: path) } catch {
            FileHandle.standardError.write(Data("error: --seed-from: \(error)\n".utf8))
            throw ExitCode(2)
        }
        guard neighbour.program.X == program.X, neighbour.program.patterns == program.patterns else {
            FileHandle.standardError.write(Data("error: --seed-from \(path): its X and D must be those of \(file) (another σ of the same cell)\n".utf8))
            throw ExitCode(2)
        }
        return Solver.seedPatterns(from: Solver.solve(neighbour.program, settings: settings), settings: settings) ?? []
    }

    private func decidePlanted(_ instance: ProgramFile) throws {
        let program = instance.program
        guard let wStar = instance.plantedSkip else {
            FileHandle.standardError.write(Data("error: \(file): --planted needs key w, the planted skip weight, with d = \(program.d) numbers\n".utf8))
            throw ExitCode(2)
        }
        guard program.architecture == .skip, program.form == .exact else {
            FileHandle.standardError.write(Data("error: \(file): --planted decides skip exact programs only (arch skip, form exact)\n".utf8))
            throw ExitCode(2)
        }
        let search = searchPlantedOptimality(program, plantedSkip: wStar)
        var fields: [(String, JSONText)] = [("decision", .string(search.decision.name))]
        switch search.decision {
        case .beaten(let objective, _), .solvedOnCuts(let objective, _): fields.append(("objective", .number(objective)))
        case .certified, .undecided: break
        }
        fields += [("planted_objective", .number(wStar.norm)), ("rounds", .integer(search.rounds)), ("seconds", .number(search.seconds))]
        print(JSONText.object(fields).text)
    }
}
