import Foundation
import LinearAlgebra
import Solver
import Testing
import Vocabulary

/// Relax, then verify (Solver README): exact and approx programs answered by their cone-free
/// relaxation must agree with the programs solved themselves, and be feasible for them.
@Suite struct RelaxThenVerifyTests {
    static var direct: SolverSettings {
        var settings = SolverSettings()
        settings.relaxThenVerify = false
        return settings
    }

    /// Exact and approx programs of skip and plain networks: the fixtures, and random instances on
    /// both sides of the skip transition n = 2d (science §4) and at n < d.
    static let programs: [(String, ConvexProgram)] = {
        var out: [(String, ConvexProgram)] = []
        for name in solverFixtureNames() where !name.hasPrefix("normalized") && !name.contains("relaxed") {
            out.append((name, try! loadFixture(name).program))
        }
        for (k, (n, d)) in [(80, 10), (60, 20), (30, 10), (40, 30), (10, 30)].enumerated() {
            let inst = randomInstance(n: n, d: d, directions: max(n, 50), seed: UInt64(500 + k))
            for arch in [NetworkKind.skip, .plain] {
                for form in [ProgramForm.exact, .approx] {
                    out.append(("\(arch) \(form) n=\(n) d=\(d)",
                                ConvexProgram(architecture: arch, form: form, X: inst.X, y: inst.y, patterns: inst.patterns)))
                }
            }
        }
        return out
    }()

    /// Same objective as the direct solve, and the returned point is feasible for the program with
    /// cones (checked here from the weights, not from the solver's residual): sign rows
    /// (2D_i − I)X w_i ≥ 0 and (2D_i − I)X v_i ≥ 0, and for exact forms Σ A_i(w_i − v_i) = y;
    /// its objective recomputed from the weights is the reported one.
    @Test(arguments: 0..<programs.count)
    func agreesWithTheDirectSolve(_ k: Int) throws {
        let (name, program) = Self.programs[k]
        let viaRelaxation = solve(program), direct = solve(program, settings: Self.direct)
        #expect(viaRelaxation.status.hasMinimizer && direct.status.hasMinimizer, "\(name): \(viaRelaxation.status), \(direct.status)")
        #expect(viaRelaxation.route != .direct && direct.route == .direct, "\(name)")
        let tolerance = program.form == .approx ? 1e-6 : 1e-7
        let relative = abs(viaRelaxation.objective - direct.objective) / abs(direct.objective)
        #expect(relative <= tolerance, "\(name) (\(viaRelaxation.route)): \(viaRelaxation.objective) vs \(direct.objective)")

        let v = try #require(viaRelaxation.v)
        var fit = viaRelaxation.w0.map { program.X.times($0) } ?? [Double](repeating: 0, count: program.n)
        var norms = viaRelaxation.w0?.norm ?? 0, worstSign = 0.0
        for i in 0..<program.p {
            let mask = program.patterns.column(i)
            for (block, sign) in [(viaRelaxation.w[i], 1.0), (v[i], -1.0)] {
                let z = program.X.times(block)
                for r in 0..<program.n {
                    worstSign = max(worstSign, -(2 * mask[r] - 1) * z[r])
                    fit[r] += sign * mask[r] * z[r]
                }
                norms += block.norm
            }
        }
        #expect(worstSign <= 1e-8, "\(name) (\(viaRelaxation.route)): a sign row is violated by \(worstSign)")
        let misfit = fit.adding(program.y, scaledBy: -1).norm
        if program.form == .exact {
            #expect(misfit <= 1e-8, "\(name): ‖Σ A_i(w_i − v_i) − y‖ = \(misfit)")
            #expect(abs(norms - viaRelaxation.objective) <= 1e-12 * norms, "\(name)")
        } else {
            let objective = misfit * misfit + program.beta * norms
            #expect(abs(objective - viaRelaxation.objective) <= 1e-9 * objective, "\(name)")
        }
    }

    /// Where the relaxation verifies, its λ with μ = 0 is the exact program's dual certificate:
    /// ‖A_iᵀλ‖ ≤ 1 on every block (X, D_i X), and yᵀλ equals the objective.
    @Test func verifiedExactSolveCarriesADualCertificate() throws {
        let inst = randomInstance(n: 80, d: 10, directions: 80, seed: 500)
        let program = ConvexProgram(architecture: .skip, form: .exact, X: inst.X, y: inst.y, patterns: inst.patterns)
        let result = solve(program)
        #expect(result.route == .relaxedVerified, "\(result.route)")
        #expect(try #require(result.signMultipliers).allSatisfy { $0.allSatisfy { $0 == 0 } })
        let lambda = try #require(result.lambda)
        for a in try blockMatrices(program) { #expect(a.times(lambda, .transpose).norm <= 1 + 1e-7) }
        #expect(abs(program.y.dot(lambda) - result.objective) <= 1e-7 * result.objective)
    }

    /// With the all-ones pattern among the patterns, its block ties with w₀ (science §4): the
    /// relaxed analytic centre puts part of w* on the all-ones block, whose cone X u ≥ 0 fails
    /// because y = X w* has both signs. Without the working set (which answers this instance:
    /// PatternWorkingSetTests) the fallback must run and return exactly the direct solve.
    static func allOnesTie(_ form: ProgramForm) throws -> ConvexProgram {
        let inst = randomInstance(n: 30, d: 10, directions: 50, seed: 504)
        try #require(inst.y.contains { $0 > 0 } && inst.y.contains { $0 < 0 })
        let n = inst.X.rows
        let patterns = Matrix(rows: n, columns: inst.patterns.columns + 1,
                              columnMajor: inst.patterns.storage + [Double](repeating: 1, count: n))
        return ConvexProgram(architecture: .skip, form: form, X: inst.X, y: inst.y, patterns: patterns)
    }

    @Test(arguments: [ProgramForm.exact, .approx])
    func failedVerificationFallsBackToTheDirectSolve(_ form: ProgramForm) throws {
        let program = try Self.allOnesTie(form)
        var noWorkingSet = SolverSettings()
        noWorkingSet.patternWorkingSet = false
        let result = solve(program, settings: noWorkingSet), direct = solve(program, settings: Self.direct)
        #expect(result.route == .fallback)
        #expect(result.status == direct.status)
        #expect(result.objective == direct.objective && result.w == direct.w && result.v == direct.v)
    }

    /// Relax-then-verify leaves relaxed forms and normalized exact forms alone: those are solved
    /// directly, or (relaxed forms) on a working set of patterns (RelaxedWorkingSetTests).
    @Test func relaxedAndNormalizedExactFormsAreNotVerified() throws {
        for name in solverFixtureNames() where name.hasPrefix("normalized_exact") || name.contains("relaxed") {
            let route = solve(try loadFixture(name).program).route
            #expect(route == .direct || (name.contains("relaxed") && route == .workingSet), "\(name): \(route)")
        }
    }
}
