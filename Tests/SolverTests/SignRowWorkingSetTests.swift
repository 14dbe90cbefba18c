import Foundation
import LinearAlgebra
import Solver
import TestSupport
import Testing
import Vocabulary

/// Exact and approx programs with n ≫ d solved on a working set of each cone's sign rows
/// (SignRowWorkingSet.swift; Solver README, "Sign rows that never bind"): the answer must be an optimum
/// of the whole program with every row, checked from the returned weights and multipliers themselves,
/// and the optimum the iteration with every row finds.
@Suite struct SignRowWorkingSetTests {
    static func settings(signRows: Bool, perDimension: Int? = nil) -> SolverSettings {
        var settings = SolverSettings()
        settings.signRowWorkingSet = signRows
        if let perDimension { settings.signRowsPerDimension = perDimension }
        return settings
    }

    /// n ≥ 8d/0.3, where the default keeps 8d of a cone's n rows.
    static let cases: [(NetworkKind, ProgramForm, n: Int, d: Int, seed: UInt64)] =
        [(.skip, .approx, 140, 5, 910), (.plain, .approx, 150, 5, 911), (.normalized, .approx, 140, 5, 912),
         (.skip, .exact, 140, 5, 913), (.plain, .exact, 140, 5, 914)]

    static func program(_ k: Int) -> ConvexProgram {
        let (architecture, form, n, d, seed) = cases[k]
        let noisy = ShrinkingWorkingSetTests.noisyProgram(architecture, n: n, d: d, seed: seed, noise: form == .exact ? 0 : 0.1)
        return ConvexProgram(architecture: architecture, form: form, X: noisy.X, y: noisy.y, patterns: noisy.patterns)
    }

    @Test(arguments: cases.indices)
    func signRowSolveIsAnOptimumOfTheWholeProgram(_ k: Int) throws {
        let program = Self.program(k)
        let label = "\(program.architecture) \(program.form) n=\(program.n) d=\(program.d)"
        let onRows = solve(program, settings: Self.settings(signRows: true))
        let everyRow = solve(program, settings: Self.settings(signRows: false))
        #expect(onRows.signRowRounds >= 1, "\(label): the sign-row working set was not used")
        #expect(everyRow.signRowRounds == 0)
        #expect(onRows.status.hasMinimizer && everyRow.status.hasMinimizer, "\(label): \(onRows.status.name) / \(everyRow.status.name)")
        let relative = abs(onRows.objective - everyRow.objective) / abs(everyRow.objective)
        #expect(relative < ShrinkingWorkingSetTests.objectiveAgreement(onRows, everyRow), "\(label): \(onRows.objective) vs \(everyRow.objective)")
        // These n ≫ d programs stall at the approx programs' reduced tolerance with every row too: their
        // dual norms end up to 1e-5 above 1, for either solve.
        let tolerance = Self.kktTolerance(onRows, everyRow)
        let violations = try PatternWorkingSetTests.kktViolations(program, onRows, tolerance: tolerance)
        #expect(violations.isEmpty, "\(label): \(violations.prefix(3))")
        #expect(try PatternWorkingSetTests.kktViolations(program, everyRow, tolerance: tolerance).isEmpty, "\(label): every row")
    }

    /// The whole program's KKT conditions to 1e-6 when both solves met the full tolerances, 2e-5 when one
    /// stopped almost optimal.
    static func kktTolerance(_ a: SolverResult, _ b: SolverResult) -> Double {
        a.status.isOptimal && b.status.isOptimal ? 1e-6 : 2e-5
    }

    /// One row per dimension is too few for the minimizer: the rows it violates join their cones round
    /// by round (or, after the last round, every row is kept), and the answer is still the optimum.
    @Test(arguments: [0, 2])
    func tooFewRowsGrowUntilTheyHold(_ k: Int) throws {
        let program = Self.program(k)
        let label = "\(program.architecture) \(program.form)"
        let fewRows = solve(program, settings: Self.settings(signRows: true, perDimension: 1))
        let everyRow = solve(program, settings: Self.settings(signRows: false))
        #expect(fewRows.signRowRounds != 1, "\(label): one row per dimension held the minimizer at once")
        #expect(fewRows.status.hasMinimizer)
        let relative = abs(fewRows.objective - everyRow.objective) / abs(everyRow.objective)
        #expect(relative < ShrinkingWorkingSetTests.objectiveAgreement(fewRows, everyRow), "\(label): \(fewRows.objective) vs \(everyRow.objective)")
        #expect(try PatternWorkingSetTests.kktViolations(program, fewRows, tolerance: Self.kktTolerance(fewRows, everyRow)).isEmpty)
    }

    /// The n ≫ d fixture (CVXPY + Clarabel and ECOS at 1e-12) is solved on the working set, at its
    /// reference objective.
    @Test func fixtureSolvedOnTheWorkingSet() throws {
        let file = try loadFixture("normalized_approx_n290_d10_noisy.json")
        let result = solve(file.program)
        #expect(result.signRowRounds >= 1)
        let reference = try #require(file.referenceObjective)
        #expect(abs(result.objective - reference) <= 1e-6 * abs(reference), "objective \(result.objective) vs \(reference)")
    }
}
