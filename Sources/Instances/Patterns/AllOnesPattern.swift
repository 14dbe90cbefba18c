import Foundation
import LinearAlgebra

/// Does the all-ones pattern D = I belong to the arrangement of X, i.e. is there u ≠ 0 with X·u ≥ 0
/// (science §4)? Decided exactly, where the original used a heuristic local solver.
public enum AllOnesPattern {
    /// Always true when rank X < d (a null vector). Otherwise certificates settle almost every case
    /// without an LP, by Stiemke's alternative — exactly one holds: some u has X·u ≥ 0, X·u ≠ 0; or
    /// some y > 0 has Xᵀy = 0:
    /// - a vector v = X·u in range X with v > 0 proves the pattern exists;
    /// - a vector y in null Xᵀ with y > 0 proves it does not.
    /// Both are searched for by alternating projections between the subspace and the shifted orthant
    /// {z ≥ 1} (each step two products with the thin U of X), which converge when the cone they
    /// look for has an interior. When neither is found, the LP max 1ᵀX·u s.t. X·u ≥ 0, −1 ≤ u ≤ 1 has
    /// a positive optimum iff such u exists (X·u ≠ 0 for full column rank, and a nonzero X·u ≥ 0 has
    /// 1ᵀX·u > 0).
    public static func exists(for x: Matrix<Double>) -> Bool {
        let n = x.rows, d = x.columns
        guard n > 0 && d > 0 else { return d > 0 }
        if d > n { return true }
        guard let f = try? x.svd() else { return existsByLinearProgram(x) }
        if f.rank() < d { return true }
        // At most one of the two certificates exists, so the searches run side by side and the first to
        // succeed decides: run one after the other, the hopeless one would spend all its iterations first.
        var range = PositiveVectorSearch(u: f.u, complement: false)
        var nullSpace = PositiveVectorSearch(u: f.u, complement: true)
        for _ in 0..<1000 {
            if range.step() { return true }
            if nullSpace.step() { return false }
        }
        return existsByLinearProgram(x)
    }

    /// A search for z > 0 in range U (or, with `complement`, in its orthogonal complement null Uᵀ) by
    /// alternating projections onto the subspace and onto {z ≥ 1}.
    struct PositiveVectorSearch {
        let u: Matrix<Double>
        let complement: Bool
        var z: [Double]

        init(u: Matrix<Double>, complement: Bool) {
            self.u = u
            self.complement = complement
            z = [Double](repeating: 1, count: u.rows)
        }

        /// One round of projections; true when the projection is positive, a certificate.
        mutating func step() -> Bool {
            // Projection onto range U is U Uᵀ z; onto its complement, z − U Uᵀ z.
            let inRange = u.times(u.times(z, .transpose))
            let projected = complement ? z.adding(inRange, scaledBy: -1) : inRange
            let scale = projected.map(abs).max() ?? 0
            if scale > 0 && projected.allSatisfy({ $0 > 1e-9 * scale }) { return true }
            z = projected.map { max($0, 1) }
            return false
        }
    }

    /// The decision by the LP alone (for a full-column-rank X), without the certificates.
    public static func existsByLinearProgram(_ x: Matrix<Double>) -> Bool {
        let n = x.rows, d = x.columns
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
