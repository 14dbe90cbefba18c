import Foundation
import LinearAlgebra
import Solver
import Testing
import TestSupport
import Vocabulary

/// Relaxed programs solved on a working set of patterns (Solver README "Relax, then verify", claim 6):
/// the answer must be an optimum of the whole program, checked from the returned point and λ
/// against every pattern, not from the solver's word.
@Suite struct RelaxedWorkingSetTests {
    static var direct: SolverSettings {
        var settings = SolverSettings()
        settings.relaxedWorkingSet = false
        return settings
    }

    /// Planted labels (few patterns carry the minimizer) and labels of pure noise (many do, so the set
    /// must grow over several rounds), with unit weights and with uneven ones.
    struct Case: CustomStringConvertible, Sendable {
        var architecture: NetworkKind, n: Int, d: Int, seed: UInt64, noiseLabels: Bool, weighted: Bool
        var description: String { "\(architecture) n=\(n) d=\(d) seed=\(seed)\(noiseLabels ? " noise" : "")\(weighted ? " weighted" : "")" }
    }

    static let cases: [Case] = [NetworkKind.skip, .plain, .normalized].flatMap { a in
        [(60, 10, 800 as UInt64), (80, 20, 801), (120, 20, 802)].flatMap { cell in
            [(false, false), (true, false), (false, true)].map { Case(architecture: a, n: cell.0, d: cell.1, seed: cell.2, noiseLabels: $0.0, weighted: $0.1) }
        }
    }

    static func program(_ c: Case) -> ConvexProgram {
        let inst = randomInstance(n: c.n, d: c.d, directions: 4 * c.n, seed: c.seed,
                                  planted: c.architecture == .skip ? .skip : .normalized)
        var rng = SplitMix64(seed: c.seed + 1000)
        let y = c.noiseLabels ? (0..<c.n).map { _ in rng.gaussian() } : inst.y
        var program = ConvexProgram(architecture: c.architecture, form: .relaxed, X: inst.X, y: y, patterns: inst.patterns)
        if c.weighted { program.patternWeights = (0..<program.p).map { _ in 0.5 + rng.uniform() } }
        return program
    }

    /// The whole relaxed program's optimality conditions: Σ A_j w_j (+ X w₀) = y, ‖A_jᵀλ‖ ≤ c_j for every
    /// pattern (‖Xᵀλ‖ ≤ 1 for w₀), and Σ c_j‖w_j‖ (+ ‖w₀‖) = yᵀλ. A_j = D_j X, or U_j for normalized blocks.
    static func kktViolations(_ program: ConvexProgram, _ r: SolverResult) throws -> [String] {
        let n = program.n
        let lambda = try #require(r.lambda)
        var problems: [String] = []
        var fit = r.w0.map { program.X.times($0) } ?? [Double](repeating: 0, count: n)
        var norms = r.w0?.norm ?? 0
        if let w0 = r.w0, w0.count == program.d {
            let dual = program.X.times(lambda, .transpose).norm
            if dual > 1 + 1e-7 { problems.append("‖Xᵀλ‖ = \(dual)") }
        }
        for j in 0..<program.p {
            let mask = program.patterns.column(j)
            let image: [Double], dual: Double
            if let factor = r.patternFactors?[j] {
                image = factor.u.times(r.w[j])
                dual = factor.u.times(lambda, .transpose).norm
            } else {
                image = program.X.times(r.w[j]).enumerated().map { mask[$0] * $1 }
                dual = program.X.times((0..<n).map { mask[$0] * lambda[$0] }, .transpose).norm
            }
            fit.add(image)
            norms += program.patternWeight(j) * r.w[j].norm
            if dual > program.patternWeight(j) * (1 + 1e-7) { problems.append("pattern \(j): dual norm \(dual) > \(program.patternWeight(j))") }
        }
        let misfit = fit.adding(program.y, scaledBy: -1).norm
        if misfit > 1e-8 * max(1, program.y.norm) { problems.append("‖Σ A_j w_j − y‖ = \(misfit)") }
        let dualObjective = program.y.dot(lambda)
        if abs(norms - dualObjective) > 1e-7 * abs(norms) { problems.append("primal \(norms) vs dual \(dualObjective)") }
        if abs(norms - r.objective) > 1e-8 * abs(norms) { problems.append("reported objective \(r.objective) vs \(norms)") }
        return problems
    }

    @Test(arguments: cases)
    func workingSetSolvesTheWholeProgram(_ c: Case) throws {
        let program = Self.program(c)
        let result = solve(program)
        let direct = solve(program, settings: Self.direct)
        try #require(result.status == .optimal && direct.status == .optimal, "\(c): \(result.status), \(direct.status)")
        #expect(abs(result.objective - direct.objective) <= 1e-8 * abs(direct.objective), "\(c): \(result.objective) vs \(direct.objective)")
        let problems = try Self.kktViolations(program, result)
        #expect(problems.isEmpty, "\(c): \(problems.prefix(5))")
    }

    /// The route is taken: by every case with planted labels and unit weights (the experiments' case),
    /// and by most of the others (the rest fall back to the direct solve, checked above all the same).
    @Test func workingSetRouteIsTaken() throws {
        let routes = Self.cases.map { ($0, solve(Self.program($0)).route) }
        for (c, route) in routes where !c.noiseLabels && !c.weighted { #expect(route == .workingSet, "\(c): \(route)") }
        #expect(3 * routes.filter { $0.1 == .workingSet }.count >= 2 * routes.count, "\(routes.map { "\($0.0): \($0.1)" })")
    }

    /// Labels of pure noise need more than the starting set: some case takes a second round, so the
    /// growth of the set is exercised (and checked by the test above).
    @Test func noiseLabelsGrowTheSet() throws {
        let rounds = Self.cases.filter(\.noiseLabels).map { solve(Self.program($0)).workingSetRounds }
        #expect(rounds.contains { $0 >= 2 }, "rounds: \(rounds)")
    }

    /// Rounds that stop at the check (`workingSetCheckMerit`), with offenders found from a λ that is
    /// only accurate to 1e-5, each next round continued from the iterate the last one paused at
    /// (`workingSetWarmShift`, with the new blocks' layout rebuilt), and the last round continued from
    /// its own pause, end at the same optimum as rounds run to the end from their own starts, and meet
    /// the whole program's conditions themselves.
    @Test(arguments: cases.filter(\.noiseLabels))
    func roundsStoppedAtTheCheckEndAtTheSameOptimum(_ c: Case) throws {
        let program = Self.program(c)
        var toTheEnd = SolverSettings()
        toTheEnd.workingSetCheckMerit = nil
        let checked = solve(program), full = solve(program, settings: toTheEnd)
        try #require(checked.status == .optimal && full.status == .optimal, "\(c): \(checked.status), \(full.status)")
        #expect(abs(checked.objective - full.objective) <= 1e-8 * abs(full.objective), "\(c): \(checked.objective) vs \(full.objective)")
        let problems = try Self.kktViolations(program, checked)
        #expect(problems.isEmpty, "\(c): \(problems.prefix(5))")
    }

    /// The check can fail: a λ scaled by 1.01 violates some pattern's dual constraint, and a block
    /// changed by 1 % breaks the fit.
    @Test func kktCheckRejectsPerturbedAnswers() throws {
        for c in Self.cases.prefix(3) {
            let program = Self.program(c)
            var result = solve(program)
            let good = try Self.kktViolations(program, result)
            #expect(good.isEmpty, "\(c): \(good.prefix(3))")
            result.lambda = result.lambda?.scaled(by: 1.01)
            #expect(!(try Self.kktViolations(program, result)).isEmpty, "\(c): scaled λ passed")
        }
    }
}
