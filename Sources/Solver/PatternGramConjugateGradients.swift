import Foundation
import LinearAlgebra

/// What a caller needs to know of the dual norms ‖A_jᵀλ‖ / c_j of a program's blocks.
public enum DualNormQuestion: Sendable {
    /// Every value, to a relative accuracy.
    case values(relativeAccuracy: Double)
    /// Only which values exceed 1 − margin: a value settled below it may be a lower estimate, one
    /// above it a lower bound. The relaxed working set's check (`workingSetTieMargin`).
    case exceeds(margin: Double)
    /// The largest value exactly; every other one only as far as it is certainly smaller. A
    /// certificate's margin.
    case largest

    /// Every value to about the accuracy of a pattern factor's triangular solves.
    public static let exact = DualNormQuestion.values(relativeAccuracy: exactAccuracy)
    static let exactAccuracy = 1e-12
}

/// The dual norms ‖U_jᵀλ‖ of normalized blocks whose factor U_j has not been formed (science §4,
/// normalization; Solver README, "Dual norms without the factors"). For a pattern of rank d,
/// U_j = D_j X M_j with M_j M_jᵀ = G_j⁻¹, G_j = XᵀD_jX, so
///
///     ‖U_jᵀλ‖² = b_jᵀ G_j⁻¹ b_j,   b_j = XᵀD_jλ.
///
/// Conjugate gradients on G_j v = b_j for all patterns at once need no G_j: an iteration is the
/// products X P and Xᵀ(D ∘ X P) for the d×k directions P of k patterns, and a solve with the
/// preconditioner XᵀX (one d×d Cholesky factor; E[D_j] ≈ I/2 for symmetric data, and a scalar
/// multiple of a preconditioner leaves the iterates unchanged). From v₀ = 0 the energy
/// e_k = b_jᵀv_k = Σ_{i<k} α_iρ_i rises to b_jᵀG_j⁻¹b_j from below, and the error left after step k
/// is the sum of the increments still to come; they fall geometrically (at (1850, 500), 5, 10, 15, 20
/// steps left 1.9e-3, 2.0e-5, 1.6e-7, 1.2e-9 of values near 1), so `safety` times the last
/// increment is taken as the error's bound. A column stops as soon as the question is answered:
/// above a threshold is certain at once (a lower bound), below it when the bound clears it, and a
/// value is accurate when the bound is below its share of e_k. A column that has not settled within
/// `maximumIterations` (a rank-deficient or badly conditioned G_j) is left to the caller's factor.
struct PatternGramConjugateGradients {
    let program: ConvexProgram
    private let preconditioner: Cholesky
    /// The error bound's multiple of the last energy increment: at a contraction of the increments
    /// by ρ per step the error left is ρ/(1 − ρ) of it, 9 at ρ = 0.9; measured ρ ≈ 0.4.
    static let safety = 10.0
    static let maximumIterations = 100

    /// Nil when XᵀX is singular (X of rank below d): then the patterns' factors decide.
    init?(_ program: ConvexProgram) {
        guard let preconditioner = try? Cholesky(program.X.gram(.transpose)) else { return nil }
        self.program = program
        self.preconditioner = preconditioner
    }

    /// ‖U_jᵀλ‖ / c_j for the listed patterns, from their images b_j (the columns of `images`, d×k)
    /// and weights c_j, as far as `question` needs; nil where the iteration did not settle.
    func ratios(images: Matrix<Double>, patterns: [Int], weights: [Double], question: DualNormQuestion) -> [Double?] {
        let k = patterns.count, d = program.d
        let start = DispatchTime.now().uptimeNanoseconds
        var columnIterations = 0
        precondition(images.rows == d && images.columns == k && weights.count == k)
        // Squared ratios throughout: e_j / c_j².
        let squaredWeights = weights.map { $0 * $0 }
        var energy = [Double](repeating: 0, count: k), settled = [Bool](repeating: false, count: k)
        var residual = images, active = Array(0..<k)
        var preconditioned = preconditioner.solve(residual)
        var directions = preconditioned
        var rho = (0..<k).map { columnDot(residual, $0, preconditioned, $0) }
        for c in 0..<k where rho[c] <= 0 { settled[c] = true }  // b_j = 0: the value is 0
        // Values above `threshold` are answered at once, values certainly below it too.
        var (threshold, accuracy): (Double?, Double) = (nil, 0)
        switch question {
        case .values(let relativeAccuracy): accuracy = relativeAccuracy
        case .exceeds(let margin): threshold = (1 - margin) * (1 - margin)
        case .largest: accuracy = DualNormQuestion.exactAccuracy
        }
        compact(keeping: (0..<k).filter { !settled[$0] }, active: &active, residual: &residual, preconditioned: &preconditioned,
                directions: &directions, rho: &rho)
        var iteration = 0
        while !active.isEmpty && iteration < Self.maximumIterations {
            iteration += 1
            let a = active.count
            columnIterations += a
            let products = gramTimes(directions, patterns: active.map { patterns[$0] })
            var increments = [Double](repeating: 0, count: a)
            for c in 0..<a {
                let curvature = columnDot(directions, c, products, c)
                // A direction G_j does not see: G_j is singular along it (rank below d).
                guard curvature > 0 else { increments[c] = .nan; continue }
                let alpha = rho[c] / curvature
                increments[c] = alpha * rho[c]
                energy[active[c]] += increments[c]
                residual.storage.withUnsafeMutableBufferPointer { r in
                    products.storage.withUnsafeBufferPointer { q in
                        Double.axpy(d, -alpha, q.baseAddress! + c * d, 1, r.baseAddress! + c * d, 1)
                    }
                }
            }
            preconditioned = preconditioner.solve(residual)
            for c in 0..<a {
                let next = columnDot(residual, c, preconditioned, c), beta = next / rho[c]
                rho[c] = next
                directions.storage.withUnsafeMutableBufferPointer { p in
                    preconditioned.storage.withUnsafeBufferPointer { z in
                        let column = p.baseAddress! + c * d
                        Double.scal(d, beta, column, 1)
                        Double.axpy(d, 1, z.baseAddress! + c * d, 1, column, 1)
                    }
                }
            }
            // The largest lower value so far, for `.largest`.
            let largest = (0..<k).map { energy[$0] / squaredWeights[$0] }.max() ?? 0
            var keep: [Int] = []
            for (c, column) in active.enumerated() {
                let increment = increments[c]
                guard increment.isFinite else { continue }  // unsettled: the caller's factor decides
                let value = energy[column] / squaredWeights[column], bound = Self.safety * increment / squaredWeights[column]
                let answered: Bool
                let above = threshold.map { value > $0 } ?? false
                if iteration < 2 {
                    answered = above
                } else {
                    let accurate = bound <= accuracy * value || rho[c] <= 0
                    let below = threshold.map { value + bound < $0 } ?? false
                    let belowLargest: Bool = if case .largest = question { value + bound < largest } else { false }
                    answered = accurate || above || below || belowLargest
                }
                if answered { settled[column] = true } else { keep.append(c) }
            }
            compact(keeping: keep, active: &active, residual: &residual, preconditioned: &preconditioned,
                    directions: &directions, rho: &rho)
        }
        if ProcessInfo.processInfo.environment["NEUREC_SOLVER_TRACE"] != nil {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            FileHandle.standardError.write(Data("dual norms of \(k) unformed blocks by conjugate gradients (\(question)): \(iteration) iterations, \(columnIterations) column-iterations, \(settled.filter { !$0 }.count) unsettled, \(String(format: "%.3f", seconds)) s\n".utf8))
        }
        return (0..<k).map { settled[$0] ? (energy[$0] / squaredWeights[$0]).squareRoot() : nil }
    }

    /// G_j p_j = Xᵀ D_j (X p_j) for every column p_j of `directions`, pattern j = `patterns` of it.
    private func gramTimes(_ directions: Matrix<Double>, patterns: [Int]) -> Matrix<Double> {
        let n = program.n
        var outputs = Matrix<Double>(rows: n, columns: directions.columns)
        Matrix.gemm(program.X, directions, into: &outputs)
        program.patterns.storage.withUnsafeBufferPointer { dp in
            outputs.storage.withUnsafeMutableBufferPointer { op in
                for (c, j) in patterns.enumerated() {
                    let mask = dp.baseAddress! + j * n, out = op.baseAddress! + c * n
                    for row in 0..<n { out[row] = mask[row] != 0 ? out[row] : 0 }
                }
            }
        }
        return Matrix.product(program.X, outputs, transA: .transpose)
    }

    /// Keeps the listed positions of the active columns' state.
    private func compact(keeping keep: [Int], active: inout [Int], residual: inout Matrix<Double>,
                         preconditioned: inout Matrix<Double>, directions: inout Matrix<Double>, rho: inout [Double]) {
        guard keep.count < active.count else { return }
        active = keep.map { active[$0] }
        residual = residual.columns(keep)
        preconditioned = preconditioned.columns(keep)
        directions = directions.columns(keep)
        rho = keep.map { rho[$0] }
    }

    private func columnDot(_ a: Matrix<Double>, _ i: Int, _ b: Matrix<Double>, _ j: Int) -> Double {
        let d = a.rows
        return a.storage.withUnsafeBufferPointer { ap in
            b.storage.withUnsafeBufferPointer { bp in Double.dot(d, ap.baseAddress! + i * d, 1, bp.baseAddress! + j * d, 1) }
        }
    }
}
