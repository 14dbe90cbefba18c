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
    /// look for has an interior; after 50 rounds without either, Newton's method on a squared hinge
    /// (`decideByHingeNewton`) looks for both. When none is found, an LP decides (`existsByLinearProgram`).
    public static func exists(for x: Matrix<Double>) -> Bool {
        let n = x.rows, d = x.columns
        guard n > 0 && d > 0 else { return d > 0 }
        if d > n { return true }
        // Any orthonormal basis of range X serves the certificates (U = X R⁻¹, so a positive U c is X u
        // and Uᵀy = 0 is Xᵀy = 0); a QR gives one at a third of the SVD's cost (1000×500). Only a
        // nearly singular R asks the SVD's rank test.
        guard let (u, r) = try? x.qr() else { return existsByLinearProgram(x) }
        let diagonal = (0..<d).map { abs(r[$0, $0]) }
        if diagonal.min()! <= 1e-10 * diagonal.max()! {
            guard let f = try? x.svd() else { return existsByLinearProgram(x) }
            if f.rank() < d { return true }
        }
        // At most one of the two certificates exists, so the searches run side by side and the first to
        // succeed decides: run one after the other, the hopeless one would spend all its iterations first.
        var range = PositiveVectorSearch(u: u, complement: false)
        var nullSpace = PositiveVectorSearch(u: u, complement: true)
        // Away from n ≈ 2d the projections settle it within a few rounds (7 at (400, 100)); near it
        // they take hundreds, where Newton's method takes a few dozen d×d solves on range X and, when
        // that finds no positive point, as many on null Xᵀ (about n − d ≈ d columns there).
        for round in 0..<1000 {
            if range.step() { return true }
            if nullSpace.step() { return false }
            if round == 49, let decided = decideByHingeNewton(u, complement: {
                guard let full = try? x.qr(full: true) else { return nil }
                return full.q.columns(d..<n)
            }) {
                return decided
            }
        }
        return existsByLinearProgram(x)
    }

    /// Both sides of Stiemke's alternative by Newton's method on a squared hinge, which settles them in
    /// a few dozen steps where the projections below need hundreds of rounds near n = 2d, or fail:
    /// - min ½‖(1 − U v)₊‖² over v (U an n×d orthonormal basis of range X) reaches 0 when range X has a
    ///   strictly positive point: U v ≥ 1, and the pattern exists.
    /// - Otherwise (Gordan: no such point) the same on the complement W (`complement()`, an orthonormal
    ///   basis of null Xᵀ) looks for y = W s ≥ 1: Stiemke's certificate, and the pattern does not exist.
    /// Each certificate is checked on the point itself (y projected off range X once more against
    /// rounding). Nil when neither is found (X not in general position: a u with X·u ≥ 0 that is zero
    /// on some rows), and the caller goes on.
    public static func decideByHingeNewton(_ u: Matrix<Double>, complement: () -> Matrix<Double>?) -> Bool? {
        let fit = hingeNewtonFit(u)
        let scale = fit.map(abs).max() ?? 0
        if scale > 0 && fit.allSatisfy({ $0 > 1e-9 * scale }) { return true }
        guard let w = complement(), w.columns > 0 else { return nil }
        let y = hingeNewtonFit(w)
        let projected = y.adding(u.times(u.times(y, .transpose)), scaledBy: -1)
        let yScale = projected.map(abs).max() ?? 0
        if yScale > 0 && projected.allSatisfy({ $0 > 1e-9 * yScale }) { return false }
        return nil
    }

    /// B v at the v where Newton's method on min ½‖(1 − B v)₊‖² stops (B with orthonormal columns):
    /// each step solves with B_AᵀB_A over the rows A still below 1; the objective is piecewise
    /// quadratic, so once A settles the next full step is exact.
    static func hingeNewtonFit(_ basis: Matrix<Double>) -> [Double] {
        let n = basis.rows, k = basis.columns
        var v = [Double](repeating: 0, count: k)
        var fit = [Double](repeating: 0, count: n)
        func objective(_ values: [Double]) -> Double { values.reduce(0) { $0 + max(1 - $1, 0) * max(1 - $1, 0) } / 2 }
        for _ in 0..<60 {
            let active = (0..<n).filter { fit[$0] < 1 }
            if active.isEmpty { break }
            let rows = basis.rows(active)
            let descent = rows.times(active.map { 1 - fit[$0] }, .transpose)
            var hessian = rows.gram(.transpose)
            // B_A loses rank once few rows stay active; a relative ridge keeps the step defined.
            for j in 0..<k { hessian[j, j] += 1e-12 * max(hessian[j, j], 1) }
            guard let step = try? hessian.cholesky().solve(descent) else { break }
            let direction = basis.times(step)
            let current = objective(fit)
            var alpha = 1.0, accepted = false
            while alpha >= 1e-6 && !accepted {
                let trial = zip(fit, direction).map { $0 + alpha * $1 }
                if objective(trial) < current {
                    fit = trial
                    for j in 0..<k { v[j] += alpha * step[j] }
                    accepted = true
                }
                alpha /= 2
            }
            if !accepted { break }
        }
        // From v itself, not from the updates' running sum.
        return basis.times(v)
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
    ///
    /// It decides Stiemke's side: is there y > 0 with Xᵀy = 0? Scaling y to y = 1 + w with w ≥ 0, that is
    /// the feasibility of Xᵀw = −s, w ≥ 0, where s = Xᵀ1. Its phase one, with the rows signed so that the
    /// right-hand side h = |s| is nonnegative and the artificials a = h − M·w start as the basis, is
    ///   max 1ᵀM·w  s.t.  M·w ≤ h, w ≥ 0     (M = −diag(sign s)·Xᵀ, d × n),
    /// whose optimum Σh − min 1ᵀa equals Σh exactly when such y exists, i.e. when the pattern does not.
    /// Its LP dual is max sᵀu s.t. X·u ≥ 0 and u bounded by 1 on the side of sign s (science §4's LP with
    /// half of its box), so the gap Σh − optimum is at least science §4's optimum and zero exactly when it is.
    ///
    /// Why this side: science §4's LP starts at u = 0, a vertex at which all n constraints X·u ≥ 0 are
    /// tight. Near n ≈ 2d its simplex stalled there for tens of thousands of degenerate pivots (7 of the
    /// 10 LPs of a (400, 100) recovery grid hit 50,000 pivots and answered "no" by default, wrongly in
    /// 3). Here the start a = |s| > 0 is not degenerate for X in general position, and the simplex runs
    /// a few d pivots on a (d + 1) × (n + d + 1) tableau.
    public static func existsByLinearProgram(_ x: Matrix<Double>) -> Bool {
        let n = x.rows, d = x.columns
        let s = x.times([Double](repeating: 1, count: n), .transpose)
        var m = Matrix<Double>(rows: d, columns: n)
        for i in 0..<n {
            for j in 0..<d { m[j, i] = s[j] < 0 ? x[i, j] : -x[i, j] }
        }
        let h = s.map(abs)
        let c = m.times([Double](repeating: 1, count: d), .transpose)
        let reachable = h.reduce(0, +)
        // A gap below this is rounding, not a direction: science §4's objective 1ᵀX·u ≤ Σ‖x_i‖·√d over
        // the box, and the gap is at least that optimum.
        let rowNormSum = (0..<n).reduce(0.0) { $0 + x.row($1).norm }
        let threshold = 1e-9 * rowNormSum * Double(d).squareRoot()
        var simplex = DenseSimplex()
        var result = simplex.maximize(c: c, a: m, b: h, stopAbove: reachable - threshold)
        if result.status == .iterationLimit {
            // Only rounding can make the simplex cycle; Bland's rule from the first pivot cannot.
            simplex.degenerateRunBeforeBland = 0
            result = simplex.maximize(c: c, a: m, b: h, stopAbove: reachable - threshold)
        }
        precondition(result.status == .optimal || result.status == .thresholdReached,
                     "the all-ones LP (n \(n), d \(d)) ended \(result.status) after \(result.pivots) pivots")
        return result.status == .optimal && result.objective <= reachable - threshold
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
