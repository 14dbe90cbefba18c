import Foundation
import LinearAlgebra
import Solver
import Testing

/// A verdict must not depend on the units of the data (README "Scale"): every fixture solved with y
/// or X multiplied by 10^±{3,6,9,12} has the status and the iteration count (within ±3, or an eighth
/// for one that ends on a stall) of the unscaled solve, and the objective the homogeneity of its form
/// predicts, to the fixture's accuracy.
@Suite struct ScaleInvarianceTests {
    static let exponents = [-12, -9, -6, -3, 3, 6, 9, 12]

    enum Scaled: String, CaseIterable { case labels, data }

    /// The program with y (or X) multiplied by s; approx forms scale β by s too, which makes the
    /// program the same one in new units: (X, s y, s β) has weights s·w and objective s²·objective,
    /// (s X, y, s β) weights w/s and the same objective. A normalized network's blocks live in the
    /// orthonormal bases U_i, which s X leaves as they are, so its β stays with X scaled.
    static func scaled(_ program: ConvexProgram, _ what: Scaled, by s: Double) -> ConvexProgram {
        var x = program.X, y = program.y
        if what == .labels { y.scale(by: s) } else { x.scale(by: s) }
        let betaScales = program.form == .approx && (what == .labels || program.architecture != .normalized)
        return ConvexProgram(architecture: program.architecture, form: program.form, X: x, y: y,
                             patterns: program.patterns, beta: betaScales ? program.beta * s : program.beta)
    }

    /// Factor by which the objective and the weights change (science §4; Solver/README.md "Scale").
    static func expectedFactors(_ program: ConvexProgram, _ what: Scaled, _ s: Double) -> (objective: Double, weights: Double) {
        let weights = what == .labels ? s : (program.architecture == .normalized ? 1 : 1 / s)
        switch (program.form, what) {
        case (.approx, .labels): return (s * s, weights)
        case (.approx, .data): return (1, weights)
        default: return (weights, weights)
        }
    }

    static func allWeights(_ r: SolverResult) -> [Double] {
        (r.w0 ?? []) + r.w.flatMap { $0 } + (r.v ?? []).flatMap { $0 }
    }

    @Test(arguments: solverFixtureNames())
    func fixtureVerdictIsScaleInvariant(_ name: String) throws {
        let program = try loadFixture(name).program
        let base = solve(program)
        let accuracy = program.form == .approx ? 1e-4 : 1e-6
        let baseWeights = Self.allWeights(base)
        for what in Scaled.allCases {
            for e in Self.exponents {
                let s = pow(10.0, Double(e))
                let scaledProgram = Self.scaled(program, what, by: s)
                let result = solve(scaledProgram)
                let label = "\(name), \(what.rawValue) × 1e\(e)"
                #expect(result.status == base.status, "\(label): \(result.status) (unscaled \(base.status))")
                // A solve that ends on a stall (the noisy n ≫ d fixture, about 50 iterations per round of
                // its sign-row working set) detects it at an iteration that rounding moves by a few more,
                // in each round.
                let slack = (base.status == .almostOptimal ? max(3, base.iterations / 8) : 3) * max(1, base.signRowRounds)
                #expect(abs(result.iterations - base.iterations) <= slack, "\(label): \(result.iterations) iterations (unscaled \(base.iterations))")
                let factors = Self.expectedFactors(program, what, s)
                let expected = base.objective * factors.objective
                #expect(abs(result.objective - expected) <= accuracy * expected, "\(label): objective \(result.objective), expected \(expected)")
                // Residuals are in the units of y.
                #expect(result.primalResidual <= 1e-8 * scaledProgram.y.norm, "\(label): residual \(result.primalResidual)")
                let weights = Self.allWeights(result)
                #expect(weights.count == baseWeights.count)
                let difference = zip(weights, baseWeights).map { $0 - factors.weights * $1 }.norm
                #expect(difference <= 1e-4 * factors.weights * baseWeights.norm, "\(label): weights differ by \(difference)")
            }
        }
    }

    /// The false "optimal": labels 1e-10 times smaller at the same β. Then 2‖A_iᵀ y‖ ≤ β for
    /// every block, so w = 0 is the minimizer (its subgradient condition holds) and the optimum is ‖y‖².
    @Test func tinyLabelsAgainstBetaGiveTheZeroNetwork() throws {
        let program = try loadFixture("skip_approx_n30_d8.json").program
        let y = program.y.scaled(by: 1e-10)
        let tiny = ConvexProgram(architecture: program.architecture, form: .approx, X: program.X, y: y,
                                 patterns: program.patterns, beta: program.beta)
        #expect(2 * program.X.times(y, .transpose).norm < program.beta)   // the premise: w = 0 is optimal
        let result = solve(tiny)
        #expect(result.status.hasMinimizer, "\(result.status)")
        let optimum = y.dot(y)
        #expect(abs(result.objective - optimum) <= 1e-4 * optimum, "objective \(result.objective), optimum \(optimum)")
    }

    /// The false infeasibility and NaN: large labels or tiny data, on an exact program that is
    /// feasible (the planted point meets the constraints).
    @Test(arguments: [(Scaled.labels, 1e10), (Scaled.data, 1e-10), (Scaled.labels, 1e4)])
    func feasibleProgramsStayFeasibleAtAnyScale(_ what: Scaled, _ s: Double) throws {
        for name in ["skip_relaxed_n20_d5.json", "skip_exact_n30_d8.json", "plain_exact_n30_d6.json"] {
            let program = Self.scaled(try loadFixture(name).program, what, by: s)
            let result = solve(program)
            #expect(result.status.isOptimal, "\(name), \(what.rawValue) × \(s): \(result.status)")
            #expect(result.objective.isFinite && Self.allWeights(result).allSatisfy(\.isFinite))
        }
    }

    /// Without equilibration the scale matters (the iteration measures in absolute units); the
    /// setting exists so this comparison can be made.
    @Test func equilibrationIsWhatMakesTheDifference() throws {
        let program = Self.scaled(try loadFixture("skip_relaxed_n20_d5.json").program, .labels, by: 1e10)
        var raw = SolverSettings()
        raw.equilibrate = false
        #expect(!solve(program, settings: raw).status.isOptimal)
        #expect(solve(program).status.isOptimal)
    }
}
