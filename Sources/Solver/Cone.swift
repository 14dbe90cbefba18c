/// The interface every cone of the iteration implements (Clarabel's pattern): the
/// interior-point loop in InteriorPoint.swift is written once against it.
///
/// Each cone object owns a contiguous slice of the slack s and dual z vectors and the
/// Nesterov–Todd scaling W of that slice (W symmetric, W z = W⁻¹ s = λ).
protocol Cone: AnyObject {
    /// Length of the slice.
    var dimension: Int { get }
    /// Barrier degree ν (μ = sᵀz / ν summed over cones).
    var degree: Int { get }
    /// Sets W from s and z (both strictly interior) and writes λ = W z.
    func updateScaling(s: UnsafeBufferPointer<Double>, z: UnsafeBufferPointer<Double>, lambda: UnsafeMutableBufferPointer<Double>)
    /// W = I (the start point's system).
    func setIdentityScaling()
    /// out ← W v, or W⁻¹ v.
    func applyW(_ v: UnsafeBufferPointer<Double>, inverse: Bool, _ out: UnsafeMutableBufferPointer<Double>)
    /// out ← W² v, or W⁻² v.
    func applyW2(_ v: UnsafeBufferPointer<Double>, inverse: Bool, _ out: UnsafeMutableBufferPointer<Double>)
    /// out ← u ∘ v (Jordan product).
    func jordanProduct(_ u: UnsafeBufferPointer<Double>, _ v: UnsafeBufferPointer<Double>, _ out: UnsafeMutableBufferPointer<Double>)
    /// out ← λ ⋄ u, the solution x of λ ∘ x = u.
    func inverseProduct(_ lambda: UnsafeBufferPointer<Double>, _ u: UnsafeBufferPointer<Double>, _ out: UnsafeMutableBufferPointer<Double>)
    /// x ← x + alpha·e, e the cone's identity element.
    func addIdentity(_ alpha: Double, _ x: UnsafeMutableBufferPointer<Double>)
    /// The largest α with x + α dx in the cone (x interior); +∞ when the ray never leaves it.
    func maxStep(_ x: UnsafeBufferPointer<Double>, _ dx: UnsafeBufferPointer<Double>) -> Double
    /// Gondzio's centrality correction of the scaled products v = (W⁻¹s̃) ∘ (W z̃) at a trial point:
    /// out ← t − v, t being v with its spectral values (the entries of an orthant; x₀ ± ‖x₁‖ of a
    /// second-order cone) moved into [low, high], and no spectral value lowered by more than `high`.
    func centralityCorrection(_ v: UnsafeBufferPointer<Double>, low: Double, high: Double, _ out: UnsafeMutableBufferPointer<Double>)
    /// Moves x into the interior for the start point: a cone that is not interior by at least
    /// `margin` is shifted along its identity element, by its own amount (CVXOPT shifts every cone
    /// by the largest shift, which with hundreds of blocks inflates every t_j by the worst one).
    /// `cautious`: the start of a rerun after a numerical failure (InteriorPoint.run).
    func shiftInside(_ x: UnsafeMutableBufferPointer<Double>, margin: Double, cautious: Bool)

    // What the structured normal equations need of the scaling (science §4 "Structure worth
    // exploiting"), asked of any cone so that the elimination never depends on a concrete type.

    /// Writes the lower triangle (diagonal included) of W⁻² as a dense column-major dimension ×
    /// dimension matrix with leading dimension ld, leaving the upper triangle as it was: the start
    /// of a sign-constrained block's Hessian H_j, of which Cholesky reads nothing else.
    func writeInverseSquaredScaling(into h: UnsafeMutablePointer<Double>, ld: Int)
    /// Writes the diagonal of W⁻² and returns true when W is diagonal; false (nothing written)
    /// otherwise.
    func writeInverseSquaredDiagonal(into out: UnsafeMutablePointer<Double>) -> Bool
    /// W² restricted to the coordinates after the first, when it has the form η²(I + 2uuᵀ): η and
    /// u. For the epigraph cone (t, w) of a norm this is the (H⁻¹)_ww of a block with no other
    /// constraint — a multiple of I plus a rank-one term. Nil for cones without that form.
    func tailSquaredScaling() -> (eta: Double, direction: ArraySlice<Double>)?
}

/// The product cone K of a program: any cones, each applied to its slice of an m-vector, in
/// order (the conic form puts one second-order cone per block first, then one orthant per
/// sign-constrained block).
final class ConeSet {
    let cones: [any Cone]
    /// Start of each cone's slice.
    let offsets: [Int]
    let dimension: Int
    let degree: Int

    init(_ cones: [any Cone]) {
        self.cones = cones
        var o: [Int] = [], total = 0
        for cone in cones { o.append(total); total += cone.dimension }
        offsets = o
        dimension = total
        degree = cones.reduce(0) { $0 + $1.degree }
    }

    subscript(index: Int) -> any Cone { cones[index] }

    private func each(_ body: (any Cone, Int) -> Void) {
        for (cone, offset) in zip(cones, offsets) { body(cone, offset) }
    }
    private func unary(_ v: [Double], _ op: (any Cone, UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
        var out = [Double](repeating: 0, count: dimension)
        v.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                each { cone, off in
                    op(cone, UnsafeBufferPointer(rebasing: v[off..<(off + cone.dimension)]),
                       UnsafeMutableBufferPointer(rebasing: o[off..<(off + cone.dimension)]))
                }
            }
        }
        return out
    }

    private func binary(_ u: [Double], _ v: [Double],
                        _ op: (any Cone, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
        var out = [Double](repeating: 0, count: dimension)
        u.withUnsafeBufferPointer { u in
            v.withUnsafeBufferPointer { v in
                out.withUnsafeMutableBufferPointer { o in
                    each { cone, off in
                        let r = off..<(off + cone.dimension)
                        op(cone, UnsafeBufferPointer(rebasing: u[r]), UnsafeBufferPointer(rebasing: v[r]), UnsafeMutableBufferPointer(rebasing: o[r]))
                    }
                }
            }
        }
        return out
    }

    /// Updates every W from (s, z) and returns λ = W z.
    func updateScaling(s: [Double], z: [Double]) -> [Double] {
        binary(s, z) { cone, s, z, l in cone.updateScaling(s: s, z: z, lambda: l) }
    }

    func setIdentityScaling() { for cone in cones { cone.setIdentityScaling() } }
    func W(_ v: [Double], inverse: Bool = false) -> [Double] { unary(v) { $0.applyW($1, inverse: inverse, $2) } }
    func W2(_ v: [Double], inverse: Bool = false) -> [Double] { unary(v) { $0.applyW2($1, inverse: inverse, $2) } }
    func jordan(_ u: [Double], _ v: [Double]) -> [Double] { binary(u, v) { $0.jordanProduct($1, $2, $3) } }
    func inverseProduct(_ lambda: [Double], _ u: [Double]) -> [Double] { binary(lambda, u) { $0.inverseProduct($1, $2, $3) } }

    func centralityCorrection(_ v: [Double], low: Double, high: Double) -> [Double] {
        unary(v) { $0.centralityCorrection($1, low: low, high: high, $2) }
    }

    func addIdentity(_ alpha: Double, to x: inout [Double]) {
        x.withUnsafeMutableBufferPointer { x in
            each { cone, off in cone.addIdentity(alpha, UnsafeMutableBufferPointer(rebasing: x[off..<(off + cone.dimension)])) }
        }
    }

    func shiftInside(_ x: inout [Double], margin: Double, cautious: Bool) {
        x.withUnsafeMutableBufferPointer { x in
            each { cone, off in cone.shiftInside(UnsafeMutableBufferPointer(rebasing: x[off..<(off + cone.dimension)]), margin: margin, cautious: cautious) }
        }
    }

    func maxStep(_ x: [Double], _ dx: [Double]) -> Double {
        var alpha = Double.infinity
        x.withUnsafeBufferPointer { x in
            dx.withUnsafeBufferPointer { dx in
                each { cone, off in
                    let r = off..<(off + cone.dimension)
                    alpha = min(alpha, cone.maxStep(UnsafeBufferPointer(rebasing: x[r]), UnsafeBufferPointer(rebasing: dx[r])))
                }
            }
        }
        return alpha
    }
}
