import Foundation
import LinearAlgebra
import Solver
import TestSupport
import Testing
import Vocabulary

/// Approx programs that shrink to the patterns carrying their minimizer (ShrinkingWorkingSet.swift;
/// Solver README, "Shrinking the approx programs"): the answer must be an optimum of the whole
/// program, checked from the returned weights and multipliers themselves, and the same optimum as the
/// iteration that never shrinks finds.
@Suite struct ShrinkingWorkingSetTests {
    /// The program itself (no cone-free split, no pattern working set), shrinking or not.
    static func settings(shrinking: Bool, stages: [ShrinkStage]? = nil) -> SolverSettings {
        var settings = SolverSettings()
        settings.relaxThenVerify = false
        settings.shrinkingWorkingSet = shrinking
        if let stages { settings.shrinkStages = stages }
        return settings
    }

    /// Noisy labels, where the minimizer spreads over many patterns and the whole program is solved:
    /// a planted network's outputs plus Gaussian noise of a tenth of their size.
    static func noisyProgram(_ architecture: NetworkKind, n: Int, d: Int, seed: UInt64) -> ConvexProgram {
        let data = randomInstance(n: n, d: d, directions: n, seed: seed, planted: architecture == .skip ? .skip : .normalized)
        var rng = SplitMix64(seed: seed + 1)
        let scale = data.y.norm / Double(n).squareRoot()
        let y = data.y.map { $0 + 0.1 * scale * rng.gaussian() }
        return ConvexProgram(architecture: architecture, form: .approx, X: data.X, y: y, patterns: data.patterns)
    }

    /// How closely two minimizers' objectives agree: 1e-7 when both met the approx tolerances (1e-8
    /// relative gap), 2e-6 when one stopped at the approx programs' reduced tolerance (1e-6).
    static func objectiveAgreement(_ a: SolverResult, _ b: SolverResult) -> Double {
        a.status.isOptimal && b.status.isOptimal ? 1e-7 : 2e-6
    }

    static let cases: [(NetworkKind, n: Int, d: Int, seed: UInt64)] =
        [(.skip, 80, 20, 810), (.plain, 80, 20, 811), (.normalized, 60, 15, 812), (.skip, 100, 25, 813)]

    @Test(arguments: cases.indices)
    func shrunkSolveIsAnOptimumOfTheWholeProgram(_ k: Int) throws {
        let (architecture, n, d, seed) = Self.cases[k]
        let program = Self.noisyProgram(architecture, n: n, d: d, seed: seed)
        let label = "\(architecture) n=\(n) d=\(d)"
        let shrunk = solve(program, settings: Self.settings(shrinking: true))
        let whole = solve(program, settings: Self.settings(shrinking: false))
        #expect((shrunk.keptPatterns ?? program.p) < program.p, "\(label): ended on all \(program.p) patterns")
        #expect(whole.keptPatterns == nil)
        #expect(shrunk.status.hasMinimizer && whole.status.hasMinimizer, "\(label): \(shrunk.status.name) / \(whole.status.name)")
        let relative = abs(shrunk.objective - whole.objective) / abs(whole.objective)
        #expect(relative < Self.objectiveAgreement(shrunk, whole), "\(label): \(shrunk.objective) vs \(whole.objective)")
        let violations = try PatternWorkingSetTests.kktViolations(program, shrunk)
        #expect(violations.isEmpty, "\(label): \(violations.prefix(3))")
    }

    /// A set far too small for the minimizer fails its certificate and the iteration goes back to the
    /// level above (here the whole program), which still ends in the optimum.
    @Test(arguments: [NetworkKind.skip, .normalized])
    func aSetTooSmallGoesBackToTheWholeProgram(_ architecture: NetworkKind) throws {
        let program = Self.noisyProgram(architecture, n: 60, d: 15, seed: 820)
        let tooFew = Self.settings(shrinking: true, stages: [ShrinkStage(merit: 0.3, fraction: 0.02)])
        let back = solve(program, settings: tooFew), whole = solve(program, settings: Self.settings(shrinking: false))
        #expect(back.keptPatterns == nil, "\(architecture): ended on \(back.keptPatterns ?? -1) patterns")
        #expect(back.status.hasMinimizer && whole.status.hasMinimizer)
        let relative = abs(back.objective - whole.objective) / abs(whole.objective)
        #expect(relative < Self.objectiveAgreement(back, whole), "\(architecture): \(back.objective) vs \(whole.objective)")
        #expect(try PatternWorkingSetTests.kktViolations(program, back).isEmpty)
    }
}
