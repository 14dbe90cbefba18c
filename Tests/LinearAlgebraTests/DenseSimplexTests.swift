import Foundation
import LinearAlgebra
import Testing

@Suite struct DenseSimplexTests {
    /// max 3x + 5y s.t. x ≤ 4, 2y ≤ 12, 3x + 2y ≤ 18: optimum 36 at (2, 6).
    @Test func textbookProgram() {
        let result = DenseSimplex().maximize(c: [3, 5], a: Matrix([[1, 0], [0, 2], [3, 2]]), b: [4, 12, 18])
        #expect(result.status == .optimal)
        #expect(abs(result.objective - 36) < 1e-12)
        #expect(abs(result.solution[0] - 2) < 1e-12 && abs(result.solution[1] - 6) < 1e-12)
    }

    /// The same program's multipliers: y = (0, 1.5, 1) by hand (x ≤ 4 is slack), so bᵀy = 36 = cᵀx.
    @Test func textbookMultipliers() {
        let result = DenseSimplex().maximize(c: [3, 5], a: Matrix([[1, 0], [0, 2], [3, 2]]), b: [4, 12, 18])
        #expect(result.duals.count == 3)
        for (value, expected) in zip(result.duals, [0, 1.5, 1]) { #expect(abs(value - expected) < 1e-12) }
    }

    /// Random programs with b ≥ 0: strong duality bᵀy = cᵀx, dual feasibility Aᵀy ≥ c, y ≥ 0, and
    /// complementary slackness.
    @Test func multipliersCertifyTheOptimum() {
        var state: UInt64 = 12_345
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        for _ in 0..<20 {
            let m = 12, nv = 7
            let a = Matrix(rows: m, columns: nv, columnMajor: (0..<(m * nv)).map { _ in uniform() * 2 - 0.5 })
            let b = (0..<m).map { _ in uniform() + 0.1 }
            let c = (0..<nv).map { _ in uniform() * 2 - 1 }
            let result = DenseSimplex().maximize(c: c, a: a, b: b)
            guard result.status == .optimal else { continue }
            let y = result.duals, x = result.solution
            #expect(abs(zip(b, y).reduce(0) { $0 + $1.0 * $1.1 } - result.objective) < 1e-9)
            for j in 0..<nv {
                let column = (0..<m).reduce(0.0) { $0 + a[$1, j] * y[$1] }
                #expect(column >= c[j] - 1e-9)
            }
            for i in 0..<m {
                let slack = b[i] - (0..<nv).reduce(0.0) { $0 + a[i, $1] * x[$1] }
                #expect(y[i] >= 0 && y[i] * slack < 1e-9)
            }
        }
    }

    @Test func detectsUnboundedness() {
        let result = DenseSimplex().maximize(c: [1, 1], a: Matrix([[1, -1]]), b: [1])
        #expect(result.status == .unbounded)
    }

    @Test func stopsOnceTheThresholdIsPassed() {
        let result = DenseSimplex().maximize(c: [3, 5], a: Matrix([[1, 0], [0, 2], [3, 2]]), b: [4, 12, 18], stopAbove: 1)
        #expect(result.status == .thresholdReached)
        #expect(result.objective > 1)
    }

    /// Many constraints through the origin (b = 0, as in the all-ones test) whose half-planes leave only
    /// the origin: every pivot is degenerate, and the optimum is 0.
    @Test func degenerateProgramTerminates() {
        var rows: [[Double]] = []
        for k in 0..<30 { let t = Double(k) * 0.2; rows.append([-cos(t), -sin(t)]) }
        rows += [[1, 0], [0, 1]]
        let b = [Double](repeating: 0, count: 30) + [1, 1]
        let result = DenseSimplex().maximize(c: [1, 1], a: Matrix(rows), b: b)
        #expect(result.status == .optimal)
        #expect(result.objective.magnitude < 1e-12)
    }
}
