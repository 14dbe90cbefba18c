import Foundation
import LinearAlgebra

/// Relax, then verify, for the normalization approx program (science §4; proofs in the Solver
/// README, "Relax, then verify"):
///
///     approx:     min ‖Σ_i U_i(w_i − v_i) − y‖² + β Σ_i c_i(‖w_i‖ + ‖v_i‖),  w_i ∈ C_i, v_i ∈ C_i,
///     cone-free:  min ‖Σ_i U_i u_i − y‖² + β Σ_i c_i‖u_i‖,
///
/// C_i = {w : (2D_i − I) X V_iΣ_i⁻¹ w ≥ 0}. Every approx point gives the cone-free point
/// u_i = w_i − v_i with an objective no larger (‖w_i − v_i‖ ≤ ‖w_i‖ + ‖v_i‖), so the approx optimum
/// is at least the cone-free one; when every u_i of a cone-free minimizer lies in C_i or in −C_i,
/// putting it into w_i (or −u_i into v_i) is approx-feasible with the same objective, hence optimal.
///
/// When some block misses both cones, the approx program is solved on a working set S only: the
/// patterns the cone-free minimizer uses or nearly uses. Its minimizer, with zeros elsewhere, is
/// optimal for the whole program when the multiplier λ of that solve meets ‖U_jᵀλ‖ ≤ c_j for every
/// j outside S (then μ_j = 0 completes the KKT conditions); otherwise the offenders join S and the
/// restricted program is solved again, a few times at most.
///
/// The cone-free program has half the blocks and no sign rows: its Newton systems are those of the
/// relaxed program (NormalizedProjectorSum) instead of 2p eliminations of (r+1)² blocks with n sign
/// rows each. The shortcut needs an `optimal` cone-free run, the working set only one that ended
/// `optimal` or `almostOptimal` (it only picks the set). Nil when that fails or the set stays large;
/// the caller then solves the approx program itself.
func solveConeFreeThenVerify(_ program: ConvexProgram, factors: [PatternFactor], settings: SolverSettings,
                             start: UInt64) -> SolverResult? {
    let n = program.n, p = program.p
    // Not on a working set (claim 6): this group lasso, with β = 1e-6, stalls at `almostOptimal` on a
    // dozen patterns (measured at (200, 50) and (400, 100)), where on all of them it converges.
    let coneFree = solveConic(program, factors: factors, settings: settings, start: start, signConstraints: false)
    let trace = ProcessInfo.processInfo.environment["NEUREC_SOLVER_TRACE"] != nil
    guard coneFree.status == .optimal || coneFree.status == .almostOptimal, coneFree.w.count == p, coneFree.lambda != nil else {
        if trace { FileHandle.standardError.write(Data("cone-free first: \(coneFree.status.name), solving the approx program\n".utf8)) }
        return nil
    }
    // (2D_i − I) X M_i u_i for every pattern, from one n×d×p product of the neurons M_i u_i.
    let neurons = factors.indices.flatMap { factors[$0].basisTimes(coneFree.w[$0]) }
    let values = product(program.X, Matrix(rows: program.d, columns: p, columnMajor: neurons))
    // The sign rows' violation the full iteration itself accepts (its stop on rz, unit scale).
    let tolerance = settings.approxToleranceFactor * settings.feasibilityTolerance
    let violations = signViolations(of: values, patterns: program.patterns) { $0 }
    let negated = violations.map { $0.worstAbove < $0.worstBelow }
    var worst = 0.0, worstPattern = -1
    for (i, violation) in violations.enumerated() where factors[i].rank > 0 && min(violation.worstBelow, violation.worstAbove) > worst {
        worst = min(violation.worstBelow, violation.worstAbove)
        worstPattern = i
    }
    guard worst <= tolerance && coneFree.status == .optimal else {
        if var restricted = solveOnWorkingSet(program, factors: factors, settings: settings, coneFree: coneFree) {
            restricted.normalMatrixSeconds += coneFree.normalMatrixSeconds
            restricted.normalMatrixFlops += coneFree.normalMatrixFlops
            restricted.route = .workingSet
            return restricted
        }
        if trace && worstPattern >= 0 {
            let blockNorms = coneFree.w.map(\.norm).sorted(by: >).prefix(4)
            FileHandle.standardError.write(Data(String(format: "cone-free first: objective %.10e; pattern %d (‖w‖ %.3e) misses both cones by %.2e (largest blocks: %@), solving the approx program\n",
                                                       coneFree.objective, worstPattern, coneFree.w[worstPattern].norm, worst, blockNorms.map { String(format: "%.3e", $0) }.joined(separator: " ")).utf8))
        }
        return nil
    }
    // The same point in the approx program's layout: u_i into w_i, or −u_i into v_i; the other block
    // and the sign multipliers stay zero (μ = 0: the cone-free dual bound ‖U_iᵀλ‖ ≤ c_i is the
    // approx dual constraint with μ_i = 0).
    if trace { FileHandle.standardError.write(Data(String(format: "cone-free first: verified (worst sign violation %.2e)\n", worst).utf8)) }
    var result = coneFree
    result.w = (0..<p).map { negated[$0] ? [Double](repeating: 0, count: factors[$0].rank) : coneFree.w[$0] }
    result.v = (0..<p).map { negated[$0] ? coneFree.w[$0].scaled(by: -1) : [Double](repeating: 0, count: factors[$0].rank) }
    let zero = factors.map { $0.rank > 0 ? [Double](repeating: 0, count: n) : [] }
    result.signMultipliers = zero + zero
    result.primalResidual = max(coneFree.primalResidual, worst)
    result.patternFactors = factors
    return result
}

/// The approx program on the patterns the cone-free minimizer `coneFree` uses (‖u_j‖ above 1e-4 of
/// the largest block) or nearly uses (‖U_jᵀλ‖ ≥ 0.99 c_j), grown until every other pattern meets its
/// dual constraint with μ_j = 0; nil when the first set holds more than a tenth of the patterns, the
/// set grows past a quarter, or a solve fails.
private func solveOnWorkingSet(_ program: ConvexProgram, factors: [PatternFactor], settings: SolverSettings,
                               coneFree: SolverResult) -> SolverResult? {
    let trace = ProcessInfo.processInfo.environment["NEUREC_SOLVER_TRACE"] != nil
    let weight = program.patternWeight
    guard let coneFreeLambda = coneFree.lambda else { return nil }
    let blockNorms = coneFree.w.map(\.norm)
    let largest = blockNorms.max() ?? 0
    let freeNorms = dualNorms(of: coneFreeLambda, program: program, factors: factors)
    var inSet = [Bool](repeating: false, count: program.p)
    for i in 0..<program.p where factors[i].rank > 0 {
        if blockNorms[i] > 1e-4 * largest || freeNorms[i] >= 0.99 * weight(i) { inSet[i] = true }
    }
    var sub = settings
    sub.relaxThenVerify = false
    // A guess of the set: its restricted solves run to the end rather than shrink further.
    sub.shrinkingWorkingSet = false
    for round in 0..<4 {
        let members = (0..<program.p).filter { inSet[$0] }
        guard 4 * members.count <= program.p else { return nil }
        // A first set above a tenth of the patterns is the spread of noisy labels' minimizer. There the
        // set failed in every case measured (13–90 patterns at (60, 30) to (400, 100), σ = 0.05, each
        // leaving 48–216 dual constraints violated), at a sixth of the whole solve, which follows anyway
        // and shrinks to the minimizer's patterns by itself (ShrinkingWorkingSet.swift).
        guard round > 0 || 10 * members.count <= program.p else { return nil }
        let r = solveEquilibrated(program.restricted(to: members), settings: sub, start: DispatchTime.now().uptimeNanoseconds)
        guard r.status == .optimal, let lambda = r.lambda else { return nil }
        // The solver's λ is the negated internal dual; the constraint is symmetric in its sign.
        let norms = dualNorms(of: lambda, program: program, factors: factors)
        var offenders = 0
        for i in 0..<program.p where !inSet[i] && factors[i].rank > 0 {
            if norms[i] > weight(i) * (1 + settings.reducedTolerance) { inSet[i] = true; offenders += 1 }
        }
        if trace {
            FileHandle.standardError.write(Data("cone-free first: working set of \(members.count) patterns, round \(round): \(r.iterations) iterations, \(offenders) dual constraints violated outside\n".utf8))
        }
        if offenders > 0 { continue }
        // Back to the whole program's layout: zeros outside the working set.
        var w = factors.map { [Double](repeating: 0, count: $0.rank) }, v = w
        var multipliers = factors.map { $0.rank > 0 ? [Double](repeating: 0, count: program.n) : [] }
        multipliers += multipliers
        for (k, i) in members.enumerated() {
            w[i] = r.w[k]; v[i] = r.v?[k] ?? v[i]
            if let m = r.signMultipliers {
                multipliers[i] = m[k]; multipliers[program.p + i] = m[members.count + k]
            }
        }
        var result = SolverResult(status: r.status, objective: r.objective, primalResidual: r.primalResidual,
                                  dualityGap: r.dualityGap, iterations: coneFree.iterations + r.iterations,
                                  w: w, v: v, lambda: lambda, signMultipliers: multipliers)
        result.normalMatrixSeconds = r.normalMatrixSeconds
        result.normalMatrixFlops = r.normalMatrixFlops
        return result
    }
    return nil
}
