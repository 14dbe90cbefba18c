import Foundation
import LinearAlgebra
import Solver
import Testing
import TestSupport
import Vocabulary

/// Normalized programs whose pattern factors are formed on first use (`PatternFactor(deferredRows:x:)`,
/// the default from d = 300) answer their dual checks by conjugate gradients
/// (PatternGramConjugateGradients.swift). Checked here at small d against the formed factors'
/// triangular solves, an independent computation of the same ‖U_jᵀλ‖.
@Suite struct DeferredFactorTests {
    static func program(n: Int, d: Int, seed: UInt64, directions: Int? = nil) -> ConvexProgram {
        let inst = randomInstance(n: n, d: d, directions: directions ?? 4 * n, seed: seed, planted: .normalized)
        return ConvexProgram(architecture: .normalized, form: .relaxed, X: inst.X, y: inst.y, patterns: inst.patterns)
    }

    /// Every pattern with at least d rows deferred, the others formed (as `patternFactors()` does from d = 300).
    static func deferredFactors(_ program: ConvexProgram) throws -> [PatternFactor] {
        try (0..<program.p).map { j in
            let rows = program.patternRowIndices(j)
            return rows.count >= program.d ? PatternFactor(deferredRows: rows, x: program.X) : try program.patternFactor(j)
        }
    }

    static func gaussian(_ count: Int, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in rng.gaussian() }
    }

    @Test(arguments: [(240, 40, 901 as UInt64), (300, 60, 902)])
    func conjugateGradientsAnswerAsTheFactors(n: Int, d: Int, seed: UInt64) throws {
        let program = Self.program(n: n, d: d, seed: seed)
        let formed = try program.patternFactors()
        let deferred = try Self.deferredFactors(program)
        let unformed = deferred.filter { !$0.isFormed }.count
        try #require(unformed > program.p / 2, "most patterns have at least d rows")
        for lambda in [program.y, Self.gaussian(n, seed: seed + 1)] {
            let exact = program.dualNormRatios(of: lambda, factors: formed)
            let fromGradients = program.dualNormRatios(of: lambda, factors: deferred)
            for (a, b) in zip(exact, fromGradients) { #expect(abs(a - b) <= 1e-9 * a, "\(b) against \(a)") }
            let ordering = program.dualNormRatios(of: lambda, factors: deferred, question: .values(relativeAccuracy: 1e-2))
            for (a, b) in zip(exact, ordering) { #expect(b <= a * (1 + 1e-12) && b >= a * (1 - 1e-2), "\(b) against \(a)") }

            // λ scaled so that the largest ratio is 1, as at a minimizer.
            let scale = try #require(exact.max())
            let scaled = lambda.scaled(by: 1 / scale), exactScaled = exact.map { $0 / scale }
            let margin = 0.05
            let decided = program.dualNormRatios(of: scaled, factors: deferred, question: .exceeds(margin: margin))
            for (a, b) in zip(exactScaled, decided) { #expect((a > 1 - margin) == (b > 1 - margin), "\(b) against \(a)") }
            let largest = program.dualNormRatios(of: scaled, factors: deferred, question: .largest)
            #expect(abs((largest.max() ?? 0) - 1) <= 1e-9)
            for (a, b) in zip(exactScaled, largest) { #expect(b <= a * (1 + 1e-12)) }
        }
        #expect(deferred.filter { !$0.isFormed }.count == unformed, "answered without forming a factor")
    }

    /// The relaxed working set on deferred factors reaches the optimum the formed ones give, and forms
    /// only the factors of the patterns it works on.
    @Test(arguments: [(240, 40, 903 as UInt64), (200, 30, 904)])
    func theWorkingSetFormsOnlyWhatItUses(n: Int, d: Int, seed: UInt64) throws {
        let planted = Self.program(n: n, d: d, seed: seed)
        let noisy = ConvexProgram(architecture: .normalized, form: .relaxed, X: planted.X,
                                  y: Self.gaussian(n, seed: seed + 7), patterns: planted.patterns)
        for program in [planted, noisy] {
            let formed = solve(program, factors: try program.patternFactors())
            let deferred = try Self.deferredFactors(program)
            let result = solve(program, factors: deferred)
            try #require(result.status == .optimal && formed.status == .optimal)
            #expect(result.route == .workingSet)
            #expect(abs(result.objective - formed.objective) <= 1e-7 * formed.objective)
            let used = deferred.filter(\.isFormed).count
            #expect(used < program.p / 2, "\(used) of \(program.p) factors formed")
            #expect(try RelaxedWorkingSetTests.kktViolations(program, result).isEmpty)
        }
    }

    /// From d = `PatternFactor.deferralDimension` the program's own factors (those `solve` takes when
    /// given none) are deferred for the patterns with at least d rows; below it none is.
    @Test func programsDeferFromTheDeferralDimension() throws {
        let d = PatternFactor.deferralDimension, program = Self.program(n: 2 * d + 20, d: d, seed: 905, directions: 60)
        let factors = try program.patternFactors()
        let tall = (0..<program.p).filter { program.patternRowIndices($0).count >= d }
        #expect(tall.count > program.p / 4)
        #expect(factors.indices.allSatisfy { factors[$0].isFormed != tall.contains($0) })
        // A few patterns of about 2d rows: forming their factors is quick.
        let below = Self.program(n: 4 * d, d: d - 1, seed: 906, directions: 6)
        #expect(try below.patternFactors().allSatisfy(\.isFormed))
    }

    /// Materializing a deferred factor forms it in place (the copies share it, as the working set's
    /// rounds do), with the eager factor's U_i to the bit.
    @Test func aDeferredFactorIsMaterializedInPlace() throws {
        let program = Self.program(n: 120, d: 20, seed: 907)
        let j = try #require((0..<program.p).first { program.patternRowIndices($0).count >= program.d })
        let deferred = PatternFactor(deferredRows: program.patternRowIndices(j), x: program.X)
        let copy = deferred
        #expect(!copy.isFormed)
        let materialized = deferred.materialized()
        #expect(copy.isFormed)
        let eager = try program.patternFactor(j)
        #expect(materialized.compactU.storage == eager.compactU.storage)
        #expect(copy.basis.storage == eager.basis.storage)
    }
}
