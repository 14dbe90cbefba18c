import Foundation

/// The nonnegative orthant R^m_+ of one block's sign constraints (2D_i − I) X w_i ≥ 0 (science §4):
/// W = diag(√(s/z)), λ = √(s z), products are elementwise.
final class NonnegativeCone: Cone {
    let dimension: Int
    var degree: Int { dimension }
    /// The diagonal of W.
    private(set) var w: [Double]

    init(dimension: Int) {
        self.dimension = dimension
        w = [Double](repeating: 1, count: dimension)
    }

    func updateScaling(s: UnsafeBufferPointer<Double>, z: UnsafeBufferPointer<Double>, lambda: UnsafeMutableBufferPointer<Double>) {
        w.withUnsafeMutableBufferPointer { w in
            for i in 0..<dimension {
                w[i] = (s[i] / z[i]).squareRoot()
                lambda[i] = (s[i] * z[i]).squareRoot()
            }
        }
    }

    func setIdentityScaling() {
        for i in 0..<dimension { w[i] = 1 }
    }

    /// W⁻² = diag(z/s): the weights of Xᵀ Λ X in the block matrices of the sign-constrained forms.
    func writeInverseSquaredDiagonal(into out: UnsafeMutablePointer<Double>) -> Bool {
        w.withUnsafeBufferPointer { w in for i in 0..<dimension { out[i] = 1 / (w[i] * w[i]) } }
        return true
    }

    func writeInverseSquaredScaling(into h: UnsafeMutablePointer<Double>, ld: Int) {
        for j in 0..<dimension {
            for i in j..<dimension { h[i + j * ld] = i == j ? 1 / (w[i] * w[i]) : 0 }
        }
    }

    /// diag(w₁², …) is not a multiple of I plus a rank-one term in general.
    func tailSquaredScaling() -> (eta: Double, direction: ArraySlice<Double>)? { nil }

    func applyW(_ v: UnsafeBufferPointer<Double>, inverse: Bool, _ out: UnsafeMutableBufferPointer<Double>) {
        w.withUnsafeBufferPointer { w in
            if inverse { for i in 0..<dimension { out[i] = v[i] / w[i] } } else { for i in 0..<dimension { out[i] = v[i] * w[i] } }
        }
    }

    func applyW2(_ v: UnsafeBufferPointer<Double>, inverse: Bool, _ out: UnsafeMutableBufferPointer<Double>) {
        w.withUnsafeBufferPointer { w in
            if inverse { for i in 0..<dimension { out[i] = v[i] / (w[i] * w[i]) } } else { for i in 0..<dimension { out[i] = v[i] * w[i] * w[i] } }
        }
    }

    func jordanProduct(_ u: UnsafeBufferPointer<Double>, _ v: UnsafeBufferPointer<Double>, _ out: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<dimension { out[i] = u[i] * v[i] }
    }

    func inverseProduct(_ lambda: UnsafeBufferPointer<Double>, _ u: UnsafeBufferPointer<Double>, _ out: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<dimension { out[i] = u[i] / lambda[i] }
    }

    func addIdentity(_ alpha: Double, _ x: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<dimension { x[i] += alpha }
    }

    func centralityCorrection(_ v: UnsafeBufferPointer<Double>, low: Double, high: Double, _ out: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<dimension { out[i] = Self.spectralCorrection(v[i], low: low, high: high) }
    }

    /// The change that moves one spectral value into [low, high], lowering it by at most `high`.
    @inline(__always) static func spectralCorrection(_ value: Double, low: Double, high: Double) -> Double {
        if value < low { return low - value }
        if value > high { return max(high - value, -high) }
        return 0
    }

    /// How far inside the orthant its start sits, at its smallest entry, after a shift.
    static let startDistance = 1e-2

    /// One shift for the whole orthant (CVXOPT's rule, cone by cone), to `startDistance` rather than
    /// CVXOPT's 1. Resetting only the entries at or below the margin (the cautious start) leaves
    /// entries just above it, 1e-6 beside others at 1: so badly centered a start that noisy approx
    /// programs crept along with steps of 0.1–0.3 for 40 iterations (Solver README, "Start and
    /// centrality correctors").
    func shiftInside(_ x: UnsafeMutableBufferPointer<Double>, margin: Double, cautious: Bool) {
        if cautious {
            for i in 0..<dimension where x[i] <= margin { x[i] = 1 }
            return
        }
        guard let smallest = x.min(), smallest <= margin else { return }
        for i in 0..<dimension { x[i] += Self.startDistance - smallest }
    }

    /// A select rather than a branch per entry, so that the loop vectorizes (the branch was 5 % of a
    /// noisy (320, 20) approx solve); entries with dx ≥ 0 compute a ratio that is never taken.
    func maxStep(_ x: UnsafeBufferPointer<Double>, _ dx: UnsafeBufferPointer<Double>) -> Double {
        var alpha = Double.infinity
        for i in 0..<dimension {
            let ratio = -x[i] / dx[i]
            alpha = dx[i] < 0 ? min(alpha, ratio) : alpha
        }
        return alpha
    }
}
