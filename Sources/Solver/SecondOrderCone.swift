import Foundation

/// A product of second-order cones {(t, x) : ‖x‖ ≤ t}, one per block (t_i, w_i) of the group
/// norms (science §4), stored back to back.
///
/// Nesterov–Todd scaling of one cone (Vandenberghe's CVXOPT notes): with J = diag(1, −I),
/// s̄ = s/√(sᵀJs), z̄ = z/√(zᵀJz), γ = √((1 + s̄ᵀz̄)/2), w̄ = (s̄ + J z̄)/(2γ), η = (sᵀJs / zᵀJz)^{1/4},
/// W = η [w̄₀ w̄₁ᵀ; w̄₁ I + w̄₁w̄₁ᵀ/(1 + w̄₀)], W² = η²(2w̄w̄ᵀ − J). The x-part of W² is
/// η²(I + 2w̄₁w̄₁ᵀ): the "multiple of I plus a rank-one term" that StructuredNormalEquations exploits.
final class SecondOrderCones: Cone {
    /// Start of each cone in the slice, and its size (1 + r_i).
    let offsets: [Int]
    let sizes: [Int]
    let dimension: Int
    var degree: Int { sizes.count }
    /// η of each cone.
    private(set) var eta: [Double]
    /// w̄ of each cone, laid out like s.
    private(set) var wbar: [Double]

    init(sizes: [Int]) {
        precondition(sizes.allSatisfy { $0 >= 1 })
        self.sizes = sizes
        var o: [Int] = []
        var total = 0
        for k in sizes { o.append(total); total += k }
        offsets = o
        dimension = total
        eta = [Double](repeating: 1, count: sizes.count)
        wbar = [Double](repeating: 0, count: total)
        setIdentityScaling()
    }

    func setIdentityScaling() {
        for c in 0..<sizes.count {
            eta[c] = 1
            wbar[offsets[c]] = 1
            for k in 1..<sizes[c] { wbar[offsets[c] + k] = 0 }
        }
    }

    /// √(x₀² − ‖x₁‖²), factored so it stays accurate near the boundary.
    @inline(__always) private static func jnorm(_ x: UnsafeBufferPointer<Double>, _ o: Int, _ k: Int) -> Double {
        var q = 0.0
        for i in 1..<k { q += x[o + i] * x[o + i] }
        let r = q.squareRoot()
        return max((x[o] - r) * (x[o] + r), 0).squareRoot()
    }

    func updateScaling(s: UnsafeBufferPointer<Double>, z: UnsafeBufferPointer<Double>, lambda: UnsafeMutableBufferPointer<Double>) {
        for c in 0..<sizes.count {
            let o = offsets[c], k = sizes[c]
            let sn = Self.jnorm(s, o, k), zn = Self.jnorm(z, o, k)
            var sz = 0.0
            for i in 0..<k { sz += s[o + i] * z[o + i] }
            let gamma = ((1 + sz / (sn * zn)) / 2).squareRoot()
            eta[c] = (sn / zn).squareRoot()
            wbar[o] = (s[o] / sn + z[o] / zn) / (2 * gamma)
            for i in 1..<k { wbar[o + i] = (s[o + i] / sn - z[o + i] / zn) / (2 * gamma) }
        }
        applyW(z, inverse: false, lambda)
    }

    func applyW(_ v: UnsafeBufferPointer<Double>, inverse: Bool, _ out: UnsafeMutableBufferPointer<Double>) {
        wbar.withUnsafeBufferPointer { w in
            for c in 0..<sizes.count {
                let o = offsets[c], k = sizes[c], e = eta[c]
                var a = 0.0
                for i in 1..<k { a += w[o + i] * v[o + i] }
                let w0 = w[o], v0 = v[o]
                if inverse {
                    let f = -v0 + a / (1 + w0)
                    out[o] = (w0 * v0 - a) / e
                    for i in 1..<k { out[o + i] = (v[o + i] + f * w[o + i]) / e }
                } else {
                    let f = v0 + a / (1 + w0)
                    out[o] = e * (w0 * v0 + a)
                    for i in 1..<k { out[o + i] = e * (v[o + i] + f * w[o + i]) }
                }
            }
        }
    }

    func applyW2(_ v: UnsafeBufferPointer<Double>, inverse: Bool, _ out: UnsafeMutableBufferPointer<Double>) {
        wbar.withUnsafeBufferPointer { w in
            for c in 0..<sizes.count {
                let o = offsets[c], k = sizes[c], e2 = eta[c] * eta[c]
                var a = 0.0
                for i in 1..<k { a += w[o + i] * v[o + i] }
                let w0 = w[o], v0 = v[o]
                if inverse {
                    // η⁻²(2 (Jw̄)(Jw̄)ᵀ − J) v
                    let b = w0 * v0 - a
                    out[o] = (2 * b * w0 - v0) / e2
                    for i in 1..<k { out[o + i] = (v[o + i] - 2 * b * w[o + i]) / e2 }
                } else {
                    let b = w0 * v0 + a
                    out[o] = e2 * (2 * b * w0 - v0)
                    for i in 1..<k { out[o + i] = e2 * (v[o + i] + 2 * b * w[o + i]) }
                }
            }
        }
    }

    /// Writes the dense (1+r)×(1+r) matrix W⁻² of cone c (column-major, leading dimension ld):
    /// the block Hessian of the sign-constrained forms starts from it.
    func writeInverseSquared(cone c: Int, into h: UnsafeMutablePointer<Double>, ld: Int) {
        let o = offsets[c], k = sizes[c], e2 = eta[c] * eta[c]
        for j in 0..<k {
            let wj = j == 0 ? wbar[o] : -wbar[o + j]
            for i in 0..<k {
                let wi = i == 0 ? wbar[o] : -wbar[o + i]
                let jv: Double = i == j ? (i == 0 ? 1 : -1) : 0
                h[i + j * ld] = (2 * wi * wj - jv) / e2
            }
        }
    }

    /// η_c and w̄₁ of cone c (its x-part), for the rank-one terms of the normal matrix.
    func scalingParts(cone c: Int) -> (eta: Double, w1: ArraySlice<Double>) {
        (eta[c], wbar[(offsets[c] + 1)..<(offsets[c] + sizes[c])])
    }

    func jordanProduct(_ u: UnsafeBufferPointer<Double>, _ v: UnsafeBufferPointer<Double>, _ out: UnsafeMutableBufferPointer<Double>) {
        for c in 0..<sizes.count {
            let o = offsets[c], k = sizes[c]
            var dot = 0.0
            for i in 0..<k { dot += u[o + i] * v[o + i] }
            let u0 = u[o], v0 = v[o]
            for i in 1..<k { out[o + i] = u0 * v[o + i] + v0 * u[o + i] }
            out[o] = dot
        }
    }

    func inverseProduct(_ lambda: UnsafeBufferPointer<Double>, _ u: UnsafeBufferPointer<Double>, _ out: UnsafeMutableBufferPointer<Double>) {
        for c in 0..<sizes.count {
            let o = offsets[c], k = sizes[c]
            var q = 0.0, a = 0.0
            for i in 1..<k { q += lambda[o + i] * lambda[o + i]; a += lambda[o + i] * u[o + i] }
            let l0 = lambda[o]
            let det = (l0 - q.squareRoot()) * (l0 + q.squareRoot())
            let x0 = (l0 * u[o] - a) / det
            for i in 1..<k { out[o + i] = (u[o + i] - x0 * lambda[o + i]) / l0 }
            out[o] = x0
        }
    }

    func addIdentity(_ alpha: Double, _ x: UnsafeMutableBufferPointer<Double>) {
        for o in offsets { x[o] += alpha }
    }

    func maxStep(_ x: UnsafeBufferPointer<Double>, _ dx: UnsafeBufferPointer<Double>) -> Double {
        var alpha = Double.infinity
        for c in 0..<sizes.count {
            let o = offsets[c], k = sizes[c]
            // f(α) = (x₀+αd₀)² − ‖x₁+αd₁‖² = aα² + 2bα + cc; the first positive root is the boundary.
            var xx = 0.0, xd = 0.0, dd = 0.0
            for i in 1..<k { xx += x[o + i] * x[o + i]; xd += x[o + i] * dx[o + i]; dd += dx[o + i] * dx[o + i] }
            let x0 = x[o], d0 = dx[o]
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
            alpha = min(alpha, root)
        }
        return alpha
    }
}
