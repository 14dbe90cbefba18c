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
func solveConeFreeThenVerify(_ program: ConvexProgram, factors: [PatternFactor], settings: SolverSettings) -> SolverResult? {
    let free = ConicForm(program: program, factors: factors, signConstraints: false)
    guard free.blockCount > 0 else { return nil }
    let freeCones = free.makeCones()
    let kkt = StructuredNormalEquations(form: free, cones: freeCones, settings: settings)
    let outcome = InteriorPoint(form: free, cones: freeCones, kkt: kkt, settings: settings).run()
    let trace = ProcessInfo.processInfo.environment["NEUREC_SOLVER_TRACE"] != nil
    guard outcome.status == .optimal || outcome.status == .almostOptimal else {
        if trace { FileHandle.standardError.write(Data("cone-free first: \(outcome.status.name), solving the approx program\n".utf8)) }
        return nil
    }
    // (2D_i − I) X M_i u_i for every block, from one n×d×B product.
    let values = product(free.X, free.neurons(outcome.x))
    // The sign rows' violation the full iteration itself accepts (its stop on rz, unit scale).
    let tolerance = settings.approxToleranceFactor * settings.feasibilityTolerance
    let violations = signViolations(of: values, patterns: program.patterns) { free.patternIndex[$0] }
    let negated = violations.map { $0.worstAbove < $0.worstBelow }
    var worst = 0.0, worstBlock = -1
    for (j, violation) in violations.enumerated() where min(violation.worstBelow, violation.worstAbove) > worst {
        worst = min(violation.worstBelow, violation.worstAbove)
        worstBlock = j
    }
    guard worst <= tolerance && outcome.status == .optimal else {
        if var restricted = solveOnWorkingSet(program, factors: factors, settings: settings, free: free, coneFree: outcome) {
            restricted.normalMatrixSeconds += kkt.formationSeconds
            restricted.normalMatrixFlops += kkt.formationFlops
            restricted.route = .workingSet
            return restricted
        }
        if trace && worstBlock >= 0 {
            let w = Array(outcome.x[(free.xOffset[worstBlock] + 1)...(free.xOffset[worstBlock] + free.ranks[worstBlock])])
            let blockNorms = (0..<free.blockCount).map { outcome.x[free.xOffset[$0]] }.sorted(by: >).prefix(4)
            FileHandle.standardError.write(Data(String(format: "cone-free first: objective %.10e; block %d (pattern %d, ‖w‖ %.3e) misses both cones by %.2e (largest t: %@), solving the approx program\n",
                                                       outcome.primalObjective, worstBlock, free.patternIndex[worstBlock], w.norm, worst, blockNorms.map { String(format: "%.3e", $0) }.joined(separator: " ")).utf8))
        }
        return nil
    }
    // The same point in the approx program's layout: u_i into w_i, or −u_i into v_i; the other block,
    // its slacks and multipliers stay zero (μ = 0: the cone-free dual bound ‖U_iᵀλ‖ ≤ 1 is the
    // approx dual constraint with μ_i = 0).
    let full = ConicForm(program: program, factors: factors)
    var x = [Double](repeating: 0, count: full.xCount)
    var s = [Double](repeating: 0, count: full.m), z = s
    var wBlock = [Int](repeating: -1, count: program.p), vBlock = wBlock
    for (j, role) in full.roles.enumerated() {
        switch role {
        case .w(let i): wBlock[i] = j
        case .v(let i): vBlock[i] = j
        case .skip: break
        }
    }
    for j in 0..<free.blockCount {
        let i = free.patternIndex[j], size = free.ranks[j] + 1
        let to = negated[j] ? vBlock[i] : wBlock[i], from = free.xOffset[j], into = full.xOffset[to]
        x[into] = outcome.x[from]
        for a in 1..<size { x[into + a] = negated[j] ? -outcome.x[from + a] : outcome.x[from + a] }
        for a in 0..<size { s[into + a] = outcome.s[from + a]; z[into + a] = outcome.z[from + a] }
    }
    for a in 0..<free.n { x[full.rOffset + a] = outcome.x[free.rOffset + a] }
    let mapped = InteriorPoint.Outcome(status: outcome.status, x: x, y: outcome.y, s: s, z: z, iterations: outcome.iterations,
                                       primalObjective: outcome.primalObjective, dualObjective: outcome.dualObjective)
    if trace { FileHandle.standardError.write(Data(String(format: "cone-free first: verified (worst sign violation %.2e)\n", worst).utf8)) }
    var result = extract(mapped, form: full, program: program, factors: factors)
    result.normalMatrixSeconds = kkt.formationSeconds
    result.normalMatrixFlops = kkt.formationFlops
    return result
}

/// The approx program on the patterns the cone-free minimizer `coneFree` uses (t_j above 1e-4 of
/// the largest) or nearly uses (‖U_jᵀλ‖ ≥ 0.99 c_j), grown until every other pattern meets its dual
/// constraint with μ_j = 0; nil when the set grows past a quarter of the patterns or a solve fails.
private func solveOnWorkingSet(_ program: ConvexProgram, factors: [PatternFactor], settings: SolverSettings,
                               free: ConicForm, coneFree: InteriorPoint.Outcome) -> SolverResult? {
    let trace = ProcessInfo.processInfo.environment["NEUREC_SOLVER_TRACE"] != nil
    let weight = program.patternWeight
    // ‖U_jᵀλ‖ of every block of the cone-free form, from one adjoint product.
    func dualNorms(_ lambda: [Double]) -> [Double] {
        var back = [Double](repeating: 0, count: free.xCount)
        free.addAdjoint(lambda, nil, into: &back)
        return (0..<free.blockCount).map { j in
            var sum = 0.0
            for a in 1...free.ranks[j] { sum += back[free.xOffset[j] + a] * back[free.xOffset[j] + a] }
            return sum.squareRoot()
        }
    }
    let largest = (0..<free.blockCount).map { coneFree.x[free.xOffset[$0]] }.max() ?? 0
    let freeNorms = dualNorms(coneFree.y)
    var inSet = [Bool](repeating: false, count: program.p)
    for j in 0..<free.blockCount {
        let i = free.patternIndex[j]
        if coneFree.x[free.xOffset[j]] > 1e-4 * largest || freeNorms[j] >= 0.99 * weight(i) { inSet[i] = true }
    }
    var sub = settings
    sub.relaxThenVerify = false
    for round in 0..<4 {
        let members = (0..<program.p).filter { inSet[$0] }
        guard 4 * members.count <= program.p else { return nil }
        let r = solveEquilibrated(program.restricted(to: members), settings: sub, start: DispatchTime.now().uptimeNanoseconds)
        guard r.status == .optimal, let lambda = r.lambda else { return nil }
        // The solver's λ is the negated internal dual; the constraint is symmetric in its sign.
        let norms = dualNorms(lambda)
        var offenders = 0
        for j in 0..<free.blockCount where !inSet[free.patternIndex[j]] {
            if norms[j] > weight(free.patternIndex[j]) * (1 + settings.reducedTolerance) { inSet[free.patternIndex[j]] = true; offenders += 1 }
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
