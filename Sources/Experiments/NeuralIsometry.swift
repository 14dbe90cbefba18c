import Instances
import LinearAlgebra
import Solver
import Vocabulary

/// The conditions of science §6 under which the convex programs provably recover the planted model.
enum NeuralIsometry {
    /// NIC-L: max_i ‖Xᵀ D_i X (XᵀX)⁻¹ w*‖ < 1 over the patterns. With q = X (XᵀX)⁻¹ w*, the vectors
    /// Xᵀ D_i q for all i are the columns of one product Xᵀ · (diag(q) D). The all-ones pattern gives
    /// exactly ‖w*‖ = 1, which rounding can put a hair below 1: the strict inequality is tested with
    /// a margin of 1e-9.
    static func nicLHolds(_ instance: Instance) -> Bool {
        guard let patterns = instance.patterns, let gram = try? instance.X.gram(.transpose).cholesky() else {
            return false  // XᵀX singular (n < d): the condition is undefined, so it does not hold
        }
        let q = instance.X.times(gram.solve(instance.planted.column(0)))
        let images = Matrix.product(instance.X, patterns.matrix.scalingRows(by: q), transA: .transpose)
        return (0..<images.columns).allSatisfy { images.column($0).norm < 1 - 1e-9 }
    }

    /// Irrepresentability for k planted ReLU neurons: λ = U_S (U_SᵀU_S)^† u with u = [ŵ_1; …; ŵ_k];
    /// holds iff ‖U_iᵀλ‖ < 1 + 1e-10 for every pattern no planted neuron produced. Only the planted
    /// patterns are factored; the others' norms come from their Gram matrices (`GramBasis.projectionNorm`,
    /// accepted where cond(D_i X) ≤ 100, so its rounding, ~ε·cond², stays far below the 1e-10 margin),
    /// else from their factor.
    static func irrepresentabilityHolds(_ instance: Instance) -> Bool {
        guard let patterns = instance.patterns else { return false }
        let program = ConvexProgram(architecture: .normalized, form: .relaxed, X: instance.X, y: instance.y,
                                    patterns: patterns.matrix)
        var us = Matrix<Double>(rows: instance.n, columns: 0)
        var u: [Double] = []
        for (j, s) in patterns.plantedPatterns.enumerated() {
            guard let factor = try? program.patternFactor(s),
                  let w = factor.normalizedCoordinates(of: instance.planted.column(j)) else { return false }
            us = us.appendingColumns(factor.u)
            u += w
        }
        guard let inverse = try? us.gram(.transpose).pseudoInverse() else { return false }
        let lambda = us.times(inverse.times(u))
        let planted = Set(patterns.plantedPatterns)
        return (0..<program.p).allSatisfy { i in
            if planted.contains(i) { return true }
            let (rows, block) = program.patternRows(i)
            if rows.isEmpty { return true }
            let norm = GramBasis.projectionNorm(of: rows.map { lambda[$0] }, onto: block, maximumCondition: 100)
                ?? (try? program.patternFactor(i))?.transposeTimes(lambda).norm
            guard let norm else { return false }
            return norm < 1 + 1e-10
        }
    }
}
