import Foundation

/// One second-order cone {(t, x) : ‖x‖ ≤ t}: the epigraph of one group norm (t_j, w_j) (science §4).
///
/// Nesterov–Todd scaling (Vandenberghe's CVXOPT notes): with J = diag(1, −I),
/// s̄ = s/√(sᵀJs), z̄ = z/√(zᵀJz), γ = √((1 + s̄ᵀz̄)/2), w̄ = (s̄ + J z̄)/(2γ), η = (sᵀJs / zᵀJz)^{1/4},
/// W = η [w̄₀ w̄₁ᵀ; w̄₁ I + w̄₁w̄₁ᵀ/(1 + w̄₀)], W² = η²(2w̄w̄ᵀ − J). The x-part of W² is
/// η²(I + 2w̄₁w̄₁ᵀ): the "multiple of I plus a rank-one term" the structured normal equations exploit
/// (`tailSquaredScaling`).
final class SecondOrderCone: Cone {
    let dimension: Int
    var degree: Int { 1 }
    private var eta = 1.0
    /// w̄, laid out like the cone's slice.
    private var wbar: [Double]

    init(dimension: Int) {
        precondition(dimension >= 1)
        self.dimension = dimension
        wbar = [Double](repeating: 0, count: dimension)
        setIdentityScaling()
    }

    func setIdentityScaling() {
        eta = 1
        wbar[0] = 1
        for k in 1..<dimension { wbar[k] = 0 }
    }

    /// ‖x₁‖, the norm of everything after the first entry.
    @inline(__always) private static func tailNorm(_ x: UnsafeBufferPointer<Double>, _ k: Int) -> Double {
        var q = 0.0
        for i in 1..<k { q += x[i] * x[i] }
        return q.squareRoot()
    }

    /// √(x₀² − ‖x₁‖²), factored so it stays accurate near the boundary.
    @inline(__always) private static func jnorm(_ x: UnsafeBufferPointer<Double>, _ k: Int) -> Double {
        let r = tailNorm(x, k)
        return max((x[0] - r) * (x[0] + r), 0).squareRoot()
    }

    func updateScaling(s: UnsafeBufferPointer<Double>, z: UnsafeBufferPointer<Double>, lambda: UnsafeMutableBufferPointer<Double>) {
        let k = dimension
        let sn = Self.jnorm(s, k), zn = Self.jnorm(z, k)
        var sz = 0.0
        for i in 0..<k { sz += s[i] * z[i] }
        let gamma = ((1 + sz / (sn * zn)) / 2).squareRoot()
        eta = (sn / zn).squareRoot()
        wbar[0] = (s[0] / sn + z[0] / zn) / (2 * gamma)
        for i in 1..<k { wbar[i] = (s[i] / sn - z[i] / zn) / (2 * gamma) }
        applyW(z, inverse: false, lambda)
    }

    func applyW(_ v: UnsafeBufferPointer<Double>, inverse: Bool, _ out: UnsafeMutableBufferPointer<Double>) {
        let k = dimension, e = eta
        wbar.withUnsafeBufferPointer { w in
            var a = 0.0
            for i in 1..<k { a += w[i] * v[i] }
            let w0 = w[0], v0 = v[0]
            if inverse {
                let f = -v0 + a / (1 + w0)
                out[0] = (w0 * v0 - a) / e
                for i in 1..<k { out[i] = (v[i] + f * w[i]) / e }
            } else {
                let f = v0 + a / (1 + w0)
                out[0] = e * (w0 * v0 + a)
                for i in 1..<k { out[i] = e * (v[i] + f * w[i]) }
            }
        }
    }

    func applyW2(_ v: UnsafeBufferPointer<Double>, inverse: Bool, _ out: UnsafeMutableBufferPointer<Double>) {
        let k = dimension, e2 = eta * eta
        wbar.withUnsafeBufferPointer { w in
            var a = 0.0
            for i in 1..<k { a += w[i] * v[i] }
            let w0 = w[0], v0 = v[0]
            if inverse {
                // η⁻²(2 (Jw̄)(Jw̄)ᵀ − J) v
                let b = w0 * v0 - a
                out[0] = (2 * b * w0 - v0) / e2
                for i in 1..<k { out[i] = (v[i] - 2 * b * w[i]) / e2 }
            } else {
                let b = w0 * v0 + a
                out[0] = e2 * (2 * b * w0 - v0)
                for i in 1..<k { out[i] = e2 * (v[i] + 2 * b * w[i]) }
            }
        }
    }

    func writeInverseSquaredScaling(into h: UnsafeMutablePointer<Double>, ld: Int) {
        let k = dimension, e2 = eta * eta
        wbar.withUnsafeBufferPointer { w in
            for j in 0..<k {
                // (Jw̄)_j, and the diagonal with J's ±1.
                let uj = j == 0 ? w[0] : -w[j]
                let column = h + j * ld
                column[j] = (2 * uj * uj - (j == 0 ? 1 : -1)) / e2
                for i in (j + 1)..<k { column[i] = (2 * (-w[i]) * uj) / e2 }
            }
        }
    }

    /// W⁻² = η⁻²(2(Jw̄)(Jw̄)ᵀ − J) is not diagonal.
    func writeInverseSquaredDiagonal(into out: UnsafeMutablePointer<Double>) -> Bool { false }

    func tailSquaredScaling() -> (eta: Double, direction: ArraySlice<Double>)? {
        (eta, wbar[1...])
    }

    func jordanProduct(_ u: UnsafeBufferPointer<Double>, _ v: UnsafeBufferPointer<Double>, _ out: UnsafeMutableBufferPointer<Double>) {
        let k = dimension
        var dot = 0.0
        for i in 0..<k { dot += u[i] * v[i] }
        let u0 = u[0], v0 = v[0]
        for i in 1..<k { out[i] = u0 * v[i] + v0 * u[i] }
        out[0] = dot
    }

    func inverseProduct(_ lambda: UnsafeBufferPointer<Double>, _ u: UnsafeBufferPointer<Double>, _ out: UnsafeMutableBufferPointer<Double>) {
        let k = dimension
        var q = 0.0, a = 0.0
        for i in 1..<k { q += lambda[i] * lambda[i]; a += lambda[i] * u[i] }
        let l0 = lambda[0]
        let det = (l0 - q.squareRoot()) * (l0 + q.squareRoot())
        let x0 = (l0 * u[0] - a) / det
        for i in 1..<k { out[i] = (u[i] - x0 * lambda[i]) / l0 }
        out[0] = x0
    }

    func addIdentity(_ alpha: Double, _ x: UnsafeMutableBufferPointer<Double>) {
        x[0] += alpha
    }

    /// v = λ₊c₊ + λ₋c₋ with λ± = v₀ ± ‖v₁‖ and c± = ½(1, ±v₁/‖v₁‖): each λ± is corrected as an
    /// orthant entry would be, and the corrections recombined.
    func centralityCorrection(_ v: UnsafeBufferPointer<Double>, low: Double, high: Double, _ out: UnsafeMutableBufferPointer<Double>) {
        let r = Self.tailNorm(v, dimension)
        let plus = NonnegativeCone.spectralCorrection(v[0] + r, low: low, high: high)
        let minus = NonnegativeCone.spectralCorrection(v[0] - r, low: low, high: high)
        out[0] = (plus + minus) / 2
        let f = r > 0 ? (plus - minus) / (2 * r) : 0
        for i in 1..<dimension { out[i] = f * v[i] }
    }

    /// To distance 1 from the boundary, on either start (`cautious` changes only the orthants' shift:
    /// a smaller shift here made the noisy approx programs slower).
    func shiftInside(_ x: UnsafeMutableBufferPointer<Double>, margin: Double, cautious: Bool) {
        let shift = Self.tailNorm(UnsafeBufferPointer(x), dimension) - x[0]
        if shift >= -margin { x[0] += 1 + max(shift, 0) }
    }

    func maxStep(_ x: UnsafeBufferPointer<Double>, _ dx: UnsafeBufferPointer<Double>) -> Double {
        let k = dimension
        // f(α) = (x₀+αd₀)² − ‖x₁+αd₁‖² = aα² + 2bα + cc; the first positive root is the boundary.
        var xx = 0.0, xd = 0.0, dd = 0.0
        for i in 1..<k { xx += x[i] * x[i]; xd += x[i] * dx[i]; dd += dx[i] * dx[i] }
        let x0 = x[0], d0 = dx[0]
        let a = d0 * d0 - dd, b = x0 * d0 - xd
        let cc = (x0 - xx.squareRoot()) * (x0 + xx.squareRoot())
        var root = Double.infinity
        if cc <= 0 {
            root = 0
        } else if a == 0 {
            if b < 0 { root = -cc / (2 * b) }
        } else {
            let disc = b * b - a * cc
            if disc >= 0 {
                let q = -(b + (b >= 0 ? 1 : -1) * disc.squareRoot())
                for r in [q / a, q != 0 ? cc / q : Double.infinity] where r > 0 { root = min(root, r) }
            }
        }
        // The cone's apex side: x₀ + α d₀ must also stay nonnegative.
        if d0 < 0 { root = min(root, -x0 / d0) }
        return root
    }
}
