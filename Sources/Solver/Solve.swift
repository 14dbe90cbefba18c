import Foundation
import LinearAlgebra

/// Solves one program of science §4. Never traps on bad data: invalid input, labels outside the
/// span of the blocks (equality forms) and numerical failures come back as a status with a reason.
/// The data are first brought to unit scale (Equilibration.swift), so the verdict does not depend on
/// the units of X and y.
///
/// - Parameter factors: the program's pattern factors (`program.patternFactors()`) when the caller
///   already has them, for a normalized program: they depend on X and the patterns only, so programs
///   that differ in y alone (the σ panels of one cell) share them. Ignored for other networks.
///
/// - Parameter seed: the patterns a neighbouring program's minimizer used (`seedPatterns(from:settings:)`
///   of the previous σ panel of the same cell). An approx form that would be solved whole is first solved
///   on those, the others certified (route `.seeded`); when they do not hold the minimizer, it is solved
///   as without a seed. A relaxed form's working set starts from them. Either way the answer is the
///   program's minimizer to the solver's tolerance, not the same bits: a different start reaches a
///   different point within it.
public func solve(_ program: ConvexProgram, settings: SolverSettings = SolverSettings(),
                  factors: [PatternFactor]? = nil, seed: [Int]? = nil) -> SolverResult {
    let start = DispatchTime.now().uptimeNanoseconds
    func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }
    do { try settings.validate() } catch {
        return SolverResult(status: .invalidInput("\(error)"), seconds: elapsed())
    }
    if let reason = program.validationError { return SolverResult(status: .invalidInput(reason), seconds: elapsed()) }
    let equilibration = settings.equilibrate ? Equilibration(program) : Equilibration(identityFor: program)
    // Normalized programs keep X as given (Equilibration), so the caller's factors are the scaled program's.
    let known = program.architecture == .normalized ? factors : nil
    precondition(known.map { $0.count == program.p } ?? true, "factors must be the program's, one per pattern")
    var result = solveEquilibrated(equilibration.scaled(program), factors: known, settings: settings, start: start, seed: seed)
    equilibration.unscale(&result)
    result.seconds = elapsed()
    return result
}

/// `solve` on data already at unit scale. Exact and approx forms with n ≫ d first keep a working set
/// of each cone's sign rows (SignRowWorkingSet.swift); each program is then solved by
/// `solveOnEveryRoute`.
func solveEquilibrated(_ program: ConvexProgram, factors known: [PatternFactor]? = nil, settings: SolverSettings,
                       start: UInt64, seed: [Int]? = nil) -> SolverResult {
    // Every round of the sign-row working set solves a program on the same patterns: factored once.
    let factors: [PatternFactor]?
    switch normalizedPatternFactors(program, known: known, start: start) {
    case .success(let computed): factors = computed
    case .failure(let failure): return failure.result
    }
    let onRows = solveOnSignRowWorkingSet(program, settings: settings, seed: seed) {
        solveOnEveryRoute($0, factors: factors, settings: $2, start: start, seed: $1)
    }
    if let solved = onRows.solved { return solved }
    var whole = solveOnEveryRoute(program, factors: factors, settings: settings, start: start, seed: seed)
    whole.iterations += onRows.iterations
    return whole
}

/// Exact and approx forms of skip and plain networks first try the cone-free program, then a working
/// set of patterns (README "Relax, then verify"; RelaxThenVerify.swift, PatternWorkingSet.swift);
/// relaxed forms a working set of patterns (RelaxedWorkingSet.swift). `factors`: a normalized
/// program's pattern factors (nil for the other networks).
private func solveOnEveryRoute(_ program: ConvexProgram, factors: [PatternFactor]?, settings: SolverSettings,
                               start: UInt64, seed: [Int]?) -> SolverResult {
    if program.form == .relaxed && settings.relaxedWorkingSet {
        if var restricted = solveRelaxedOnWorkingSet(program, factors: factors, settings: settings, start: start, seed: seed) {
            restricted.route = .workingSet
            return restricted
        }
        return solveConic(program, factors: factors, settings: settings, start: start)
    }
    guard settings.relaxThenVerify && program.form != .relaxed && program.architecture != .normalized else {
        return solveConic(program, factors: factors, settings: settings, start: start, seed: seed)
    }
    // The cone-free program of an exact form is the relaxed program (claim 6). That of an approx form is
    // a group lasso, which stalls on small working sets (NormalizedConeFreeFirst.swift): solved whole.
    let relaxed = settings.relaxedWorkingSet && program.form == .exact
        ? solveRelaxedOnWorkingSet(program, factors: nil, signConstraints: false, settings: settings, start: start)
            ?? solveConic(program, settings: settings, start: start, signConstraints: false)
        : solveConic(program, settings: settings, start: start, signConstraints: false)
    if var verified = verifiedSplit(of: relaxed, program: program, settings: settings) {
        verified.route = .relaxedVerified
        return verified
    }
    if settings.patternWorkingSet, var restricted = solveOnPatternWorkingSet(program, relaxed: relaxed, settings: settings, start: start) {
        restricted.route = .workingSet
        return restricted
    }
    var full = solveConic(program, settings: settings, start: start, seed: seed)
    if full.route == .direct { full.route = .fallback }
    return full
}

/// A factorization of D_i X that failed, as the result that reports it.
struct PatternFactorFailure: Error {
    let result: SolverResult
}

/// The pattern factors of a normalized program (nil for skip and plain networks): `known` when the
/// caller has them, else computed, once for every solve that needs them.
func normalizedPatternFactors(_ program: ConvexProgram, known: [PatternFactor]? = nil,
                              start: UInt64) -> Result<[PatternFactor]?, PatternFactorFailure> {
    guard program.architecture == .normalized else { return .success(nil) }
    if let known { return .success(known) }
    do { return .success(try program.patternFactors()) } catch {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        return .failure(PatternFactorFailure(result: SolverResult(status: .numericalError("SVD of D_i X failed: \(error)"), seconds: seconds)))
    }
}

/// One run of the interior-point method on `program` at unit scale (`signConstraints: false`: on
/// its cone-free counterpart, see `ConicForm`).
///
/// `checkpoint`: the iteration pauses once at `settings.workingSetCheckMerit` and asks it, with the
/// multipliers λ of that iterate, whether to finish; when it says no, the result is that paused
/// iterate (status `maxIterations`, the caller knows why), kept in `pausedIterate`. `warmStart`, read
/// only with a `checkpoint`: the iterate to begin from instead of the computed start, made for the
/// program's conic form (a working set's next round continuing the last one's pause). `seed`: see `solve`.
func solveConic(_ program: ConvexProgram, factors known: [PatternFactor]? = nil, settings: SolverSettings, start: UInt64,
                signConstraints: Bool = true, checkpoint: ((_ lambda: [Double]) -> Bool)? = nil,
                warmStart: ((ConicForm) -> InteriorPoint.Iterate)? = nil, seed: [Int]? = nil) -> SolverResult {
    func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }
    let factors: [PatternFactor]?
    switch normalizedPatternFactors(program, known: known, start: start) {
    case .success(let computed): factors = computed
    case .failure(let failure): return failure.result
    }
    let factorsDone = elapsed()
    var guessedSeed: [Int]?
    if signConstraints && settings.relaxThenVerify && program.architecture == .normalized && program.form == .approx, let factors {
        switch solveConeFreeThenVerify(program, factors: factors, settings: settings, start: start) {
        case .verified(var verified):
            verified.patternFactors = factors
            verified.seconds = elapsed()
            if verified.route == .direct { verified.route = .relaxedVerified }
            return verified
        case .unverified(let guess):
            guessedSeed = guess
        }
    }
    let form = ConicForm(program: program, factors: factors, signConstraints: signConstraints)
    let formDone = elapsed()
    if form.blockCount == 0 {
        return SolverResult(status: .invalidInput("every pattern gives D_i X = 0: no block to fit y with"), seconds: elapsed())
    }
    let setupDone = elapsed()   // (the span check, when needed, runs after the iteration)
    let seeded = signConstraints && checkpoint == nil
        ? (seed ?? guessedSeed).map { solveOnSeed(program, factors: factors, form: form, seed: $0, guessed: seed == nil, settings: settings) } : nil
    var outcome: InteriorPoint.Outcome
    var kkt: (any KKTSolver)?
    var kktDone = elapsed()
    if let solved = seeded?.solved {
        outcome = solved
    } else {
        let cones = form.makeCones()
        let wholeKKT: any KKTSolver = settings.denseReferenceKKT
            ? DenseReferenceKKT(form: form, cones: cones, settings: settings)
            : StructuredNormalEquations(form: form, cones: cones, settings: settings)
        kkt = wholeKKT
        kktDone = elapsed()
        outcome = checkpoint.map { runWithCheckpoint(form: form, cones: cones, kkt: wholeKKT, settings: settings, warmStart: warmStart?(form), proceed: $0) }
            ?? solveShrinking(program, factors: factors, form: form, cones: cones, kkt: wholeKKT, settings: settings)
        outcome.iterations += seeded?.iterations ?? 0
    }
    if ProcessInfo.processInfo.environment["NEUREC_SOLVER_TRACE"] != nil {
        FileHandle.standardError.write(Data(String(format: "factors %.4f s, form %.4f s, span %.4f s, KKT setup %.4f s, iterations %.4f s\n", factorsDone, formDone - factorsDone, setupDone - formDone, kktDone - setupDone, elapsed() - kktDone).utf8))
    }
    var result = extract(outcome, form: form, program: program, factors: factors)
    // Labels outside the blocks' span make the equality forms infeasible. Checked only when the
    // iteration did not converge (a converged point proves y is in the span), so the happy path
    // pays no n×n eigendecomposition; the check turns a failed or Farkas-certified run into a
    // precise reason.
    if program.form != .approx && !result.status.hasMinimizer && !outcome.paused, let reason = labelsOutsideSpan(form, settings: settings) {
        result.status = .primalInfeasible(reason)
    }
    result.patternFactors = factors
    if seeded?.solved != nil { result.route = .seeded }
    if outcome.paused {
        result.pausedIterate = ((outcome.x, outcome.y, outcome.s, outcome.z),
                                Dictionary(uniqueKeysWithValues: zip(form.roles, form.xOffset)))
    }
    result.seconds = elapsed()
    result.normalMatrixSeconds = kkt?.formationSeconds ?? 0
    result.normalMatrixFlops = kkt?.formationFlops ?? 0
    return result
}

/// The iteration with one look at its multipliers on the way (`solveConic`'s `checkpoint`): a
/// `paused` outcome when `proceed` declines, else the whole run, continued from the paused iterate.
private func runWithCheckpoint(form: ConicForm, cones: ConeSet, kkt: any KKTSolver, settings: SolverSettings,
                               warmStart: InteriorPoint.Iterate?, proceed: ([Double]) -> Bool) -> InteriorPoint.Outcome {
    let first = InteriorPoint(form: form, cones: cones, kkt: kkt, settings: settings)
    first.warmStart = warmStart
    first.pauseMerit = settings.workingSetCheckMerit
    let paused = first.run()
    guard paused.paused, proceed(paused.y.scaled(by: -1)) else { return paused }
    let rest = InteriorPoint(form: form, cones: cones, kkt: kkt, settings: settings.leaving(iterationsAfter: paused.iterations))
    rest.warmStart = (paused.x, paused.y, paused.s, paused.z)
    var finished = rest.run()
    finished.iterations += paused.iterations
    return finished
}

/// Nil when y lies in the span of the blocks' columns (X, D_i X or U_i), else the reason. The
/// span is that of K = Σ_j A_j A_jᵀ, formed like the normal matrix (G ∘ (D Dᵀ) plus Σ U_j U_jᵀ).
func labelsOutsideSpan(_ form: ConicForm, settings: SolverSettings) -> String? {
    let n = form.n
    let masked = (0..<form.blockCount).filter { form.basis[$0] == nil && form.sign[$0] > 0 }
    let normalized = (0..<form.blockCount).filter { form.basis[$0] != nil && form.sign[$0] > 0 }
    var k = Matrix<Double>(rows: n, columns: n)
    if !masked.isEmpty {
        k = form.aMask.columns(masked).gram(.none)
        let g = form.X.gram(.none)
        for i in 0..<(n * n) { k.storage[i] *= g.storage[i] }
    }
    if !normalized.isEmpty {
        let stacked = normalized.flatMap { form.factors[$0]!.u.storage }
        let u = Matrix(rows: n, columns: stacked.count / n, columnMajor: stacked)
        k = k + u.gram(.none)
    }
    guard let eig = try? k.symmetricEigen() else { return nil }
    let top = eig.values.last ?? 0
    let cutoff = top * Double(max(n, 1)) * settings.spanEigenvalueCutoff
    var projected = [Double](repeating: 0, count: n)
    for col in 0..<n where eig.values[col] > cutoff {
        let q = eig.vectors.column(col)
        projected.add(q, scaledBy: q.dot(form.y))
    }
    let residual = minus(form.y, projected).norm
    if residual > settings.spanRelativeDistance * max(form.y.norm, 1e-300) && residual > settings.spanAbsoluteDistance {
        return String(format: "y is outside the span of the blocks (distance %.3g relative to ‖y‖): the equality constraints cannot hold", residual / form.y.norm)
    }
    return nil
}

func extract(_ o: InteriorPoint.Outcome, form: ConicForm, program: ConvexProgram, factors: [PatternFactor]?) -> SolverResult {
    let x = o.x
    var w0: [Double]?
    var w = [[Double]](repeating: [], count: program.p)
    var v: [[Double]]? = program.form == .relaxed ? nil : [[Double]](repeating: [], count: program.p)
    var norms = 0.0
    for j in 0..<form.blockCount {
        let block = Array(x[(form.xOffset[j] + 1)..<(form.xOffset[j] + 1 + form.ranks[j])])
        norms += form.c[form.xOffset[j]] * block.norm
        switch form.roles[j] {
        case .skip: w0 = block
        case .w(let i): w[i] = block
        case .v(let i): v?[i] = block
        }
    }
    if let f = factors {
        // Blocks left out for D_i X = 0 still get a vector of their (zero) rank.
        for i in 0..<program.p where f[i].rank == 0 { w[i] = []; v?[i] = [] }
    }
    // Objective and residuals of the returned weights themselves, not of the solver's epigraph variables.
    var wx = x
    if form.approx { for i in 0..<form.n { wx[form.rOffset + i] = 0 } }
    let fx = form.forward(wx)
    let fit = minus(fx.ax, form.y)
    let signViolation = fx.snn.reduce(0.0) { max($0, -$1) }
    let scale = form.approx ? form.beta : 1
    let objective = form.approx ? fit.dot(fit) + form.beta * norms : norms
    let residual = form.approx ? signViolation : max(fit.norm, signViolation)
    var dualRatios = [Double](repeating: 0, count: program.p)
    for j in 0..<form.blockCount {
        let t = form.xOffset[j], r = form.ranks[j]
        guard o.z.count >= t + r + 1, o.z[t] > 0 else { continue }
        let ratio = o.z.withUnsafeBufferPointer { Double.nrm2(r, $0.baseAddress! + t + 1, 1) } / o.z[t]
        switch form.roles[j] {
        case .w(let i), .v(let i): dualRatios[i] = max(dualRatios[i], ratio)
        case .skip: break
        }
    }
    var multipliers: [[Double]]? = program.form == .relaxed ? nil : [[Double]](repeating: [], count: 2 * program.p)
    for j in 0..<form.blockCount {
        guard let rows = form.signRows(of: j) else { continue }
        switch form.roles[j] {
        case .w(let i): multipliers?[i] = form.spreadToEveryRow(o.z[rows], of: j)
        case .v(let i): multipliers?[program.p + i] = form.spreadToEveryRow(o.z[rows], of: j)
        case .skip: break
        }
    }
    var status = o.status
    if status.hasMinimizer && !(objective.isFinite && residual.isFinite) { status = .numericalError("non-finite solution") }
    var result = SolverResult(status: status, objective: objective, primalResidual: residual,
                              dualityGap: max(o.s.dot(o.z), abs(o.primalObjective - o.dualObjective)) * scale,
                              iterations: o.iterations, w0: w0, w: w, v: v, lambda: o.y.scaled(by: -1),
                              signMultipliers: multipliers)
    result.keptPatterns = o.keptPatterns
    result.dualRatios = dualRatios
    return result
}

/// Runs the iteration with the structured normal equations and, on every Newton system it meets
/// (first `iterations` iterations), also solves it with the dense reference KKT (no structure
/// used). Returns the largest difference of the two directions relative to their size. For
/// tests on small problems: the dense solve costs O((#variables)³).
public func structuredKKTDeviation(_ program: ConvexProgram, iterations: Int = 10) -> Double? {
    guard program.validationError == nil else { return nil }
    let factors = program.architecture == .normalized ? try? program.patternFactors() : nil
    if program.architecture == .normalized && factors == nil { return nil }
    let form = ConicForm(program: program, factors: factors)
    guard form.blockCount > 0 else { return nil }
    var settings = SolverSettings()
    settings.maxIterations = iterations
    let cones = form.makeCones()
    let ipm = InteriorPoint(form: form, cones: cones, kkt: StructuredNormalEquations(form: form, cones: cones, settings: settings), settings: settings)
    ipm.shadow = DenseReferenceKKT(form: form, cones: cones, settings: settings)
    _ = ipm.run()
    return ipm.shadow == nil ? nil : ipm.shadowDifference
}
