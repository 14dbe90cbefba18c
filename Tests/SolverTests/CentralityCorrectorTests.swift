import Foundation
import LinearAlgebra
import Solver
import Testing
import TestSupport
import Vocabulary

/// Gondzio's centrality correctors and the centered start (Solver README, "Start and centrality
/// correctors") change the path, never the answer: on noisy approx programs, the kind whose path
/// they were made for, the direct solve reaches the optimum of the solve without them, in fewer
/// iterations over the set.
@Suite struct CentralityCorrectorTests {
    static let cells: [(n: Int, d: Int, seed: UInt64)] = [(60, 15, 900), (80, 20, 901), (100, 20, 902), (120, 30, 903)]

    /// y = X w* + 0.1 g / √n, as cvx_train_skip's σ panels draw it (science §2).
    static func noisyProgram(_ cell: (n: Int, d: Int, seed: UInt64), architecture: NetworkKind) -> ConvexProgram {
        let inst = randomInstance(n: cell.n, d: cell.d, directions: max(cell.n, 50), seed: cell.seed)
        var rng = SplitMix64(seed: cell.seed + 1000)
        let y = inst.y.enumerated().map { $0.element + 0.1 * rng.gaussian() / Double(cell.n).squareRoot() }
        return ConvexProgram(architecture: architecture, form: .approx, X: inst.X, y: y, patterns: inst.patterns)
    }

    @Test(arguments: [NetworkKind.skip, .plain])
    func correctorsKeepTheOptimumAndShortenThePath(_ architecture: NetworkKind) throws {
        var direct = SolverSettings()
        direct.relaxThenVerify = false
        var plain = direct
        plain.centralityCorrectors = 0
        var with = 0, without = 0
        for cell in Self.cells {
            let program = Self.noisyProgram(cell, architecture: architecture)
            let a = solve(program, settings: direct), b = solve(program, settings: plain)
            #expect(a.status.hasMinimizer && b.status.hasMinimizer, "\(cell): \(a.status), \(b.status)")
            #expect(abs(a.objective - b.objective) <= 1e-6 * abs(b.objective), "\(cell): \(a.objective) vs \(b.objective)")
            with += a.iterations
            without += b.iterations
        }
        #expect(with < without, "\(architecture): \(with) iterations with correctors, \(without) without")
    }
}
