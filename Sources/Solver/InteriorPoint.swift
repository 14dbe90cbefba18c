import Foundation
import LinearAlgebra

/// Primal–dual interior-point method with Nesterov–Todd scaling and Mehrotra's
/// predictor–corrector (the scheme of CVXOPT's `coneqp` and of Clarabel without the homogeneous
/// embedding), for the conic form of ConicForm.swift. One iteration reads top to bottom:
/// residuals → termination → scaling → affine step → centering → combined step → step length → update.
///
/// Infeasible start: the iterates satisfy the cone constraints strictly but the equalities only in
/// the limit. Without the homogeneous embedding, primal infeasibility shows as a diverging dual
/// iterate whose direction is a Farkas certificate; it is tested for at every iteration. (Labels
/// outside the blocks' span are caught before the iteration; the approx forms are always feasible
/// and their objective is bounded below, so dual infeasibility cannot occur.)
final class InteriorPoint {
    let form: ConicForm
    let cones: ConeSet
    let kkt: any KKTSolver
    let settings: SolverSettings

    struct Outcome {
        var status: SolverStatus
        var x: [Double], y: [Double], s: [Double], z: [Double]
        var iterations: Int
        var primalObjective: Double, dualObjective: Double
        /// Stopped at `pauseMerit` (status `.maxIterations`): x, y, s, z are the current iterate, to be
        /// continued, on this form or a smaller one (ShrinkingWorkingSet.swift).
        var paused = false
        /// Set by `solveShrinking` when the iterate continued on fewer patterns.
        var keptPatterns: Int?
    }

    /// An interior iterate of this form's cones to start from instead of the computed start (not
    /// for the cautious rerun, which starts afresh).
    var warmStart: Iterate?
    typealias Iterate = (x: [Double], y: [Double], s: [Double], z: [Double])
    /// Pause at the first iterate whose merit (largest of residuals and relative gap) is at most this.
    var pauseMerit: Double?

    /// A second KKT solver factored and solved alongside `kkt` on the same right-hand sides (the
    /// dense reference, in tests); the largest relative difference of their directions is kept.
    var shadow: (any KKTSolver)?
    private(set) var shadowDifference = 0.0

    init(form: ConicForm, cones: ConeSet, kkt: any KKTSolver, settings: SolverSettings) {
        self.form = form
        self.cones = cones
        self.kkt = kkt
        self.settings = settings
    }

    /// NEUREC_SOLVER_TRACE=1 prints one line per iteration to stderr.
    private let trace = ProcessInfo.processInfo.environment["NEUREC_SOLVER_TRACE"] != nil

    /// kkt.solve followed by iterative refinement on the full Newton system: late iterations have
    /// W² spanning many orders of magnitude, and the residual of the elimination then matters.
    ///
    /// Also returns Aᵀdy. Without sign rows (mNN = 0) it is reused rather than formed again: by the
    /// refinement here and by the next iteration's dual residual (`run`), which saves one n×d×B
    /// product per residual; with sign rows Gᵀdz needs that product anyway, and it is formed with Aᵀdy as before.
    private func solveKKT(bx: [Double], by: [Double], bz: [Double], refine: Bool) -> Direction {
        let reuse = form.mNN == 0
        var (dx, dy, dz, aty) = kkt.solveWithAdjoint(bx: bx, by: by, bz: bz)
        if !reuse { aty = nil }
        if let shadow {
            let other = shadow.solve(bx: bx, by: by, bz: bz)
            // dy is compared through Aᵀdy: when the blocks do not span Rⁿ its component in the null
            // space of Aᵀ is arbitrary (and irrelevant to the iterates).
            var aty = [Double](repeating: 0, count: dx.count), atyOther = aty
            form.addAdjoint(dy, nil, into: &aty)
            form.addAdjoint(other.dy, nil, into: &atyOther)
            let diff = max(minus(dx, other.dx).norm, minus(aty, atyOther).norm, minus(dz, other.dz).norm)
            let size = max(other.dx.norm, atyOther.norm, other.dz.norm, 1e-300)
            shadowDifference = max(shadowDifference, diff / size)
            if trace { FileHandle.standardError.write(Data("shadow: dx \(minus(dx, other.dx).norm) aty \(minus(aty, atyOther).norm) dz \(minus(dz, other.dz).norm) size \(size)\n".utf8)) }
        }
        let scale = max(bx.norm, by.norm, bz.norm, 1e-300)
        var last = Double.infinity
        for step in 0..<(refine ? settings.kktRefinementSteps + settings.slowRefinementSteps : 0) {
            var ex = bx
            form.addP(dx, alpha: -1, into: &ex)
            if let aty {
                ex.add(aty, scaledBy: -1)
                form.addGTranspose(dz.scaled(by: -1), into: &ex)
            } else {
                form.addAdjointAndGTranspose(dy.scaled(by: -1), dz.scaled(by: -1), into: &ex)
            }
            let f = form.forward(dx)
            let ey = minus(by, f.ax)
            let ez = minus(bz, minus(form.applyG(dx, signValues: f.snn), cones.W2(dz)))
            let err = max(ex.norm, ey.norm, ez.norm)
            if trace { FileHandle.standardError.write(Data(String(format: "    refine err %.2e\n", err / scale).utf8)) }
            if !(err > settings.refinementTolerance * scale) { break }
            // Halving passes up to kktRefinementSteps; past them, or when a pass only shrinks the error
            // by a little, more passes only while the error is still large enough to stall the iteration.
            let halving = err < 0.5 * last && step < settings.kktRefinementSteps
            let slow = err < settings.slowRefinementRatio * last && err > settings.slowRefinementFloor * scale
            if !(halving || slow) { break }
            last = err
            let c = kkt.solveWithAdjoint(bx: ex, by: ey, bz: ez)
            dx.add(c.dx); dy.add(c.dy); dz.add(c.dz)
            if aty != nil, let more = c.adjointOfDy { aty!.add(more) } else { aty = nil }
        }
        return (dx, dy, dz, aty)
    }

    typealias Direction = (dx: [Double], dy: [Double], dz: [Double], aty: [Double]?)

    private static func isFinite(_ direction: Direction) -> Bool {
        direction.dx.allSatisfy { $0.isFinite } && direction.dy.allSatisfy { $0.isFinite } && direction.dz.allSatisfy { $0.isFinite }
    }

    private func stepLength(s: [Double], ds: [Double], z: [Double], dz: [Double]) -> Double {
        min(1, settings.stepFraction * min(cones.maxStep(s, ds), cones.maxStep(z, dz)))
    }

    /// One Gondzio corrector (Solver README, "Start and centrality correctors"): the scaled
    /// products at the step α + `correctorStepGain` are moved into [low, high]·σμ by one more solve
    /// with the factorization at hand. The corrected direction, its ds and step; nil unless the
    /// step grows by a tenth of the gain aimed at.
    private func centralityCorrected(_ dir: Direction, ds: [Double], alpha: Double, s: [Double], z: [Double],
                                     lambda: [Double], target: Double) -> (Direction, [Double], Double)? {
        let aim = min(1, alpha + settings.correctorStepGain)
        var sAim = s, zAim = z
        sAim.add(ds, scaledBy: aim)
        zAim.add(dir.dz, scaledBy: aim)
        let products = cones.jordan(cones.W(sAim, inverse: true), cones.W(zAim))
        let change = cones.centralityCorrection(products, low: settings.correctorProductLow * target,
                                                high: settings.correctorProductHigh * target)
        let wInvChange = cones.W(cones.inverseProduct(lambda, change))
        let more = solveKKT(bx: [Double](repeating: 0, count: form.xCount), by: [Double](repeating: 0, count: form.n),
                            bz: wInvChange.scaled(by: -1), refine: false)
        var corrected = dir
        corrected.dx.add(more.dx); corrected.dy.add(more.dy); corrected.dz.add(more.dz)
        if let a = corrected.aty, let b = more.aty { corrected.aty = plus(a, b) } else { corrected.aty = nil }
        let correctedDs = minus(plus(ds, wInvChange), cones.W2(more.dz))
        let correctedAlpha = stepLength(s: s, ds: correctedDs, z: z, dz: corrected.dz)
        guard correctedAlpha >= alpha + settings.correctorStepGain / 10, Self.isFinite(corrected) else { return nil }
        return (corrected, correctedDs, correctedAlpha)
    }

    /// The iteration from the centered start with centrality correctors; when it breaks down
    /// numerically, once more from the cautious start without them. The two paths end in different
    /// endgames, and on small approx programs either can meet the rounding floor of its residual
    /// first (Solver README, "Start and centrality correctors").
    func run() -> Outcome {
        let first = iterate(cautious: false)
        guard case .numericalError(let why) = first.status else { return first }
        if trace { FileHandle.standardError.write(Data("cautious rerun after \(first.iterations) iterations: \(why)\n".utf8)) }
        var second = iterate(cautious: true)
        second.iterations += first.iterations
        return second.status.hasMinimizer ? second : first
    }

    private func iterate(cautious: Bool) -> Outcome {
        let N = form.xCount, n = form.n, m = form.m
        let b = form.y, c = form.c
        let nu = Double(cones.degree)
        let bNorm = b.norm, cNorm = c.norm
        // Approx forms have no equality to meet (r is a variable): their stop, and the reduced stop
        // of a stalled run, are this much looser (SolverSettings.approxToleranceFactor).
        let loosen = form.approx ? settings.approxToleranceFactor : 1.0

        var x: [Double], y: [Double], s: [Double], z: [Double]
        // Aᵀy, kept up to date from the directions' Aᵀdy when there are no sign rows (see solveKKT);
        // nil: form it in the residual.
        var aty: [Double]?
        if let warmStart, !cautious {
            (x, y, s, z) = warmStart
            aty = nil
        } else {
            // Start: the least-norm solution of the system with W = I.
            cones.setIdentityScaling()
            if let shadow, !shadow.factor() { self.shadow = nil }
            guard kkt.factor() else {
                return Outcome(status: .numericalError("the initial KKT system is singular"), x: [Double](repeating: 0, count: N),
                               y: [Double](repeating: 0, count: n), s: [], z: [], iterations: 0, primalObjective: .nan, dualObjective: .nan)
            }
            let start = kkt.solveWithAdjoint(bx: c.scaled(by: -1), by: b, bz: [Double](repeating: 0, count: m))
            x = start.dx; y = start.dy; z = start.dz
            aty = form.mNN == 0 ? start.adjointOfDy : nil
            s = z.scaled(by: -1)
            // Into the cones, each by its own shift (Cone.shiftInside): a common worst-case shift cost
            // 15–30 % more iterations on exact and approx programs.
            cones.shiftInside(&s, margin: settings.startInteriorMargin, cautious: cautious)
            cones.shiftInside(&z, margin: settings.startInteriorMargin, cautious: cautious)
        }
        var paused = false

        var status: SolverStatus = .maxIterations
        var pobj = Double.nan, dobj = Double.nan
        var iteration = 0
        var best: (x: [Double], y: [Double], s: [Double], z: [Double], merit: Double, pobj: Double, dobj: Double)?
        // The primal residual the last step should have left, (1 − α(1 − σ)) of the one before: the
        // equalities are linear, so more than 10× that means the unrefined Newton solves have become
        // inaccurate, and refinement stays on from then.
        var expectedResidual = Double.infinity
        var refineAlways = false
        while true {
            // Residuals.
            let fx = form.forward(x)
            let ry = minus(fx.ax, b)
            let gx = form.applyG(x, signValues: fx.snn)
            let rz = plus(gx, s)
            var rx = c
            form.addP(x, into: &rx)
            if let aty {
                rx.add(aty)
                form.addGTranspose(z, into: &rx)
            } else {
                form.addAdjointAndGTranspose(y, z, into: &rx)
            }
            let gap = s.dot(z)
            pobj = c.dot(x) + form.quadratic(x)
            dobj = pobj + y.dot(ry) + z.dot(gx)
            // Relative to the (equilibrated) data, with floors for data or objectives near zero.
            let equalityResidual = ry.norm / (settings.residualFloor + bNorm)
            let pres = max(equalityResidual, rz.norm)
            let dres = rx.norm / (settings.residualFloor + cNorm)
            let relGap = max(gap, abs(pobj - dobj)) / max(settings.gapFloor, abs(pobj))

            if trace {
                FileHandle.standardError.write(Data(String(format: "%3d pobj %.10e dobj %.10e pres %.2e (Ax = y %.2e, cones %.2e) dres %.2e gap %.2e\n", iteration, pobj, dobj, pres, equalityResidual, rz.norm, dres, relGap).utf8))
            }
            // Termination.
            if pres <= loosen * settings.feasibilityTolerance && dres <= loosen * settings.feasibilityTolerance
                && relGap <= loosen * settings.gapTolerance {
                status = .optimal
                break
            }
            let merit = max(pres, dres, relGap)
            if let pauseMerit, !cautious, merit <= pauseMerit { paused = true; break }
            if best == nil || merit < best!.merit { best = (x, y, s, z, merit, pobj, dobj) }
            // Rounding has taken over: the iterates moved far away from a point already in the
            // endgame (≤ refinementStart). Below reducedTolerance that point is the answer; above it,
            // the numerical error sends `run` to its cautious rerun instead of wandering on to
            // maxIterations (seen on noisy approx programs at (110, 20), lost at 1e-5).
            if let best, best.merit <= settings.refinementStart, merit > settings.divergenceFactor * best.merit {
                status = .numericalError("the iterates lost accuracy after reaching \(best.merit)")
                break
            }
            if !form.approx {
                // Farkas: λ = −y, zᵀ·0 … with Aᵀy + Gᵀz ≈ 0 and −bᵀy > 0 proves Ax = b, Gx + s = 0, s ∈ K empty.
                let rayObjective = -b.dot(y)
                if rayObjective > 0 {
                    // Aᵀy + Gᵀz = r_x − c (P = 0 for equality forms).
                    let dual = minus(rx, c)
                    if dual.norm <= settings.infeasibilityTolerance * rayObjective {
                        status = .primalInfeasible("a dual ray certifies that no weights meet the constraints (sign constraints and labels are incompatible)")
                        break
                    }
                }
            }
            if iteration >= settings.maxIterations { status = .maxIterations; break }
            iteration += 1

            // Far from the optimum the elimination's rounding (≤ 1e-11 relative) is far below what the
            // step needs; refinement pays off only once residuals and gap are small.
            if pres > 10 * expectedResidual && pres > settings.refinementTolerance { refineAlways = true }
            let refine = refineAlways || merit <= (warmStart != nil && !cautious ? settings.warmStartRefinementStart : settings.refinementStart)
            // Scaling and factorization.
            let lambda = cones.updateScaling(s: s, z: z)
            guard kkt.factor() else { status = .numericalError("the KKT system lost definiteness"); break }
            if let shadow, !shadow.factor() { self.shadow = nil }

            // Affine (predictor) direction: bs = −λ∘λ, so λ⋄bs = −λ and W(λ⋄bs) = −s.
            let lambdaSq = cones.jordan(lambda, lambda)
            // The predictor only sets σ and the second-order term of the corrector's right-hand side, so
            // its ≤ 1e-5 relative error from the shifted normal matrix costs nothing measurable; only the
            // direction the iterates move along is refined (at (2000, 500) that halves the refinement).
            let affine = solveKKT(bx: rx.scaled(by: -1), by: ry.scaled(by: -1), bz: minus(s, rz), refine: false)
            let dsAffine = minus(s.scaled(by: -1), cones.W2(affine.dz))
            let alphaAffine = min(1, cones.maxStep(s, dsAffine), cones.maxStep(z, affine.dz))

            // Centering (Mehrotra): σ = (gap after the affine step / gap)³.
            let mu = gap / nu
            var sA = s, zA = z
            sA.add(dsAffine, scaledBy: alphaAffine)
            zA.add(affine.dz, scaledBy: alphaAffine)
            let sigma = pow(max(0, min(1, sA.dot(zA) / gap)), 3)

            // Combined direction: bs = −λ∘λ − (W⁻¹Δs_a)∘(WΔz_a) + σμe.
            var bs = minus(lambdaSq.scaled(by: -1), cones.jordan(cones.W(dsAffine, inverse: true), cones.W(affine.dz)))
            cones.addIdentity(sigma * mu, to: &bs)
            let wInvBs = cones.W(cones.inverseProduct(lambda, bs))
            let f = 1 - sigma
            var dir = solveKKT(bx: rx.scaled(by: -f), by: ry.scaled(by: -f), bz: minus(rz.scaled(by: -f), wInvBs), refine: refine)
            var ds = minus(wInvBs, cones.W2(dir.dz))
            guard Self.isFinite(dir) else {
                status = .numericalError("the Newton direction is not finite"); break
            }

            // Step length, lengthened by centrality correctors where they manage to (none is tried
            // when the step could not grow by the tenth of the gain a corrector must bring).
            var alpha = stepLength(s: s, ds: ds, z: z, dz: dir.dz)
            var correctors = 0
            while !cautious && !refine && correctors < settings.centralityCorrectors
                    && alpha + settings.correctorStepGain / 10 <= 1,
                  let corrected = centralityCorrected(dir, ds: ds, alpha: alpha, s: s, z: z, lambda: lambda, target: sigma * mu) {
                (dir, ds, alpha) = corrected
                correctors += 1
            }
            if trace { FileHandle.standardError.write(Data(String(format: "    α_aff %.3f σ %.3g α %.3f correctors %d\n", alphaAffine, sigma, alpha, correctors).utf8)) }
            if alpha < settings.minimumStep { status = .numericalError("the step length vanished"); break }
            expectedResidual = (1 - alpha * f) * pres
            x.add(dir.dx, scaledBy: alpha)
            y.add(dir.dy, scaledBy: alpha)
            if aty != nil, let step = dir.aty { aty!.add(step, scaledBy: alpha) } else { aty = nil }
            s.add(ds, scaledBy: alpha)
            z.add(dir.dz, scaledBy: alpha)
        }
        if paused {
            return Outcome(status: .maxIterations, x: x, y: y, s: s, z: z, iterations: iteration,
                           primalObjective: pobj, dualObjective: dobj, paused: true)
        }
        if status != .optimal, case .primalInfeasible = status {} else if status != .optimal, let best {
            // Stalled or out of iterations: keep the best iterate, and report it almost optimal when it
            // meets the reduced tolerances, loosened for approx forms as their stop is
            // (`approxToleranceFactor`): their large noisy programs lose the path at 1.5–5e-7 about one
            // time in five, and a rerun from the start doubled those solves to end, mostly,
            // `almostOptimal` again.
            x = best.x; y = best.y; s = best.s; z = best.z; pobj = best.pobj; dobj = best.dobj
            if best.merit <= loosen * settings.reducedTolerance { status = .almostOptimal }
        }
        return Outcome(status: status, x: x, y: y, s: s, z: z, iterations: iteration, primalObjective: pobj, dualObjective: dobj)
    }
}
