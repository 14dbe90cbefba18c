import Foundation
import LinearAlgebra

/// Σ_j η_j² U_jU_jᵀ over the normalized blocks without sign rows (every w_i of the relaxed
/// normalization program, science §4): the identity parts of their (H_j⁻¹)_ww = η_j²(I + 2w̄₁w̄₁ᵀ)
/// in the normal matrix.
///
/// U_j (orthonormal, zero outside pattern j's n_j rows) is fixed and only η_j changes, so the
/// projector P_j = U_jU_jᵀ on the pattern's rows could be formed once and scattered each iteration.
/// Kept for all p patterns those projectors hold Σ n_j² ≈ n²p/4 numbers (2 GB at (1000, 250)), so
/// they are kept only up to `SolverSettings.normalizedProjectorCache` numbers; every other pattern's P_j is formed again in
/// each iteration from its U_j rows by one n_j×r_j syrk (BLAS-3, n_j²r_j flops) into a scratch
/// block. Both ways compute P_j by the same syrk and add η_j² P_j by the same scatter, so the
/// normal matrix does not depend on which patterns were cached.
struct NormalizedProjectorSum {
    /// The blocks (indices into the conic form's blocks) and their pattern factors.
    let blocks: [Int]
    private let factors: [PatternFactor]
    /// P_j on the pattern's rows (full n_j×n_j, lower triangle used), nil beyond the budget.
    private let cached: [[Double]?]
    private var scratch: [Double]

    init(form: ConicForm, blocks: [Int], cacheBudget: Int) {
        self.blocks = blocks
        factors = blocks.map { form.factors[$0]! }
        var budget = cacheBudget
        var cached: [[Double]?] = []
        for f in factors {
            let nj = f.rows.count
            if nj * nj <= budget {
                budget -= nj * nj
                var p = [Double](repeating: 0, count: nj * nj)
                Self.projector(f, into: &p)
                cached.append(p)
            } else {
                cached.append(nil)
            }
        }
        self.cached = cached
        let largest = zip(factors, cached).filter { $0.1 == nil }.map { $0.0.rows.count }.max() ?? 0
        scratch = [Double](repeating: 0, count: largest * largest)
    }

    /// Lower triangle of U_jU_jᵀ on the pattern's rows.
    private static func projector(_ f: PatternFactor, into p: UnsafeMutablePointer<Double>) {
        let nj = f.rows.count, r = f.rank
        guard nj > 0 && r > 0 else { return }
        f.compactU.storage.withUnsafeBufferPointer { u in
            Double.syrk(false, nj, r, 1, u.baseAddress!, nj, 0, p, nj)
        }
    }

    private static func projector(_ f: PatternFactor, into p: inout [Double]) {
        p.withUnsafeMutableBufferPointer { projector(f, into: $0.baseAddress!) }
    }

    /// m (n×n, lower triangle) += Σ_k etaSquared[k] P_{blocks[k]}; returns the flops spent.
    mutating func add(etaSquared: [Double], into m: UnsafeMutablePointer<Double>, n: Int) -> Double {
        var flops = 0.0
        scratch.withUnsafeMutableBufferPointer { sp in
            for (k, f) in factors.enumerated() {
                let rows = f.rows, nj = rows.count, e2 = etaSquared[k]
                func scatter(_ base: UnsafePointer<Double>) {
                    // Rows increase, so the lower triangle lands in M's lower triangle.
                    for b in 0..<nj {
                        let col = rows[b] * n
                        for a in b..<nj { m[rows[a] + col] += e2 * base[a + b * nj] }
                    }
                }
                if let p = cached[k] {
                    p.withUnsafeBufferPointer { scatter($0.baseAddress!) }
                } else {
                    Self.projector(f, into: sp.baseAddress!)
                    scatter(sp.baseAddress!)
                    flops += Double(nj * nj * f.rank)
                }
                flops += Double(nj * nj)
            }
        }
        return flops
    }
}
