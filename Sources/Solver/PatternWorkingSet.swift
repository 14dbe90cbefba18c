import Foundation
import LinearAlgebra

/// The exact (approx) program of a skip or plain network solved on a working set S of patterns,
/// between a failed split of the cone-free minimizer `relaxed` and the direct solve (Solver README
/// "Relax, then verify", claim 5; science §4). Every pattern outside S keeps w_j = v_j = 0.
///
/// S starts as the patterns whose cone-free blocks are large (‖u_j‖ above 0.1 of the largest block,
/// w₀ included; w₀ itself is always kept). The restricted minimizer, padded with zeros, is the whole
/// program's when every j outside S has multipliers μ, μ′ ≥ 0 with ‖A_jᵀλ + S_jᵀμ‖ ≤ c_j and
/// ‖−A_jᵀλ + S_jᵀμ′‖ ≤ c_j, λ the restricted solve's. Zero μ rarely does: on the fallback instances
/// of fig4b most unused patterns have ‖A_jᵀλ‖ > 1 (up to 1.45), while the smallest norms over μ ≥ 0
/// stay below 0.9 (README). So μ is searched for (`coneDualMultipliers`); patterns it cannot certify
/// join S and the restricted program is solved again. Nil (→ the direct solve) when S would pass half
/// the patterns or the rounds together more than all of them, after four rounds, or when a restricted
/// solve is not `optimal` (an exact program on S can be infeasible: y out of reach of S's blocks
/// within their cones).
func solveOnPatternWorkingSet(_ program: ConvexProgram, relaxed: SolverResult, settings: SolverSettings,
                              start: UInt64) -> SolverResult? {
    let n = program.n, d = program.d, p = program.p
    guard relaxed.status.hasMinimizer, relaxed.w.count == p else { return nil }
    let trace = ProcessInfo.processInfo.environment["NEUREC_SOLVER_TRACE"] != nil

    // The cone-free minimizer's large blocks. Its small ones (down to 1e-4 of the largest) and the
    // patterns its λ nearly uses (‖A_jᵀλ‖ ≥ 0.99 c_j) would be about n/3 patterns below n = 3d, where
    // the exact minimizer is mostly w₀ alone; the dual check adds what is really needed (README).
    var inSet = [Bool](repeating: false, count: p)
    let blockNorms = relaxed.w.map(\.norm)
    let largest = max(blockNorms.max() ?? 0, relaxed.w0?.norm ?? 0)
    for i in 0..<p where blockNorms[i] > 0.1 * largest { inSet[i] = true }
    if !inSet.contains(true), let top = blockNorms.indices.max(by: { blockNorms[$0] < blockNorms[$1] }) { inSet[top] = true }

    var iterations = relaxed.iterations, patternsSolved = 0
    // A guess of the set: its restricted solves run to the end rather than shrink further.
    var restrictedSettings = settings
    restrictedSettings.shrinkingWorkingSet = false
    var normalSeconds = relaxed.normalMatrixSeconds, normalFlops = relaxed.normalMatrixFlops
    for round in 0..<4 {
        let members = (0..<p).filter { inSet[$0] }
        patternsSolved += members.count
        // Restricted solves cost about their share of the patterns: together at most one direct solve.
        guard 2 * members.count <= p, patternsSolved <= p else {
            if trace { FileHandle.standardError.write(Data("working set of \(members.count) of \(p) patterns, round \(round): too large, solving the program itself\n".utf8)) }
            return nil
        }
        let r = solveConic(program.restricted(to: members), settings: restrictedSettings, start: start)
        iterations += r.iterations
        normalSeconds += r.normalMatrixSeconds
        normalFlops += r.normalMatrixFlops
        // A stalled restricted solve (`almostOptimal`) goes to the direct solve too, which may reach
        // the full tolerance (approx fixtures do): the working set never makes a status worse.
        guard r.status == .optimal, let lambda = r.lambda, let restrictedMultipliers = r.signMultipliers else {
            if trace { FileHandle.standardError.write(Data("working set of \(members.count) patterns, round \(round): \(r.status.name), solving the program itself\n".utf8)) }
            return nil
        }
        let outside = (0..<p).filter { !inSet[$0] }
        // Offenders beyond this many would take S past its cap: the direct solve follows anyway.
        let room = min(p / 2 - members.count, p - patternsSolved - members.count)
        let certificate = coneDualMultipliers(lambda: lambda, program: program, patterns: outside, settings: settings,
                                              hopelessAbove: max(0, room))
        if trace && certificate.abandoned {
            FileHandle.standardError.write(Data("working set of \(members.count) patterns, round \(round): more than \(room) patterns uncertified after \(certificate.projectionSteps) projection steps, solving the program itself\n".utf8))
        }
        guard !certificate.abandoned else { return nil }
        let offenders = outside.indices.filter { !certificate.holds[$0] }
        if trace {
            FileHandle.standardError.write(Data("working set of \(members.count) patterns, round \(round): \(r.iterations) iterations, \(certificate.searched) blocks outside needed μ ≠ 0, \(certificate.projectionSteps) projection steps, \(offenders.count) not certified\n".utf8))
        }
        if !offenders.isEmpty {
            for k in offenders { inSet[outside[k]] = true }
            continue
        }
        // Back to the whole program's layout: zeros outside S, whose μ are the certificate's.
        var w = [[Double]](repeating: [Double](repeating: 0, count: d), count: p), v = w
        for (k, i) in members.enumerated() {
            w[i] = r.w[k]
            v[i] = r.v?[k] ?? v[i]
        }
        let multipliers = wholeProgramSignMultipliers(restricted: restrictedMultipliers, members: members,
                                                      certificate: certificate, outside: outside, n: n, p: p)
        var result = SolverResult(status: r.status, objective: r.objective, primalResidual: r.primalResidual,
                                  dualityGap: r.dualityGap, iterations: iterations, w0: r.w0, w: w, v: v,
                                  lambda: lambda, signMultipliers: multipliers)
        result.normalMatrixSeconds = normalSeconds
        result.normalMatrixFlops = normalFlops
        return result
    }
    return nil
}

/// Sign multipliers in the whole program's layout (2p vectors of n: the w blocks', then the v
/// blocks') from a solve restricted to `members` (its own layout: 2·|members| vectors) and a
/// certificate for the patterns `outside` (in that order).
func wholeProgramSignMultipliers(restricted: [[Double]], members: [Int], certificate: ConeDualCertificate,
                                 outside: [Int], n: Int, p: Int) -> [[Double]] {
    var multipliers = [[Double]](repeating: [Double](repeating: 0, count: n), count: 2 * p)
    for (k, i) in members.enumerated() {
        multipliers[i] = restricted[k]
        multipliers[p + i] = restricted[members.count + k]
    }
    for (k, i) in outside.enumerated() {
        multipliers[i] = certificate.multipliers[k].plus
        multipliers[p + i] = certificate.multipliers[k].minus
    }
    return multipliers
}

/// Xᵀ D_j λ = A_jᵀλ for the listed patterns j, as the columns of a d × (count) matrix: one product.
func patternImages(of lambda: [Double], program: ConvexProgram, patterns: [Int]) -> Matrix<Double> {
    let n = program.n
    var masked = [Double](repeating: 0, count: n * patterns.count)
    program.patterns.storage.withUnsafeBufferPointer { dp in
        lambda.withUnsafeBufferPointer { l in
            masked.withUnsafeMutableBufferPointer { m in
                // A select rather than a branch per row, so that the loop vectorizes (it was 4–6 % of a
                // relaxed solve at (400, 100)); the values are the same.
                for (k, j) in patterns.enumerated() {
                    let column = dp.baseAddress! + j * n, out = m.baseAddress! + k * n
                    for row in 0..<n { out[row] = column[row] != 0 ? l[row] : 0 }
                }
            }
        }
    }
    return product(program.X, Matrix(rows: n, columns: patterns.count, columnMajor: masked), transA: .transpose)
}

/// The dual constraints of the blocks w_j, v_j of patterns outside a working set, for the
/// multiplier λ: per pattern, whether μ, μ′ ≥ 0 were found with ‖A_jᵀλ + S_jᵀμ‖ ≤ c_j and
/// ‖−A_jᵀλ + S_jᵀμ′‖ ≤ c_j (up to the relative `reducedTolerance` slack of λ's own accuracy), and those μ.
struct ConeDualCertificate {
    var holds: [Bool]
    var multipliers: [(plus: [Double], minus: [Double])]
    /// The least ‖±A_jᵀλ + S_jᵀμ‖ found for each listed pattern, the larger of its two blocks
    /// (‖A_jᵀλ‖ where μ = 0 was enough).
    var norms: [Double]
    /// Blocks for which μ = 0 was not enough, and the projected-gradient steps spent on them.
    var searched = 0, projectionSteps = 0
    /// The search stopped early: more patterns were still uncertified than the caller could take.
    var abandoned = false
}

/// Projected-gradient steps after which a search with more uncertified patterns than the caller can
/// take (`hopelessAbove`) stops: blocks that get certified at all mostly do within a few steps (2–6 on
/// fig4b's fallbacks), while with noisy labels nearly every pattern stays uncertified for all 400,
/// about a second of a (400, 100) solve that then goes direct anyway.
let hopelessCheckSteps = 40

/// How far below its weight a block's dual norm is pushed before the search for its μ stops: the
/// certificates' uniqueness margin (1e-5, Experiments/Certificates.swift) then reads the same verdict
/// as from a direct solve's multipliers, which leave unused blocks strictly inside.
let coneDualSlack = 1e-3

/// ‖A_jᵀλ + S_jᵀμ‖ minimized over μ ≥ 0 is ‖Π_{C_j}(A_jᵀλ)‖, the projection onto the cone
/// C_j = {w : S_j w ≥ 0}, S_j = (2D_j − I)X (Moreau: the polar cone is {−S_jᵀμ : μ ≥ 0}). Any μ ≥ 0
/// bounds it from above, so the certificate needs no exact projection: accelerated projected gradient
/// (FISTA with function-value restarts) on ½‖a + Xᵀ(s ∘ μ)‖², s = 2D_j − 1, whose gradient
/// s ∘ X(a + Xᵀ(s ∘ μ)) is Lipschitz with constant ‖X‖₂², runs on all blocks at once (two n×d×q
/// products per step) until each block's norm is `coneDualSlack` below its weight, or 400 steps.
///
/// Normalized programs (`factors`: every pattern's, of which the listed ones' M_j are formed) have A_j = D_j X M_j and S_j = (2D_j − I)X M_j:
/// the same search with the norm ‖M_jᵀ R‖ of the d-vector R = a + Xᵀ(s ∘ μ), the gradient
/// s ∘ X M_j M_jᵀ R, and the constant ‖X M_j‖₂² of each pattern (`squaredNorms`).
///
/// `start` (per listed pattern, μ and μ′ to start from, e.g. the multipliers an iteration had for
/// them) replaces μ = 0 as the first point of the search.
func coneDualMultipliers(lambda: [Double], program: ConvexProgram, patterns: [Int], factors: [PatternFactor]? = nil,
                         start: [(plus: [Double], minus: [Double])]? = nil,
                         settings: SolverSettings, hopelessAbove: Int = .max, maxSteps: Int = 400) -> ConeDualCertificate {
    let zero = [Double](repeating: 0, count: program.n)
    guard !patterns.isEmpty else { return ConeDualCertificate(holds: [], multipliers: [], norms: []) }
    let images = patternImages(of: lambda, program: program, patterns: patterns)
    let metric = factors.map { f in patterns.map { f[$0].basis } }
    let unsearchedNorms = patterns.indices.map { metricNorm(images.column($0), metric?[$0]) }
    var certificate = ConeDualCertificate(holds: [Bool](repeating: true, count: patterns.count),
                                          multipliers: [(plus: [Double], minus: [Double])](repeating: (zero, zero), count: patterns.count),
                                          norms: unsearchedNorms)
    // One column per block that μ = 0 does not settle: (index into `patterns`, sign of A_jᵀλ).
    var blocks: [(k: Int, sign: Double)] = []
    for k in patterns.indices where unsearchedNorms[k] > program.patternWeight(patterns[k]) * (1 - coneDualSlack) {
        blocks += [(k, 1), (k, -1)]
    }
    certificate.searched = blocks.count
    guard !blocks.isEmpty else { return certificate }
    let lipschitz: [Double]
    if let metric {
        let searched = Array(Set(blocks.map(\.k))).sorted()
        let estimates = squaredNorms(of: program.X, times: searched.map { metric[$0] })
        var byPattern = [Double](repeating: 0, count: patterns.count)
        for (k, value) in zip(searched, estimates) { byPattern[k] = value }
        lipschitz = blocks.map { byPattern[$0.k] }
    } else if let largest = (try? program.X.gram(.transpose).symmetricEigen())?.values.last {
        lipschitz = blocks.map { _ in largest }
    } else {
        lipschitz = []
    }
    guard lipschitz.count == blocks.count, lipschitz.allSatisfy({ $0 > 0 && $0.isFinite }) else {
        for block in blocks { certificate.holds[block.k] = false }
        return certificate
    }
    let goals = blocks.map { program.patternWeight(patterns[$0.k]) * (1 - coneDualSlack) }
    let limits = blocks.map { program.patternWeight(patterns[$0.k]) * (1 + settings.reducedTolerance) }
    var search = ProjectedGradientSearch(program: program, images: images, blocks: blocks, patterns: patterns,
                                         metric: metric, steps: lipschitz.map { 1 / $0 },
                                         start: start.map { s in blocks.map { $0.sign > 0 ? s[$0.k].plus : s[$0.k].minus } })
    let outcome = search.run(goals: goals, limits: limits, maxSteps: maxSteps, hopelessAbove: hopelessAbove)
    certificate.projectionSteps = outcome.steps
    certificate.abandoned = outcome.abandoned
    for k in Set(blocks.map(\.k)) { certificate.norms[k] = 0 }
    for (b, block) in blocks.enumerated() {
        certificate.norms[block.k] = max(certificate.norms[block.k], outcome.norms[b])
        if outcome.norms[b] > limits[b] { certificate.holds[block.k] = false }
        if block.sign > 0 { certificate.multipliers[block.k].plus = outcome.multipliers[b] } else { certificate.multipliers[block.k].minus = outcome.multipliers[b] }
    }
    return certificate
}

/// ‖M r‖ for normalized blocks (M = M_jᵀ, given as M_j), ‖r‖ otherwise.
private func metricNorm(_ r: [Double], _ basis: Matrix<Double>?) -> Double {
    guard let basis else { return r.norm }
    return basis.times(r, .transpose).norm
}

/// ‖X M_j‖₂² for each M_j, by 30 steps of the power method on M_jᵀXᵀX M_j, all patterns at once
/// (one n×d×q product each way per step), raised by a quarter: the method approaches it from below,
/// and a step too long for the search's constant could make it diverge.
private func squaredNorms(of X: Matrix<Double>, times bases: [Matrix<Double>]) -> [Double] {
    let d = X.columns, q = bases.count
    var vectors = bases.map { b in [Double](repeating: 1 / Double(b.columns).squareRoot(), count: b.columns) }
    var values = [Double](repeating: 0, count: q)
    for _ in 0..<30 {
        let neurons = Matrix(rows: d, columns: q, columnMajor: bases.indices.flatMap { bases[$0].times(vectors[$0]) })
        let back = product(X, product(X, neurons), transA: .transpose)
        for k in 0..<q {
            let next = bases[k].times(back.column(k), .transpose)
            values[k] = next.norm
            vectors[k] = values[k] > 0 ? next.scaled(by: 1 / values[k]) : next
        }
    }
    return values.map { 1.25 * $0 }
}

/// FISTA on min_{μ ≥ 0} ½‖a_b + Xᵀ(s_b ∘ μ)‖² for a batch of blocks b, each with its own a_b (σ A_jᵀλ)
/// and sign vector s_b = 2D_j − 1 (in the metric M_jM_jᵀ for normalized blocks). The residual
/// R = a + Xᵀ(s ∘ μ) is affine in μ, so the extrapolated point's residual is the same combination of
/// the last two: one product X·R for the gradient and one Xᵀ(s ∘ μ) for the new residual per step.
/// Blocks that reach their goal leave the batch.
private struct ProjectedGradientSearch {
    let X: Matrix<Double>
    let patternMatrix: Matrix<Double>
    /// The program's `signRowMask`: μ stays zero on the rows a pattern's cone leaves out.
    let keptRowMask: Matrix<Double>?
    /// Per block: its pattern (column of `patternMatrix`), its a_b, M_j (normalized) and step.
    let patternOf: [Int]
    let targets: [[Double]]
    let metric: [Matrix<Double>?]
    let steps: [Double]
    /// Each block's first μ (nil: 0).
    let start: [[Double]]?

    init(program: ConvexProgram, images: Matrix<Double>, blocks: [(k: Int, sign: Double)], patterns: [Int],
         metric: [Matrix<Double>]?, steps: [Double], start: [[Double]]? = nil) {
        X = program.X
        patternMatrix = program.patterns
        keptRowMask = program.signRowMask
        patternOf = blocks.map { patterns[$0.k] }
        targets = blocks.map { images.column($0.k).scaled(by: $0.sign) }
        self.metric = blocks.map { metric?[$0.k] }
        self.steps = steps
        self.start = start
    }

    /// a_b + Xᵀ(s_b ∘ μ_b) for the listed blocks, μ in the same order: one d×n×q product.
    private func residuals(of mu: [[Double]], blocks: [Int]) -> [[Double]] {
        let n = X.rows
        var signed = [Double](repeating: 0, count: n * mu.count)
        patternMatrix.storage.withUnsafeBufferPointer { dp in
            for (k, b) in blocks.enumerated() {
                let base = patternOf[b] * n
                for row in 0..<n { signed[k * n + row] = (2 * dp[base + row] - 1) * mu[k][row] }
            }
        }
        let lifted = product(X, Matrix(rows: n, columns: mu.count, columnMajor: signed), transA: .transpose)
        return blocks.indices.map { targets[blocks[$0]].adding(lifted.column($0)) }
    }

    /// X·R (R of d rows) or Xᵀ·R (R of n rows) for the first q columns of R, stored column after column,
    /// into the first q columns of `output`: the state matrices keep their capacity as blocks leave.
    private func multiplyX(transposed: Bool, _ input: [Double], columns q: Int, into output: inout [Double]) {
        let n = X.rows, d = X.columns
        let (inner, outer) = transposed ? (n, d) : (d, n)
        X.storage.withUnsafeBufferPointer { x in
            input.withUnsafeBufferPointer { r in
                output.withUnsafeMutableBufferPointer { o in
                    Double.gemm(transposed, false, outer, q, inner, 1, x.baseAddress!, max(n, 1), r.baseAddress!, max(inner, 1),
                                0, o.baseAddress!, max(outer, 1))
                }
            }
        }
    }

    struct Outcome { var multipliers: [[Double]]; var norms: [Double]; var steps: Int; var abandoned = false }

    /// Stops early (`abandoned`) when, after `hopelessCheckSteps`, more than `hopelessAbove`
    /// patterns still have a block whose best norm is above its limit (not certified so far).
    mutating func run(goals: [Double], limits: [Double], maxSteps: Int, hopelessAbove: Int = .max) -> Outcome {
        let n = X.rows, d = X.columns
        let first = start ?? [[Double]](repeating: [Double](repeating: 0, count: n), count: targets.count)
        let firstResidual = start == nil ? targets : residuals(of: first, blocks: Array(targets.indices))
        var outcome = Outcome(multipliers: first, norms: targets.indices.map { metricNorm(firstResidual[$0], metric[$0]) }, steps: 0)
        // The blocks still searching, block active[k] in column k of each state matrix (n rows for the μ,
        // d for the residuals), stored contiguously so that a step is two products and no allocation.
        var active = (0..<targets.count).filter { outcome.norms[$0] > goals[$0] }
        var mu = active.flatMap { first[$0] }
        var residual = active.flatMap { firstResidual[$0] }
        // ‖residual‖ in each block's metric: the objective the momentum restart compares against.
        var residualNorm = active.map { outcome.norms[$0] }
        var extrapolated = mu, extrapolatedResidual = residual
        var momentum = [Double](repeating: 1, count: active.count)
        var next = [Double](repeating: 0, count: mu.count), signedNext = next, gradient = next
        var nextResidual = [Double](repeating: 0, count: residual.count)
        let hasMetric = metric.contains { $0 != nil }
        for _ in 0..<maxSteps where !active.isEmpty {
            if outcome.steps == hopelessCheckSteps,
               Set(active.filter { outcome.norms[$0] > limits[$0] }.map { patternOf[$0] }).count > hopelessAbove {
                outcome.abandoned = true
                break
            }
            outcome.steps += 1
            let q = active.count
            // Gradient at the extrapolated point: s ∘ X R_y (s ∘ X M_j M_jᵀ R_y for normalized blocks).
            let directions = !hasMetric ? extrapolatedResidual : (0..<q).flatMap { k in
                let column = Array(extrapolatedResidual[(k * d)..<((k + 1) * d)])
                return metric[active[k]].map { $0.times($0.times(column, .transpose)) } ?? column
            }
            multiplyX(transposed: false, directions, columns: q, into: &gradient)
            // μ⁺ = max(0, μ_y − step·s ∘ gradient), and s ∘ μ⁺ for its residual a + Xᵀ(s ∘ μ⁺).
            patternMatrix.storage.withUnsafeBufferPointer { dp in
                gradient.withUnsafeBufferPointer { g in
                    extrapolated.withUnsafeBufferPointer { y in
                        next.withUnsafeMutableBufferPointer { m in
                            signedNext.withUnsafeMutableBufferPointer { sm in
                                for k in 0..<q {
                                    let base = patternOf[active[k]] * n, step = steps[active[k]], column = k * n
                                    for row in 0..<n {
                                        let sign = 2 * dp[base + row] - 1
                                        let value = max(0, y[column + row] - step * sign * g[column + row])
                                        m[column + row] = value
                                        sm[column + row] = sign * value
                                    }
                                    // The projection onto μ ≥ 0 on the kept rows, μ = 0 on the others.
                                    if let mask = keptRowMask {
                                        for row in 0..<n where mask.storage[base + row] == 0 { m[column + row] = 0; sm[column + row] = 0 }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            multiplyX(transposed: true, signedNext, columns: q, into: &nextResidual)
            // Blocks that reach their goal leave; the others move to the front columns, in order.
            var kept = 0
            for k in 0..<q {
                let b = active[k], column = k * n, residualColumn = k * d
                for a in 0..<d { nextResidual[residualColumn + a] = targets[b][a] + nextResidual[residualColumn + a] }
                let r = Array(nextResidual[residualColumn..<(residualColumn + d)])
                let norm = metricNorm(r, metric[b]), previous = residualNorm[k]
                if norm < outcome.norms[b] { outcome.norms[b] = norm; outcome.multipliers[b] = Array(next[column..<(column + n)]) }
                if norm <= goals[b] { continue }
                // Restart the momentum when the objective went up (O'Donoghue and Candès).
                let t = norm > previous ? 1 : momentum[k]
                let tNext = (1 + (1 + 4 * t * t).squareRoot()) / 2
                let beta = norm > previous ? 0 : (t - 1) / tNext
                let to = kept * n, residualTo = kept * d
                for row in 0..<n {
                    let value = next[column + row]
                    extrapolated[to + row] = value + beta * (value - mu[column + row])
                    mu[to + row] = value
                }
                for a in 0..<d {
                    let value = r[a]
                    extrapolatedResidual[residualTo + a] = value + beta * (value - residual[residualColumn + a])
                    residual[residualTo + a] = value
                }
                active[kept] = b; residualNorm[kept] = norm; momentum[kept] = tNext
                kept += 1
            }
            active.removeLast(q - kept); residualNorm.removeLast(q - kept); momentum.removeLast(q - kept)
            mu.removeLast((q - kept) * n); extrapolated.removeLast((q - kept) * n)
            residual.removeLast((q - kept) * d); extrapolatedResidual.removeLast((q - kept) * d)
        }
        return outcome
    }
}
