import Foundation
import LinearAlgebra

/// The relaxed program (science §4) solved on a working set S of patterns (Solver README "Relax, then
/// verify", claim 6):
///
///     min c₀‖w₀‖ + Σ_{j∈S} c_j‖w_j‖  s.t.  A₀w₀ + Σ_{j∈S} A_j w_j = y,
///
/// (w₀ only for the skip network). Its minimizer padded with w_j = 0 outside S is feasible for the
/// whole program with the same objective, and the restricted solve's λ bounds the whole program's
/// optimum from below as soon as it is dual-feasible there too: ‖A_jᵀλ‖ ≤ c_j for every j outside S.
/// The relaxed program has no sign rows, so this check needs no multipliers beyond λ (unlike the exact
/// forms, PatternWorkingSet.swift). Patterns that fail it, or meet it with equality up to
/// `workingSetTieMargin`, join S and the restricted program is solved again: where the minimizer is
/// not unique (science §10, ties) the answer is then the direct solve's point of the optimal face.
///
/// S starts as the patterns whose blocks correlate most with y (largest ‖A_jᵀy‖/c_j), enough of them
/// that their columns span R^n about three times over: a restricted program whose blocks cannot reach
/// y has no feasible point. The minimizers of these programs use few patterns (n/r at the least, and
/// the planted ones when recovery holds), so S stays a small share of p and each Newton system is
/// formed from |S| blocks instead of p. Without w₀ (plain and normalization networks) S is completed
/// to cover every row, and a restricted program that is still infeasible (y outside its blocks'
/// span) doubles S by correlation. A restricted solve stopped `almostOptimal` goes on like an optimal
/// one, and its answer keeps that status. Nil (→ the direct solve) when a restricted solve otherwise
/// has no minimizer, or when S would hold more than half of the patterns: a round costs about its share of
/// a direct solve, and the rounds already solved are spent either way, so only the next round's size
/// decides (with noisy labels the minimizer spreads over a third of the patterns, and counting the
/// rounds already solved gave up a round before the end; Solver README, claim 6).
///
/// A round that stopped at its check hands its iterate to the next (`grown`, with
/// `SolverSettings.workingSetWarmShift`): with noisy labels a solve takes four or five rounds, and
/// each began afresh.
///
/// With `signConstraints: false` the same for the cone-free counterpart of an exact program
/// (RelaxThenVerify.swift), which is R itself.
///
/// `seed` (`solve`'s): S starts as those patterns instead, the ones a neighbouring program's minimizer
/// used and those nearest to entering it (the next σ panel of the cell), so that with noisy labels one
/// round usually settles what took four or five; the rounds go on from there as from any start.
func solveRelaxedOnWorkingSet(_ program: ConvexProgram, factors: [PatternFactor]?, signConstraints: Bool = true,
                              settings: SolverSettings, start: UInt64, seed: [Int]? = nil) -> SolverResult? {
    let n = program.n, p = program.p
    let trace = ProcessInfo.processInfo.environment["NEUREC_SOLVER_TRACE"] != nil
    // A deferred factor's rank bound, min(n_j, d), is its rank unless D_j X is rank-deficient.
    let ranks = factors?.map(\.rankBound) ?? [Int](repeating: min(program.d, n), count: p)
    let averageRank = max(1, ranks.reduce(0, +) / max(p, 1))
    let initialSize = min(p, max(8, (3 * n + averageRank - 1) / averageRank))
    // A small program gains nothing: a working set of most patterns is the direct solve again.
    guard 4 * initialSize <= p else { return nil }

    var inSet = [Bool](repeating: false, count: p)
    // Only an order: to 1e-2 where conjugate gradients answer (exact where the factors are formed).
    let correlation = program.dualNormRatios(of: program.y, factors: factors, question: .values(relativeAccuracy: 1e-2))
    let byCorrelation = (0..<p).sorted { correlation[$0] > correlation[$1] }
    let seeded = (seed ?? []).filter { (0..<p).contains($0) }
    if seeded.isEmpty {
        for j in byCorrelation.prefix(initialSize) { inSet[j] = true }
    } else {
        for j in seeded { inSet[j] = true }
    }
    // Without w₀ every row of y must be reached by a pattern active on it, and the patterns that
    // correlate most with noisy labels often share their active rows: complete S so that it covers
    // every row, each uncovered row by its best-correlated pattern.
    if program.architecture != .skip { coverEveryRow(&inSet, in: byCorrelation, patterns: program.patterns) }

    // Outside patterns whose dual constraint λ violates, or meets with equality within the tie
    // margin: a block that carries weight in some minimizer (a tie, such as the all-ones block beside
    // w₀) has ‖A_jᵀλ‖ = c_j, and with every such block in S the restricted program has the whole
    // program's optimal face, so the iteration ends at the same point of it as the direct solve. The
    // most violated first.
    func offenders(of lambda: [Double], norms: [Double]? = nil) -> [Int] {
        let norms = norms ?? program.dualNormRatios(of: lambda, factors: factors, question: .exceeds(margin: settings.workingSetTieMargin))
        return (0..<p).filter { !inSet[$0] && norms[$0] > 1 - settings.workingSetTieMargin }.sorted { norms[$0] > norms[$1] }
    }
    var iterations = 0, normalSeconds = 0.0, normalFlops = 0.0
    /// The last round's members and the iterate it paused at, when it stopped at its check.
    var previous: (members: [Int], paused: (iterate: InteriorPoint.Iterate, blockStarts: [ConicForm.Role: Int]))?
    for round in 0..<8 {
        let members = (0..<p).filter { inSet[$0] }
        guard 2 * members.count <= p else {
            if trace { FileHandle.standardError.write(Data("relaxed working set of \(members.count) of \(p) patterns, round \(round): more than half, solving the program itself\n".utf8)) }
            return nil
        }
        var offendersAtCheck: [Int] = []
        let warmStart = settings.workingSetWarmShift.flatMap { shift in
            previous.map { last in { form in grown(last.paused, of: last.members, into: form, of: members, shift: shift) } }
        }
        let r = solveConic(program.restricted(to: members), factors: factors.map { f in members.map { f[$0] } },
                           settings: settings, start: start, signConstraints: signConstraints,
                           checkpoint: settings.workingSetCheckMerit == nil ? nil : { lambda in
                               offendersAtCheck = offenders(of: lambda)
                               return offendersAtCheck.isEmpty
                           }, warmStart: warmStart)
        previous = r.pausedIterate.map { (members, $0) }
        iterations += r.iterations
        normalSeconds += r.normalMatrixSeconds
        normalFlops += r.normalMatrixFlops
        // A round stopped at its check has offenders already; a finished one is judged by its final λ.
        let stoppedAtCheck = !offendersAtCheck.isEmpty
        var outside = offendersAtCheck, lambda: [Double] = [], dualRatios: [Double] = []
        if !stoppedAtCheck {
            if case .primalInfeasible = r.status {
                // y is outside the span of S's blocks: S is too small, not the idea wrong. Double it
                // with the next patterns by correlation.
                if trace { FileHandle.standardError.write(Data("relaxed working set of \(members.count) patterns, round \(round): labels outside its span, doubling it\n".utf8)) }
                for j in byCorrelation.lazy.filter({ !inSet[$0] }).prefix(members.count) { inSet[j] = true }
                continue
            }
            // A restricted solve that stalled at reduced accuracy (the KKT system's rounding grows in
            // the last steps on a degenerate face) still answers for the whole program when its λ holds
            // outside S: the padded point is then almost optimal there too, with the same gap. The
            // direct solve it used to give way to took 18 s of a (730, 200) normalization trial whose
            // rounds took 4 s.
            guard r.status.hasMinimizer, let final = r.lambda else {
                if trace { FileHandle.standardError.write(Data("relaxed working set of \(members.count) patterns, round \(round): \(r.status.name), solving the program itself\n".utf8)) }
                return nil
            }
            lambda = final
            dualRatios = program.dualNormRatios(of: final, factors: factors, question: .exceeds(margin: settings.workingSetTieMargin))
            outside = offenders(of: final, norms: dualRatios)
        }
        if trace {
            FileHandle.standardError.write(Data("relaxed working set of \(members.count) of \(p) patterns, round \(round): \(r.iterations) iterations\(stoppedAtCheck ? " to the check" : ""), \(outside.count) dual constraints violated or tight outside\n".utf8))
        }
        // At most as many as S holds: a round at most doubles S.
        if !outside.isEmpty {
            for j in outside.prefix(members.count) { inSet[j] = true }
            continue
        }
        var w = (0..<p).map { [Double](repeating: 0, count: factors == nil ? program.d : ranks[$0]) }
        for (k, j) in members.enumerated() { w[j] = r.w[k] }
        var result = SolverResult(status: r.status, objective: r.objective, primalResidual: r.primalResidual,
                                  dualityGap: r.dualityGap, iterations: iterations, w0: r.w0, w: w, lambda: lambda)
        result.patternFactors = factors
        result.workingSetRounds = round + 1
        result.dualRatios = dualRatios
        result.normalMatrixSeconds = normalSeconds
        result.normalMatrixFlops = normalFlops
        return result
    }
    return nil
}

/// The iterate a round paused at on the members `old`, as the start of the next round's conic form on
/// `new` (a superset; block w(k) of a form is pattern k of its members). The old blocks' slacks and
/// multipliers move off their cone's boundary by `shift` along its axis (s_j's and z_j's first
/// entries; t_j stays, so s = x leaves a residual of `shift` for the iteration to remove: shifting t_j
/// too gained nothing over starting afresh): at the pause they sit at a merit of 3e-5, and new blocks
/// whose dual residual is of order one (‖A_jᵀλ‖ > c_j: why they joined) would block every step
/// (measured: 17 iterations to the next check instead of 6). A new block starts at w_j = 0 on the
/// axis, t_j = s_j's axis entry = `shift`, z_j = (c_j, 0).
private func grown(_ paused: (iterate: InteriorPoint.Iterate, blockStarts: [ConicForm.Role: Int]), of old: [Int],
                   into form: ConicForm, of new: [Int], shift: Double) -> InteriorPoint.Iterate {
    let oldPosition = Dictionary(uniqueKeysWithValues: old.enumerated().map { ($1, $0) })
    let last = paused.iterate
    var x = [Double](repeating: 0, count: form.xCount), s = [Double](repeating: 0, count: form.m), z = s
    for (j, role) in form.roles.enumerated() {
        let t = form.xOffset[j], block = t..<(t + form.ranks[j] + 1)
        let before: ConicForm.Role? = switch role {
        case .skip: .skip
        case .w(let k): oldPosition[new[k]].map { .w($0) }
        case .v(let k): oldPosition[new[k]].map { .v($0) }
        }
        if let source = before.flatMap({ paused.blockStarts[$0] }) {
            let from = source..<(source + block.count)
            x.replaceSubrange(block, with: last.x[from])
            s.replaceSubrange(block, with: last.s[from])
            z.replaceSubrange(block, with: last.z[from])
            s[t] += shift
            z[t] += shift
        } else {
            x[t] = shift
            s[t] = shift
            z[t] = form.c[t]
        }
    }
    return (x, last.y, s, z)
}

/// Adds to S, for each row that no pattern of S is active on, the first pattern of `order` active on
/// it.
private func coverEveryRow(_ inSet: inout [Bool], in order: [Int], patterns: Matrix<Double>) {
    let n = patterns.rows
    var covered = [Bool](repeating: false, count: n)
    var uncovered = n
    /// Marks the rows pattern j is active on; whether any was new.
    func cover(_ j: Int) -> Bool {
        let before = uncovered
        for i in 0..<n where !covered[i] && patterns[i, j] != 0 { covered[i] = true; uncovered -= 1 }
        return uncovered < before
    }
    for j in order where inSet[j] { _ = cover(j) }
    for j in order where !inSet[j] && uncovered > 0 { if cover(j) { inSet[j] = true } }
}

/// ‖A_jᵀλ‖ for every pattern j: ‖Xᵀ D_j λ‖, or ‖M_jᵀ Xᵀ D_j λ‖ = ‖U_jᵀλ‖ for normalized blocks
/// (U_j = D_j X M_j), from one d × n × p product. Blocks whose factor is deferred and not yet formed
/// are answered by conjugate gradients as far as `question` needs (PatternGramConjugateGradients.swift),
/// their factor formed only where those do not settle.
func dualNorms(of lambda: [Double], program: ConvexProgram, factors: [PatternFactor]?,
               question: DualNormQuestion = .exact) -> [Double] {
    let images = patternImages(of: lambda, program: program, patterns: Array(0..<program.p))
    let d = program.d
    let deferred = factors.map { f in (0..<program.p).filter { !f[$0].isFormed } } ?? []
    var fromGradients = [Int: Double]()
    if !deferred.isEmpty, let gradients = PatternGramConjugateGradients(program) {
        let weights = deferred.map { program.patternWeight($0) }
        let ratios = gradients.ratios(images: images.columns(deferred), patterns: deferred, weights: weights, question: question)
        for (k, j) in deferred.enumerated() { if let ratio = ratios[k] { fromGradients[j] = ratio * weights[k] } }
    }
    return images.storage.withUnsafeBufferPointer { ip in
        (0..<program.p).map { j in
            if let norm = fromGradients[j] { return norm }
            let image = ip.baseAddress! + j * d
            guard let f = factors?[j] else { return Double.nrm2(d, image, 1) }
            guard f.rank > 0 else { return 0 }
            return f.basisTransposeTimes(Array(UnsafeBufferPointer(start: image, count: d))).norm
        }
    }
}

extension ConvexProgram {
    /// ‖A_jᵀλ‖ / c_j for every pattern j of this program, as far as `question` needs (`dualNorms`):
    /// the certificates' dual check with the solver's arithmetic.
    public func dualNormRatios(of lambda: [Double], factors: [PatternFactor]?, question: DualNormQuestion = .exact) -> [Double] {
        dualNorms(of: lambda, program: self, factors: factors, question: question).enumerated().map { $1 / patternWeight($0) }
    }
}
