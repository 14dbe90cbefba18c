import Foundation
import LinearAlgebra
import Solver
import Testing
import Vocabulary

/// The structured normal equations against the dense reference KKT solve: same iteration, so
/// the same iterates up to rounding, on every architecture × form.
@Suite struct ReferenceKKTTests {
    static let cases: [(NetworkKind, ProgramForm)] = NetworkKind.allCases.flatMap { a in ProgramForm.allCases.map { (a, $0) } }

    @Test(arguments: 0..<9)
    func structuredMatchesDense(_ k: Int) throws {
        let (arch, form) = Self.cases[k]
        let inst = randomInstance(n: 14, d: 4, directions: 12, seed: UInt64(100 + k), planted: arch == .normalized ? .normalized : .skip)
        let program = ConvexProgram(architecture: arch, form: form, X: inst.X, y: inst.y, patterns: inst.patterns)
        var dense = SolverSettings()
        dense.denseReferenceKKT = true
        let a = solve(program)
        let b = solve(program, settings: dense)
        // A minimizer: optimal, or almost optimal (a stall at 1e-7, which the solver reported as
        // optimal before it had its own status); the accuracy checks below hold for both.
        #expect(a.status.hasMinimizer, "\(arch) \(form): structured \(a.status)")
        #expect(b.status.hasMinimizer, "\(arch) \(form): dense \(b.status)")
        let tol = form == .approx ? 1e-4 * abs(b.objective) : 1e-7
        #expect(abs(a.objective - b.objective) <= tol, "\(arch) \(form): \(a.objective) vs \(b.objective)")
        // The Newton directions themselves, at the iterates of the structured path, while the
        // system is still well conditioned (near the optimum both are only as good as its condition).
        let deviation = try #require(structuredKKTDeviation(program, iterations: 3))
        #expect(deviation <= 1e-8, "\(arch) \(form): structured and dense directions differ by \(deviation)")
    }
}
