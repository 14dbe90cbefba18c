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
/// When some block misses both cones, the answer is a seed instead: the patterns the cone-free
/// minimizer uses or nearly uses and those its neurons would realize (`workingSetGuess`). The caller
/// solves the approx program on them and certifies the other blocks with sign multipliers
/// (`solveOnSeed`, claim 7; Solver README, claim 2 of this section), growing the set by the patterns a
/// certificate fails on, and solves the whole program when the guess is far off.
///
/// The cone-free program has half the blocks and no sign rows: its Newton systems are those of the
/// relaxed program (NormalizedProjectorSum) instead of 2p eliminations of (r+1)² blocks with n sign
/// rows each. The shortcut needs an `optimal` cone-free run, the seed only one that ended `optimal`
/// or `almostOptimal` (it only picks the set).
func solveConeFreeThenVerify(_ program: ConvexProgram, factors: [PatternFactor], settings: SolverSettings,
                             start: UInt64) -> ConeFreeFirst {
    let n = program.n, p = program.p
    // Not on a working set (claim 6): this group lasso, with β = 1e-6, stalls at `almostOptimal` on a
    // dozen patterns (measured at (200, 50) and (400, 100)), where on all of them it converges.
    let coneFree = solveConic(program, factors: factors, settings: settings, start: start, signConstraints: false)
    let trace = ProcessInfo.processInfo.environment["NEUREC_SOLVER_TRACE"] != nil
    guard coneFree.status == .optimal || coneFree.status == .almostOptimal, coneFree.w.count == p, coneFree.lambda != nil else {
        if trace { FileHandle.standardError.write(Data("cone-free first: \(coneFree.status.name), solving the approx program\n".utf8)) }
        return .unverified(seed: nil)
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
        if trace && worstPattern >= 0 {
            let blockNorms = coneFree.w.map(\.norm).sorted(by: >).prefix(4)
            FileHandle.standardError.write(Data(String(format: "cone-free first: objective %.10e; pattern %d (‖w‖ %.3e) misses both cones by %.2e (largest blocks: %@)\n",
                                                       coneFree.objective, worstPattern, coneFree.w[worstPattern].norm, worst, blockNorms.map { String(format: "%.3e", $0) }.joined(separator: " ")).utf8))
        }
        return .unverified(seed: workingSetGuess(program, factors: factors, coneFree: coneFree, neuronOutputs: values))
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
    return .verified(result)
}

/// What the cone-free program says of the approx program: its minimizer split into the cones (the
/// approx optimum), or the patterns to seed the approx solve with (nil: none worth trying).
enum ConeFreeFirst {
    case verified(SolverResult)
    case unverified(seed: [Int]?)
}

/// The patterns the cone-free minimizer `coneFree` uses (‖u_j‖ above 1e-4 of the largest block) or
/// nearly uses (‖U_jᵀλ‖ ≥ 0.99 c_j), and for each block it uses, the pattern nearest (in Hamming
/// distance) to the one its neuron X M_j u_j realizes, and to the negated neuron's: a block that
/// misses its cone is a neuron whose cone-feasible home is another pattern. The seed of the approx
/// solve (`solveOnSeed`), whose certificate grows it by the patterns it fails on; nil when empty or
/// above a quarter of the patterns.
/// `neuronOutputs`: X M_j u_j for every pattern j, n×p.
private func workingSetGuess(_ program: ConvexProgram, factors: [PatternFactor], coneFree: SolverResult,
                             neuronOutputs: Matrix<Double>) -> [Int]? {
    let weight = program.patternWeight
    guard let coneFreeLambda = coneFree.lambda else { return nil }
    let blockNorms = coneFree.w.map(\.norm)
    let largest = blockNorms.max() ?? 0
    let freeNorms = dualNorms(of: coneFreeLambda, program: program, factors: factors)
    var members = Set<Int>()
    let patternSizes = program.patterns.times([Double](repeating: 1, count: program.n), .transpose)
    let candidates = (0..<program.p).filter { factors[$0].rank > 0 }
    for i in candidates {
        if freeNorms[i] >= 0.99 * weight(i) { members.insert(i) }
        guard blockNorms[i] > 1e-4 * largest else { continue }
        members.insert(i)
        // |s − D_j|₁ = |s| + |D_j| − 2 sᵀD_j for the neuron's sign pattern s; the negated neuron's
        // pattern 1 − s is nearest to the D_j farthest from s.
        let realized = neuronOutputs.column(i).map { $0 > 0 ? 1.0 : 0.0 }
        let overlaps = program.patterns.times(realized, .transpose)
        let size = realized.reduce(0, +)
        let distances = overlaps.indices.map { size + patternSizes[$0] - 2 * overlaps[$0] }
        if let nearest = candidates.min(by: { distances[$0] < distances[$1] }) { members.insert(nearest) }
        if let farthest = candidates.max(by: { distances[$0] < distances[$1] }) { members.insert(farthest) }
    }
    // Above a quarter of the patterns the guess is a noisy minimizer's spread (108 of 402 at (400, 100),
    // σ = 0.05; noiseless guesses held up to a fifth), whose first round fails and costs a sixth of the
    // whole program that follows.
    return members.isEmpty || 4 * members.count > program.p ? nil : members.sorted()
}
