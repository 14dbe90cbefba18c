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
        off.normalizedConeFreeFirst = false
        return (solve(program), solve(program, settings: off))
    }

    /// A shortcut result has every sign multiplier exactly 0; the interior-point iteration keeps them > 0.
    private func tookShortcut(_ r: SolverResult) -> Bool {
        r.signMultipliers?.allSatisfy { $0.allSatisfy { $0 == 0 } } ?? false
    }

    private func expectSameOptimum(_ a: SolverResult, _ b: SolverResult, _ label: String) {
        #expect(a.status == .optimal && b.status == .optimal, "\(label): \(a.status.name) / \(b.status.name)")
        #expect(abs(a.objective - b.objective) <= 2e-8 * abs(b.objective), "\(label): objective \(a.objective) vs \(b.objective)")
        // The network Σ U_i(w_i − v_i) on the training rows is what the experiments measure.
        #expect(a.primalResidual <= 1e-7, "\(label): sign violation \(a.primalResidual)")
    }

    @Test(arguments: [(40, 8, UInt64(1)), (60, 10, 2), (80, 20, 3)])
    func plantedNeuronIsVerified(n: Int, d: Int, seed: UInt64) throws {
        let data = randomInstance(n: n, d: d, directions: n, seed: seed, planted: .normalized)
        let program = ConvexProgram(architecture: .normalized, form: .approx, X: data.X, y: data.y, patterns: data.patterns)
        let (first, full) = bothWays(program)
        #expect(tookShortcut(first), "n=\(n) d=\(d): the planted neuron's cone-free minimizer should meet its cone")
        #expect(!tookShortcut(full))
        expectSameOptimum(first, full, "n=\(n) d=\(d)")
        // The weights: the same neuron in the same block (w or v), to the approx tolerance.
        let factors = try #require(first.patternFactors)
        var fitFirst = [Double](repeating: 0, count: n), fitFull = fitFirst
        for i in 0..<program.p where factors[i].rank > 0 {
            let u = factors[i].u
            fitFirst.add(u.times(minus(first.w[i], first.v![i])))
            fitFull.add(u.times(minus(full.w[i], full.v![i])))
        }
        #expect(minus(fitFirst, fitFull).norm <= 1e-6 * max(fitFull.norm, 1), "n=\(n) d=\(d): outputs differ")
    }

    /// Labels no small network fits: the cone-free minimizer uses many blocks, and whichever way
    /// the solve goes the optimum is the approx program's.
    @Test func randomLabelsGiveTheApproxOptimum() throws {
        let data = randomInstance(n: 40, d: 8, directions: 40, seed: 9)
        var rng = SplitMix64(seed: 10)
        let y = (0..<40).map { _ in rng.gaussian() }
        let program = ConvexProgram(architecture: .normalized, form: .approx, X: data.X, y: y, patterns: data.patterns, beta: 1e-3)
        let (first, full) = bothWays(program)
        expectSameOptimum(first, full, "random labels")
    }
}
