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
    /// a planted network's outputs plus Gaussian noise of a tenth of their size (`noise` times it; the
    /// same noise vector for every level, as the σ panels of a cell share theirs).
    static func noisyProgram(_ architecture: NetworkKind, n: Int, d: Int, seed: UInt64, noise: Double = 0.1) -> ConvexProgram {
        let data = randomInstance(n: n, d: d, directions: n, seed: seed, planted: architecture == .skip ? .skip : .normalized)
        var rng = SplitMix64(seed: seed + 1)
        let scale = data.y.norm / Double(n).squareRoot()
        let y = data.y.map { $0 + noise * scale * rng.gaussian() }
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

    /// The next σ panel's solve, seeded with the patterns of this one's minimizer (Solver README,
    /// "Seeded by the next σ panel"): it never iterates on the whole program, and its answer is the
    /// whole program's optimum, checked from its weights and multipliers, at the unseeded objective.
    @Test(arguments: [(NetworkKind.skip, 100, 25, UInt64(830)), (.plain, 80, 20, 831), (.normalized, 60, 15, 832)])
    func seededSolveIsAnOptimumOfTheWholeProgram(_ architecture: NetworkKind, n: Int, d: Int, seed: UInt64) throws {
        let settings = Self.settings(shrinking: true)
        let neighbour = solve(Self.noisyProgram(architecture, n: n, d: d, seed: seed, noise: 0.2), settings: settings)
        let patterns = try #require(seedPatterns(from: neighbour, settings: settings))
        let program = Self.noisyProgram(architecture, n: n, d: d, seed: seed, noise: 0.1)
        #expect(patterns.count < program.p, "\(architecture): the seed holds every pattern")
        let seeded = solve(program, settings: settings, seed: patterns)
        let unseeded = solve(program, settings: settings)
        #expect(seeded.route == .seeded, "\(architecture): route \(seeded.route)")
        #expect(seeded.status.hasMinimizer && unseeded.status.hasMinimizer)
        let relative = abs(seeded.objective - unseeded.objective) / abs(unseeded.objective)
        #expect(relative < Self.objectiveAgreement(seeded, unseeded), "\(architecture): \(seeded.objective) vs \(unseeded.objective)")
        #expect(try PatternWorkingSetTests.kktViolations(program, seeded).isEmpty)
    }

    /// A seed that misses the minimizer's patterns (here the ones the neighbour left at zero) fails its
    /// certificate; the patterns it failed on join, and at worst the program is solved as without a
    /// seed. Either way the answer is the optimum.
    @Test(arguments: [NetworkKind.skip, .normalized])
    func aWrongSeedStillEndsInTheOptimum(_ architecture: NetworkKind) throws {
        let settings = Self.settings(shrinking: true)
        let program = Self.noisyProgram(architecture, n: 60, d: 15, seed: 840)
        let unseeded = solve(program, settings: settings)
        let used = Set(try #require(seedPatterns(from: unseeded, settings: settings)))
        let wrong = Array((0..<program.p).filter { !used.contains($0) }.prefix(5))
        let seeded = solve(program, settings: settings, seed: wrong)
        #expect(seeded.status.hasMinimizer)
        let relative = abs(seeded.objective - unseeded.objective) / abs(unseeded.objective)
        #expect(relative < Self.objectiveAgreement(seeded, unseeded), "\(architecture): \(seeded.objective) vs \(unseeded.objective)")
        #expect(try PatternWorkingSetTests.kktViolations(program, seeded).isEmpty)
    }
}
