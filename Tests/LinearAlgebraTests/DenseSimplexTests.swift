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
