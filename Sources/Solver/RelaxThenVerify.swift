import Foundation
import LinearAlgebra

/// How `solve` reached its answer (README "Relax, then verify").
public enum SolveRoute: String, Sendable, CaseIterable {
    /// The program itself was solved (normalized exact, relaxed forms whose working set did not
    /// settle, or `relaxThenVerify` and `relaxedWorkingSet` off).
    case direct
    /// Exact or approx form: the cone-free program's minimizer split into blocks that satisfy their
    /// cones, which makes it a minimizer of the program itself; the conic program was never solved.
    case relaxedVerified = "relaxed_verified"
    /// Exact or approx form: the cone-free minimizer failed the check, no working set was proved enough,
    /// and the program itself was then solved (its time includes the attempts before).
    case fallback
    /// The program was solved on a working set of patterns that the dual check then proved enough,
    /// with zeros elsewhere: relaxed forms (RelaxedWorkingSet.swift); exact or approx forms of skip and
    /// plain networks after the cone-free minimizer failed the check (PatternWorkingSet.swift).
    case workingSet = "working_set"
    /// Approx form: solved on the patterns a neighbouring program's minimizer used (`solve`'s `seed`:
    /// the next σ panel of the same cell), or for normalization approx those its cone-free minimizer
    /// points to (NormalizedConeFreeFirst.swift), the others certified with sign multipliers (claim 7),
    /// so the program itself was never iterated on (ShrinkingWorkingSet.swift, `solveOnSeed`).
    case seeded
}

/// The exact (approx) program's minimizer built from `relaxed`, the minimizer of its cone-free
/// counterpart at unit scale, or nil when some block's cone fails (README "Relax, then verify").
/// Block i's u_i becomes w_i when S_i u_i ≥ 0 and v_i = −u_i when S_i u_i ≤ 0 (S_i = (2D_i − I)X),
/// whichever sign violates less; the violations of all chosen signs together must stay within the
/// residual the iteration itself stops at, (residualFloor + ‖y‖)·feasibilityTolerance
/// (× approxToleranceFactor for approx), so the answer is as feasible as a direct solve's.
func verifiedSplit(of relaxed: SolverResult, program: ConvexProgram, settings: SolverSettings) -> SolverResult? {
    guard relaxed.status == .optimal, relaxed.w.count == program.p else { return nil }
    let n = program.n, d = program.d, p = program.p
    let loosen = program.form == .approx ? settings.approxToleranceFactor : 1
    let allowed = loosen * settings.feasibilityTolerance * (settings.residualFloor + program.y.norm)
    var neurons = [Double](repeating: 0, count: d * p)
    for (i, u) in relaxed.w.enumerated() {
        guard u.count == d else { return nil }
        for k in 0..<d { neurons[i * d + k] = u[k] }
    }
    let outputs = product(program.X, Matrix(rows: d, columns: p, columnMajor: neurons))
    let violations = signViolations(of: outputs, patterns: program.patterns) { $0 }
    let keepsSign = violations.map { $0.squaredBelow <= $0.squaredAbove }
    let squaredViolation = violations.reduce(0.0) { $0 + min($1.squaredBelow, $1.squaredAbove) }
    let worstViolation = zip(violations, keepsSign).reduce(0.0) { max($0, $1.1 ? $1.0.worstBelow : $1.0.worstAbove) }
    guard squaredViolation.squareRoot() <= allowed else { return nil }
    var result = relaxed
    let zero = [Double](repeating: 0, count: d)
    result.w = (0..<p).map { keepsSign[$0] ? relaxed.w[$0] : zero }
    result.v = (0..<p).map { keepsSign[$0] ? zero : relaxed.w[$0].scaled(by: -1) }
    // μ = 0: the cone-free dual λ is already feasible for the program with cones.
    result.signMultipliers = [[Double]](repeating: [Double](repeating: 0, count: n), count: 2 * p)
    // Same norms and the same Σ A_i(w_i − v_i) as the cone-free point; only the sign rows are new.
    result.primalResidual = max(relaxed.primalResidual, worstViolation)
    return result
}

/// How far block j's sign rows (2D − I)·outputs[:, j], with D the pattern `patternOf(j)`, fall below and
/// rise above zero: the violations of keeping the block (w_j = u_j) or negating it (v_j = −u_j).
struct SignViolation {
    var squaredBelow = 0.0, squaredAbove = 0.0
    var worstBelow = 0.0, worstAbove = 0.0
}

func signViolations(of outputs: Matrix<Double>, patterns: Matrix<Double>, patternOf: (Int) -> Int) -> [SignViolation] {
    let n = outputs.rows
    return outputs.storage.withUnsafeBufferPointer { z in
        patterns.storage.withUnsafeBufferPointer { dp in
            (0..<outputs.columns).map { j in
                let pattern = patternOf(j)
                var violation = SignViolation()
                for k in 0..<n {
                    let value = (2 * dp[pattern * n + k] - 1) * z[j * n + k]
                    if value < 0 {
                        violation.squaredBelow += value * value
                        violation.worstBelow = max(violation.worstBelow, -value)
                    } else {
                        violation.squaredAbove += value * value
                        violation.worstAbove = max(violation.worstAbove, value)
                    }
                }
                return violation
            }
        }
    }
}
