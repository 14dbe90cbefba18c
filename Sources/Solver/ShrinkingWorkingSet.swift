import Foundation
import LinearAlgebra

/// The approx program solved whole, then, once its minimizer's patterns stand out, on the patterns
/// that carry it (Solver README, "Shrinking the approx programs", claim 7; science §4).
///
/// With noisy labels the cone-free split and the pattern working sets fail, and the whole
/// sign-constrained program is solved: ~30 iterations over every pattern, while its minimizer uses
/// a quarter to two fifths of them (94 of 400 at (400, 100), σ = 0.05). The iterates single those out
/// long before the end: by a merit of 3e-2 every pattern the minimizer uses is among the top half by
/// its largest epigraph variable t_j, by 3e-3 among the top third. At each stage of
/// `SolverSettings.shrinkStages` the iteration pauses and continues from the same iterate on the
/// patterns it keeps: the other blocks are set to zero, which moves the iterate by their small t_j,
/// and every later iteration costs about the kept share.
///
/// The restricted minimizer, padded with zeros, is the whole program's when every dropped block j
/// has a dual point: sign multipliers z_j ≥ 0 (searched for, from those it had when dropped) and the
/// cone part that makes block j's dual residual vanish, z_soc = c_j + (Aᵀy − S_jᵀz_j), which must lie
/// in the second-order cone: ‖A_jᵀy − S_jᵀz_j‖ ≤ c_j. Then x, s, y, z meet the whole program's
/// residuals, gap and cones as well as the restricted solve met its own. When a dropped block fails
/// that test the iteration goes back a level (`Shrinking`).
func solveShrinking(_ program: ConvexProgram, factors: [PatternFactor]?, form: ConicForm, cones: ConeSet,
                    kkt: any KKTSolver, settings: SolverSettings) -> InteriorPoint.Outcome {
    let whole = InteriorPoint(form: form, cones: cones, kkt: kkt, settings: settings)
    let shrinks = settings.shrinkingWorkingSet && !settings.denseReferenceKKT && form.approx && form.mNN > 0
        && Double(program.n) <= settings.shrinkLargestRatio * Double(program.d)
    whole.pauseMerit = shrinks ? settings.shrinkStages.first?.merit : nil
    let paused = whole.run()
    guard paused.paused else { return paused }
    var shrinking = Shrinking(program: program, factors: factors, whole: form, solver: (cones, kkt), settings: settings)
    return shrinking.run(from: paused)
}

/// The approx program solved on `seed`, the patterns a neighbouring program's minimizer used (the
/// next σ panel of the same cell: the canonical draw gives the panels the same X and patterns, and
/// their minimizers use nearly the same patterns) or a normalized program's cone-free minimizer
/// points to (NormalizedConeFreeFirst.swift), with every other block certified as claim 7 certifies
/// the dropped ones. A certificate that fails adds the patterns it failed on and the restricted
/// program is solved again, at most `seedRounds` times. `solved` is nil when no round is certified
/// (the caller then solves the program as without a seed, with its whole iteration limit, as the
/// shrinking does); `iterations` counts every round.
///
/// `guessed`: the seed is a guess (the cone-free minimizer's), not a neighbour's minimizer, and is
/// given up as soon as it proves far off: a certificate failing on more than twice as many patterns
/// as the set holds, or a next set above half the patterns (noisy labels' guesses: 108 patterns and
/// 115 failures at (400, 100), σ = 0.05, where the whole program's shrinking is cheaper).
func solveOnSeed(_ program: ConvexProgram, factors: [PatternFactor]?, form: ConicForm, seed: [Int], guessed: Bool = false,
                 settings: SolverSettings) -> (solved: InteriorPoint.Outcome?, iterations: Int) {
    let members = Set(seed.filter { (0..<program.p).contains($0) })
    guard settings.shrinkingWorkingSet && !settings.denseReferenceKKT && form.approx && form.mNN > 0,
          !members.isEmpty, members.count < program.p else { return (nil, 0) }
    var shrinking = Shrinking(program: program, factors: factors, whole: form, solver: nil, settings: settings)
    return shrinking.runSeeded(on: members, guessed: guessed)
}

/// The forms the iteration ran on, from the whole program down, each with the iterate at which it
/// was left; a certificate that fails, or a level that ends without a minimizer, sends the iteration
/// back one level (at worst to the whole program).
private struct Shrinking {
    struct Level {
        let form: ConicForm
        /// Its patterns (the whole program's numbers) and the whole form's index of each of its blocks.
        let members: [Int]
        let blocks: [Int]
        var leftAt: InteriorPoint.Outcome?
    }

    let program: ConvexProgram
    let factors: [PatternFactor]?
    let whole: ConicForm
    /// The whole form's cones and Newton solver: the caller's, or made when a level goes back to the
    /// whole program (a seeded solve never iterates on it unless its seed fails).
    var wholeSolver: (cones: ConeSet, kkt: any KKTSolver)?
    let settings: SolverSettings
    let trace = ProcessInfo.processInfo.environment["NEUREC_SOLVER_TRACE"] != nil
    var blockOf: [ConicForm.Role: Int] = [:]
    var levels: [Level]
    var iterations = 0
    /// The sign multipliers each dropped block had when it was dropped (whole form's block index):
    /// the start of its certificate's search.
    var droppedMultipliers: [Int: [Double]] = [:]

    init(program: ConvexProgram, factors: [PatternFactor]?, whole: ConicForm, solver: (cones: ConeSet, kkt: any KKTSolver)?,
         settings: SolverSettings) {
        self.program = program
        self.whole = whole
        wholeSolver = solver
        self.settings = settings
        for j in 0..<whole.blockCount { blockOf[whole.roles[j]] = j }
        // The whole form has formed U_i and M_i of every pattern with a block: the levels and the
        // certificates take those rather than forming them again.
        let blockOf = blockOf
        self.factors = factors.map { f in f.indices.map { i in blockOf[.w(i)].flatMap { whole.factors[$0] } ?? f[i] } }
        levels = [Level(form: whole, members: Array(0..<program.p), blocks: Array(0..<whole.blockCount))]
    }

    mutating func run(from paused: InteriorPoint.Outcome) -> InteriorPoint.Outcome {
        let stages = settings.shrinkStages
        var outcome = paused
        iterations = paused.iterations
        var (cones, kkt) = wholeConesAndKKT()
        for (index, stage) in stages.enumerated() where outcome.paused {
            let current = levels[levels.count - 1]
            let largestT = largestEpigraphVariables(of: current, at: outcome)
            var keep = Int((stage.fraction * Double(program.p)).rounded(.up))
            if let margin = stage.largeBlockMargin {
                let tenth = largestT.values.sorted(by: >).dropFirst(9).first ?? 0
                keep = max(keep, Int((margin * Double(largestT.values.filter { $0 >= 0.01 * tenth }.count)).rounded(.up)))
            }
            var warm = (x: outcome.x, y: outcome.y, s: outcome.s, z: outcome.z)
            if keep < current.members.count {
                let next = level(keeping: keep, of: current, by: largestT)
                warm = moved(outcome, from: current, to: next)
                remember(outcome, of: current, except: Set(next.blocks))
                levels[levels.count - 1].leftAt = outcome
                levels.append(next)
                (cones, kkt) = solver(for: next.form)
                if trace { note("at merit \(stage.merit): \(next.members.count) of \(program.p) patterns kept") }
            }
            let ipm = InteriorPoint(form: levels[levels.count - 1].form, cones: cones, kkt: kkt, settings: remaining)
            ipm.warmStart = warm
            ipm.pauseMerit = index + 1 < stages.count ? stages[index + 1].merit : nil
            outcome = ipm.run()
            iterations += outcome.iterations
        }
        while true {
            let current = levels[levels.count - 1]
            if levels.count == 1 { outcome.iterations = iterations; return outcome }
            var offenders = 0
            if outcome.status.hasMinimizer {
                switch certified(outcome, on: current) {
                case .success(var solved):
                    solved.iterations = iterations
                    solved.keptPatterns = current.members.count
                    return solved
                case .failure(let uncertified):
                    offenders = uncertified.patterns.count
                }
            }
            // Back one level: the offenders, judged by a multiplier that is not the whole program's, may
            // lie outside the level above, yet that level may hold every pattern the minimizer uses.
            levels.removeLast()
            let back = levels[levels.count - 1]
            if trace {
                note(outcome.status.hasMinimizer ? "\(offenders) dropped patterns not certified, back to \(back.members.count) patterns"
                                                 : "no minimizer on \(current.members.count) patterns, back to \(back.members.count)")
            }
            let (resumedCones, resumedKKT) = levels.count == 1 ? wholeConesAndKKT() : solver(for: back.form)
            // The whole program, when it comes to that, gets what its own limit left at its pause, as if
            // it had never shrunk: shrinking must not cost a program the minimizer the plain iteration finds.
            // (Every level but the last was left at a pause: `leftAt` is set.)
            let from = back.leftAt!
            let limit = levels.count == 1 ? settings.leaving(iterationsAfter: from.iterations) : remaining
            let ipm = InteriorPoint(form: back.form, cones: resumedCones, kkt: resumedKKT, settings: limit)
            ipm.warmStart = (from.x, from.y, from.s, from.z)
            outcome = ipm.run()
            iterations += outcome.iterations
        }
    }

    /// `solveOnSeed`: each round from the interior-point method's own start on the set, which the
    /// patterns its certificate failed on then join.
    mutating func runSeeded(on seed: Set<Int>, guessed: Bool) -> (solved: InteriorPoint.Outcome?, iterations: Int) {
        var members = seed
        for _ in 0..<settings.seedRounds where members.count < program.p {
            let seeded = level(of: members.sorted())
            let (cones, kkt) = solver(for: seeded.form)
            // Each round starts afresh on its set and gets the whole limit: a round cut short by the
            // rounds before it would end almost optimal where it converges on its own.
            let outcome = InteriorPoint(form: seeded.form, cones: cones, kkt: kkt, settings: settings).run()
            iterations += outcome.iterations
            guard outcome.status.hasMinimizer else {
                if trace { note("no minimizer on the \(members.count) seeded patterns") }
                return (nil, iterations)
            }
            switch certified(outcome, on: seeded) {
            case .success(var solved):
                solved.iterations = iterations
                solved.keptPatterns = members.count
                return (solved, iterations)
            case .failure(let uncertified):
                if trace { note("\(uncertified.patterns.count) patterns outside the \(members.count) seeded ones not certified") }
                // (Noiseless guesses that fail on 1.2–1.7× their patterns, at most a third of all, are
                // certified in the next round: 3–4× faster than the whole program.)
                if guessed && (uncertified.patterns.count > 2 * members.count
                               || 2 * (members.count + uncertified.patterns.count) > program.p) {
                    if trace { note("the guess is far from the minimizer's patterns: the whole program follows") }
                    return (nil, iterations)
                }
                members.formUnion(uncertified.patterns)
            }
        }
        return (nil, iterations)
    }

    /// The settings with what is left of the iteration limit: it bounds all levels together.
    private var remaining: SolverSettings { settings.leaving(iterationsAfter: iterations) }

    private func solver(for form: ConicForm) -> (cones: ConeSet, kkt: any KKTSolver) {
        let cones = form.makeCones()
        return (cones, StructuredNormalEquations(form: form, cones: cones, settings: settings))
    }

    private mutating func wholeConesAndKKT() -> (cones: ConeSet, kkt: any KKTSolver) {
        if let wholeSolver { return wholeSolver }
        let made = solver(for: whole)
        wholeSolver = made
        return made
    }

    private func note(_ text: String) { FileHandle.standardError.write(Data("shrinking \(text)\n".utf8)) }

    /// Each pattern's largest epigraph variable t_j over its blocks in `level` at `iterate`.
    private func largestEpigraphVariables(of level: Level, at iterate: InteriorPoint.Outcome) -> [Int: Double] {
        var largestT: [Int: Double] = [:]
        for (k, j) in level.blocks.enumerated() {
            switch whole.roles[j] {
            case .w(let i), .v(let i): largestT[i] = max(largestT[i] ?? -.infinity, iterate.x[level.form.xOffset[k]])
            case .skip: break
            }
        }
        return largestT
    }

    /// The `keep` patterns of `current` with the largest t_j.
    private func level(keeping keep: Int, of current: Level, by largestT: [Int: Double]) -> Level {
        level(of: Array(current.members.sorted { (largestT[$0] ?? -.infinity) > (largestT[$1] ?? -.infinity) }.prefix(keep)).sorted())
    }

    /// The restricted program on `members` (increasing) and its blocks' places in the whole form.
    private func level(of members: [Int]) -> Level {
        let form = ConicForm(program: program.restricted(to: members), factors: factors.map { f in members.map { f[$0] } })
        let blocks = form.roles.map { role -> Int in
            switch role {
            case .skip: return blockOf[.skip]!
            case .w(let k): return blockOf[.w(members[k])]!
            case .v(let k): return blockOf[.v(members[k])]!
            }
        }
        return Level(form: form, members: members, blocks: blocks)
    }

    /// Keeps the sign multipliers of the blocks of `level` that are not in `kept`, as they are at `iterate`.
    private mutating func remember(_ iterate: InteriorPoint.Outcome, of level: Level, except kept: Set<Int>) {
        for (k, j) in level.blocks.enumerated() where !kept.contains(j) {
            if let rows = level.form.signRows(of: k) { droppedMultipliers[j] = level.form.spreadToEveryRow(iterate.z[rows], of: k) }
        }
    }

    /// `iterate` of level `from` in the layout of level `to`, whose blocks are among those of `from`.
    private func moved(_ iterate: InteriorPoint.Outcome, from: Level, to: Level) -> (x: [Double], y: [Double], s: [Double], z: [Double]) {
        let position = Dictionary(uniqueKeysWithValues: from.blocks.enumerated().map { ($1, $0) })
        var start = (x: [Double](repeating: 0, count: to.form.xCount), s: [Double](repeating: 0, count: to.form.m),
                     z: [Double](repeating: 0, count: to.form.m))
        copyIterate((iterate.x, iterate.s, iterate.z), from: from.form, into: &start, of: to.form,
                    blocks: to.blocks.enumerated().map { (position[$1]!, $0) })
        return (start.x, iterate.y, start.s, start.z)
    }

    struct Uncertified: Error { let patterns: Set<Int> }

    /// The minimizer on `level`, padded with zeros, as a point of the whole program with sign
    /// multipliers for the dropped blocks (the pattern working set's projected-gradient search; the
    /// multipliers they had when dropped leave their dual norms 1–8 % above their weights, since y has
    /// moved on since) and the cone part that zeroes their dual residual; or the patterns for which
    /// that part falls outside the second-order cone.
    private func certified(_ outcome: InteriorPoint.Outcome, on level: Level) -> Result<InteriorPoint.Outcome, Uncertified> {
        let n = whole.n, p = program.p
        var point = (x: [Double](repeating: 0, count: whole.xCount), s: [Double](repeating: 0, count: whole.m),
                     z: [Double](repeating: 0, count: whole.m))
        copyIterate((outcome.x, outcome.s, outcome.z), from: level.form, into: &point, of: whole,
                    blocks: level.blocks.enumerated().map { ($0, $1) })
        let kept = Set(level.blocks), memberSet = Set(level.members)
        let dropped = (0..<whole.blockCount).filter { !kept.contains($0) }
        let outside = (0..<p).filter { !memberSet.contains($0) }
        // No early stop for hopeless searches: where they succeed they take up to a hundred steps.
        let zero = [Double](repeating: 0, count: n)
        let start = outside.map { i in (plus: blockOf[.w(i)].flatMap { droppedMultipliers[$0] } ?? zero,
                                        minus: blockOf[.v(i)].flatMap { droppedMultipliers[$0] } ?? zero) }
        let certificate = coneDualMultipliers(lambda: outcome.y.scaled(by: -1), program: program, patterns: outside,
                                              factors: factors, start: start, settings: settings)
        for (k, i) in outside.enumerated() {
            for (role, mu) in [(ConicForm.Role.w(i), certificate.multipliers[k].plus), (.v(i), certificate.multipliers[k].minus)] {
                if let j = blockOf[role], let rows = whole.signRows(of: j) {
                    point.z.replaceSubrange(rows, with: whole.restrictToKeptRows(mu, of: j))
                }
            }
        }
        // A_jᵀy − S_jᵀz_j for every block (one product): z's cone part for the dropped blocks.
        var image = [Double](repeating: 0, count: whole.xCount)
        whole.addAdjoint(outcome.y, Array(point.z[whole.mSOC...]), into: &image)
        var uncertified = Set<Int>(), largestRatio = 0.0
        for j in dropped {
            let t = whole.xOffset[j], r = whole.ranks[j], weight = whole.c[t]
            let norm = image.withUnsafeBufferPointer { Double.nrm2(r, $0.baseAddress! + t + 1, 1) }
            largestRatio = max(largestRatio, norm / weight)
            guard norm <= weight * (1 + settings.reducedTolerance) else {
                switch whole.roles[j] {
                case .w(let i), .v(let i): uncertified.insert(i)
                case .skip: break
                }
                continue
            }
            point.z[t] = weight
            for a in 1...r { point.z[t + a] = image[t + a] }
        }
        if trace {
            note(String(format: "on %d patterns: dropped blocks' dual norms at most %.6f of their weights (%d blocks searched, %d projection steps)",
                        level.members.count, largestRatio, certificate.searched, certificate.projectionSteps))
        }
        guard uncertified.isEmpty else { return .failure(Uncertified(patterns: uncertified)) }
        return .success(InteriorPoint.Outcome(status: outcome.status, x: point.x, y: outcome.y, s: point.s, z: point.z,
                                              iterations: outcome.iterations,
                                              primalObjective: outcome.primalObjective, dualObjective: outcome.dualObjective))
    }
}

/// Copies the blocks' slices of (x, s, z) — (t_j, w_j) in x and in the cone part of s and z, the
/// sign rows in their orthant part — and the residual r of approx forms, from one form's layout to
/// another's; `blocks` pairs a block of `source` with its block in `target`.
private func copyIterate(_ from: (x: [Double], s: [Double], z: [Double]), from source: ConicForm,
                         into to: inout (x: [Double], s: [Double], z: [Double]), of target: ConicForm,
                         blocks: [(Int, Int)]) {
    let n = source.n
    for (a, b) in blocks {
        let length = source.ranks[a] + 1, fa = source.xOffset[a], fb = target.xOffset[b]
        for k in 0..<length {
            to.x[fb + k] = from.x[fa + k]
            to.s[fb + k] = from.s[fa + k]
            to.z[fb + k] = from.z[fa + k]
        }
        if let rowsA = source.signRows(of: a), let rowsB = target.signRows(of: b) {
            to.s.replaceSubrange(rowsB, with: from.s[rowsA])
            to.z.replaceSubrange(rowsB, with: from.z[rowsA])
        }
    }
    if source.approx { for i in 0..<n { to.x[target.rOffset + i] = from.x[source.rOffset + i] } }
}

/// The patterns to seed the solve of a neighbouring relaxed or approx program with (`solve`'s `seed`): those
/// whose blocks carry this minimizer, max(‖w_i‖, ‖v_i‖) above 1e-4 of the largest (the blocks a
/// minimizer leaves at zero end 10⁻⁵ of it or smaller), and up to `settings.seedMargin` times as many
/// in all, the others by how near their dual constraints are to binding (`dualRatios`; block sizes
/// where the result has none). Nil without a minimizer, or when no pattern carries it (a recovered
/// planted linear neuron): there is nothing to start from.
public func seedPatterns(from result: SolverResult, settings: SolverSettings = SolverSettings()) -> [Int]? {
    guard result.status.hasMinimizer else { return nil }
    let sizes = result.w.indices.map { i in max(result.w[i].norm, result.v?[i].norm ?? 0) }
    guard let largest = sizes.max(), largest > 0 else { return nil }
    let carrying = sizes.indices.filter { sizes[$0] > 1e-4 * largest }
    let nearness = result.dualRatios.count == sizes.count ? result.dualRatios : sizes
    let inCarrying = Set(carrying)
    let rest = sizes.indices.filter { !inCarrying.contains($0) }
        .sorted { nearness[$0] > nearness[$1] || (nearness[$0] == nearness[$1] && $0 < $1) }
    let count = min(sizes.count, Int((settings.seedMargin * Double(carrying.count)).rounded(.up)))
    return (carrying + rest.prefix(max(0, count - carrying.count))).sorted()
}
