import Foundation
import LinearAlgebra
import Solver
import TestSupport
import Testing
import Vocabulary

/// Relax, then verify, for normalization approx programs (NormalizedConeFreeFirst.swift): the
/// cone-free minimizer, when every block meets its cone or the negative one, must be the approx
/// program's optimum, as the full approx iteration (fixture-checked against Clarabel) finds it.
@Suite struct ConeFreeFirstTests {
    private func bothWays(_ program: ConvexProgram) -> (first: SolverResult, full: SolverResult) {
        var off = SolverSettings()
        off.relaxThenVerify = false
        off.shrinkingWorkingSet = false
        return (solve(program), solve(program, settings: off))
    }

    /// Whether the cone-free program was solved first: its blocks outside the working set (all of
    /// them when the cone-free minimizer itself is verified) have sign multipliers exactly 0, while
    /// the approx iteration keeps every multiplier > 0.
    private func solvedConeFreeFirst(_ r: SolverResult) -> Bool {
        r.signMultipliers?.contains { !$0.isEmpty && $0.allSatisfy { $0 == 0 } } ?? false
    }

    /// `stallAllowed`: a program whose endgame sits on the approx iteration's rounding floor (its dual
    /// residual stalls at about the 1e-8 it must meet) may end `almostOptimal` either way, depending
    /// on the last bits of its normal matrices; the optimum is what is compared then.
    private func expectSameOptimum(_ a: SolverResult, _ b: SolverResult, _ label: String, stallAllowed: Bool = false) {
        let bothOptimal = stallAllowed ? a.status.hasMinimizer && b.status.hasMinimizer : a.status == .optimal && b.status == .optimal
        let relative = abs(a.objective - b.objective) / abs(b.objective), violation = a.primalResidual
        #expect(bothOptimal, "\(label): \(a.status.name) / \(b.status.name)")
        #expect(relative <= 2e-8, "\(label): objective \(a.objective) vs \(b.objective)")
        #expect(violation <= 1e-7, "\(label): sign violation \(violation)")
    }

    @Test(arguments: [(40, 8, UInt64(1)), (60, 10, 2), (80, 20, 3)])
    func plantedNeuronIsVerified(n: Int, d: Int, seed: UInt64) throws {
        let data = randomInstance(n: n, d: d, directions: n, seed: seed, planted: .normalized)
        let program = ConvexProgram(architecture: .normalized, form: .approx, X: data.X, y: data.y, patterns: data.patterns)
        let (first, full) = bothWays(program)
        let firstWay = solvedConeFreeFirst(first), fullWay = solvedConeFreeFirst(full)
        #expect(firstWay, "n=\(n) d=\(d): the cone-free program should have been solved first")
        #expect(!fullWay, "n=\(n) d=\(d): relaxThenVerify = false solved it first")
        expectSameOptimum(first, full, "n=\(n) d=\(d)")
        let factors = try #require(first.patternFactors)
        var fitFirst = [Double](repeating: 0, count: n), fitFull = fitFirst
        for i in 0..<program.p where factors[i].rank > 0 {
            let u = factors[i].u
            fitFirst.add(u.times(minus(first.w[i], first.v![i])))
            fitFull.add(u.times(minus(full.w[i], full.v![i])))
        }
        // The network Σ U_i(w_i − v_i) on the training rows is what the experiments measure.
        let outputDistance = minus(fitFirst, fitFull).norm
        #expect(outputDistance <= 1e-6, "n=\(n) d=\(d): outputs differ by \(outputDistance)")
    }

    /// Labels no small network fits: the cone-free minimizer uses many blocks, and whichever way
    /// the solve goes the optimum is the approx program's.
    @Test func randomLabelsGiveTheApproxOptimum() throws {
        let data = randomInstance(n: 40, d: 8, directions: 40, seed: 9)
        var rng = SplitMix64(seed: 10)
        let y = (0..<40).map { _ in rng.gaussian() }
        let program = ConvexProgram(architecture: .normalized, form: .approx, X: data.X, y: y, patterns: data.patterns, beta: 1e-3)
        let (first, full) = bothWays(program)
        expectSameOptimum(first, full, "random labels", stallAllowed: true)
    }
}

/// NormalizedProjectorSum: projectors formed again each iteration (no cache) give the same normal
/// matrices, hence the same iterates, as cached ones.
@Suite struct NormalizedProjectorCacheTests {
    @Test(arguments: ["normalized_relaxed_n40_d10_k1.json", "normalized_relaxed_n60_d20_k2.json"])
    func cacheDoesNotChangeTheSolution(_ name: String) throws {
        let program = try loadFixture(name).program
        var uncached = SolverSettings()
        uncached.normalizedProjectorCache = 0
        var partly = SolverSettings()
        partly.normalizedProjectorCache = 600
        let reference = solve(program)
        for settings in [uncached, partly] {
            let r = solve(program, settings: settings)
            let sameObjective = r.objective == reference.objective, sameWeights = r.w == reference.w
            #expect(r.iterations == reference.iterations && sameObjective && sameWeights, "\(name): \(r.objective) vs \(reference.objective)")
        }
    }
}
