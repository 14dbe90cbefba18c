import Foundation
import LinearAlgebra

/// Σ_j η_j² U_jU_jᵀ over the normalized blocks without sign rows (every w_i of the relaxed
/// normalization program, science §4): the identity parts of their (H_j⁻¹)_ww = η_j²(I + 2w̄₁w̄₁ᵀ)
/// in the normal matrix.
///
/// U_j (orthonormal, zero outside pattern j's n_j rows) is fixed and only η_j changes, so the
/// projector P_j = U_jU_jᵀ on the pattern's rows could be formed once and scattered each iteration.
/// Kept for all p patterns those projectors hold Σ n_j(n_j+1)/2 ≈ n²p/8 numbers (1 GB at (1000, 250)),
/// so they are kept only up to `SolverSettings.normalizedProjectorCache` numbers; every other pattern's P_j is formed again in
/// each iteration from its U_j rows by one n_j×r_j syrk (BLAS-3, n_j²r_j flops) into a scratch
/// block. Both ways compute P_j by the same syrk and add η_j² P_j by the same scatter, so the
/// normal matrix does not depend on which patterns were cached.
struct NormalizedProjectorSum {
    /// The blocks (indices into the conic form's blocks) and their pattern factors.
    let blocks: [Int]
    private let factors: [PatternFactor]
    /// Each pattern's rows as Int32, the index stream of the scatter.
    private let rows: [[Int32]]
    /// The lower triangle of P_j on the pattern's rows, packed by columns (n_j(n_j+1)/2 numbers:
    /// the scatter reads nothing else, so twice as many patterns fit the budget as with full
    /// n_j×n_j blocks and it streams half the memory); nil beyond the budget.
    private let cached: [[Double]?]
    private var scratch: [Double]

    init(form: ConicForm, blocks: [Int], cacheBudget: Int) {
        self.blocks = blocks
        factors = blocks.map { form.factors[$0]! }
        rows = factors.map { $0.rows.map { Int32($0) } }
        var budget = cacheBudget
        var cached: [[Double]?] = []
        let widest = factors.map { $0.rows.count }.max() ?? 0
        var full = [Double](repeating: 0, count: widest * widest)
        for f in factors {
            let nj = f.rows.count, packedCount = nj * (nj + 1) / 2
            if packedCount <= budget {
                budget -= packedCount
                cached.append(f.packedProjector {
                    Self.projector(f, into: &full)
                    var packed = [Double](repeating: 0, count: packedCount)
                    var o = 0
                    for b in 0..<nj { for a in b..<nj { packed[o] = full[a + b * nj]; o += 1 } }
                    return packed
                })
            } else {
                cached.append(nil)
            }
        }
        self.cached = cached
        let largest = zip(factors, cached).filter { $0.1 == nil }.map { $0.0.rows.count }.max() ?? 0
        scratch = [Double](repeating: 0, count: largest * largest)
    }

    /// Lower triangle of U_jU_jᵀ on the pattern's rows (full n_j×n_j storage).
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
                let nj = f.rows.count, e2 = etaSquared[k]
                if cached[k] == nil {
                    Self.projector(f, into: sp.baseAddress!)
                    flops += Double(nj * nj * f.rank)
                }
                // Pointers, not array subscripts: this loop touches Σ n_j²/2 entries of M per
                // iteration and was a sixth of a (400, 100) relaxed solve with the arrays' checks.
                rows[k].withUnsafeBufferPointer { rowPointer in
                    let rows = rowPointer.baseAddress!
                    /// Column b's lower part (n_j − b numbers) starts at `base` and the next one
                    /// `stride(b)` numbers further on.
                    func scatter(_ base: UnsafePointer<Double>, stride: (Int) -> Int) {
                        var source = base
                        // Rows increase, so the lower triangle lands in M's lower triangle.
                        for b in 0..<nj {
                            PointerKernels.scatterAdd(e2, source, rows + b, count: nj - b, into: m + Int(rows[b]) * n)
                            source += stride(b)
                        }
                    }
                    if let p = cached[k] {
                        p.withUnsafeBufferPointer { scatter($0.baseAddress!) { nj - $0 } }
                    } else {
                        scatter(sp.baseAddress!) { _ in nj + 1 }
                    }
                }
                flops += Double(nj * nj)
            }
        }
        return flops
    }
}
