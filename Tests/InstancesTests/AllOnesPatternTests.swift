import Foundation
import Instances
import LinearAlgebra
import Testing

/// The exact all-ones decision against Wendel's theorem (science §4).
@Suite struct AllOnesPatternTests {
    @Test func wendelClosedFormValues() {
        // n ≤ d: always; n = d + 1: 1 − 2^{−d}; d = 1: 2^{1−n}.
        #expect(AllOnesPattern.wendelProbability(n: 5, d: 5) == 1)
        #expect(abs(AllOnesPattern.wendelProbability(n: 6, d: 5) - (1 - 1.0 / 32)) < 1e-14)
        #expect(abs(AllOnesPattern.wendelProbability(n: 7, d: 1) - 1.0 / 64) < 1e-15)
        // Symmetry point: n = 2d gives exactly 1/2.
        #expect(abs(AllOnesPattern.wendelProbability(n: 20, d: 10) - 0.5) < 1e-12)
    }

    @Test func obviousCases() {
        // Rank deficient: a null vector works.
        #expect(AllOnesPattern.exists(for: Matrix([[1, 1], [2, 2], [-1, -1]])))
        // Rows ±e1, ±e2 surround the origin: no nonzero u has X u ≥ 0.
        #expect(!AllOnesPattern.exists(for: Matrix([[1, 0], [-1, 0], [0, 1], [0, -1]])))
        // All rows in the open half-plane x > 0.
        #expect(AllOnesPattern.exists(for: Matrix([[1, 0.5], [2, -1], [1, 3], [0.5, 0]])))
    }

    /// For Gaussian X the empirical rate must lie within 4 standard errors of Wendel's probability.
    @Test(arguments: [(12, 4), (20, 10), (30, 12), (40, 25)])
    func empiricalRateMatchesWendel(n: Int, d: Int) {
        let trials = 1500
        var stream = NumpyRandomState(seed: UInt32(1000 * n + d))
        var hits = 0
        for _ in 0..<trials where AllOnesPattern.exists(for: stream.randn(n, d)) { hits += 1 }
        let p = AllOnesPattern.wendelProbability(n: n, d: d)
        let standardError = (p * (1 - p) / Double(trials)).squareRoot()
        let rate = Double(hits) / Double(trials)
        #expect(abs(rate - p) <= 4 * standardError + 1e-12, "n \(n), d \(d): rate \(rate), Wendel \(p)")
    }

    /// The certificates (alternating projections) and the LP must agree wherever both decide.
    @Test(arguments: [(20, 10), (36, 12), (60, 30), (50, 20)])
    func certificatesAgreeWithTheLinearProgram(n: Int, d: Int) {
        var stream = NumpyRandomState(seed: UInt32(7 * n + d))
        for _ in 0..<60 {
            let x = stream.randn(n, d)
            #expect(AllOnesPattern.exists(for: x) == AllOnesPattern.existsByLinearProgram(x))
        }
    }
}
