import Foundation
import LinearAlgebra

/// Does the all-ones pattern D = I belong to the arrangement of X, i.e. is there u ≠ 0 with X·u ≥ 0
/// (SPEC §4)? Decided exactly, where the original used a heuristic local solver.
public enum AllOnesPattern {
    /// Always true when rank X < d (a null vector); otherwise the LP
    /// max 1ᵀX·u s.t. X·u ≥ 0, −1 ≤ u ≤ 1 has a positive optimum iff such u exists (X·u ≠ 0 when X has
    /// full column rank, and a nonzero X·u ≥ 0 has 1ᵀX·u > 0).
    public static func exists(for x: Matrix<Double>) -> Bool {
        let n = x.rows, d = x.columns
        guard n > 0 && d > 0 else { return d > 0 }
        if d > n { return true }
        if let rank = try? x.numericalRank(), rank < d { return true }
        // u = p − q with 0 ≤ p, q ≤ 1 puts the LP in the form max cᵀz, A·z ≤ b, z ≥ 0, b ≥ 0.
        var a = Matrix<Double>(rows: n + 2 * d, columns: 2 * d)
        for j in 0..<d {
            for i in 0..<n {
                a[i, j] = -x[i, j]
                a[i, d + j] = x[i, j]
            }
            a[n + j, j] = 1
            a[n + d + j, d + j] = 1
        }
        let b: [Double] = Array(repeating: 0, count: n) + Array(repeating: 1, count: 2 * d)
        let columnSums = x.times([Double](repeating: 1, count: n), .transpose)
        let c: [Double] = columnSums + columnSums.scaled(by: -1)
        // A positive objective below this is rounding, not a direction: 1ᵀX·u ≤ Σ‖x_i‖·√d over the box.
        let rowNormSum = (0..<n).reduce(0.0) { $0 + x.row($1).norm }
        let threshold = 1e-9 * rowNormSum * Double(d).squareRoot()
        let result = DenseSimplex().maximize(c: c, a: a, b: b, stopAbove: threshold)
        return result.objective > threshold
    }

    /// Wendel's theorem: the probability that n points drawn from a distribution symmetric about the
    /// origin (and in general position) in R^d lie in a common half-space, i.e. that the all-ones
    /// pattern exists for Gaussian X: 2^{−(n−1)} Σ_{k<d} C(n−1, k).
    public static func wendelProbability(n: Int, d: Int) -> Double {
        guard n > d else { return 1 }
        let m = Double(n - 1)
        let logScale: Double = lgamma(m + 1) - m * log(2.0)
        var total = 0.0
        for k in 0..<d {
            let kk = Double(k)
            let logBinomialTail: Double = lgamma(kk + 1) + lgamma(m - kk + 1)
            total += exp(logScale - logBinomialTail)
        }
        return min(total, 1)
    }
}
