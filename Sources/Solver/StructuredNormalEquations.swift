import Foundation
import LinearAlgebra

/// The Newton system reduced to n×n normal equations (science §4 "Structure worth exploiting").
///
/// Eliminating dz = W⁻²(G dx − bz) leaves the block-diagonal H = P + GᵀW⁻²G with one block H_j
/// per norm term (plus (2/β)I on the residual r of approx forms), so the only coupled system is
///
///     M dy = A H⁻¹ (bx + GᵀW⁻²bz) − by,    M = A H⁻¹ Aᵀ = Σ_j A_j (H_j⁻¹)_ww A_jᵀ (+ (β/2) I),
///
/// and never a matrix of size p·d. How each block enters M:
///
/// * Blocks without sign constraints (w₀; every w_i of relaxed forms): H_j = W_j⁻², so
///   (H_j⁻¹)_ww = η_j²(I + 2 w̄₁w̄₁ᵀ). For skip/plain the identity parts sum to
///   Σ_j η_j² D_j G D_j = G ∘ (D diag(η²) Dᵀ), G = XXᵀ: one n×p×n syrk and a Hadamard product
///   per iteration. The rank-one parts √2 η_j D_j X w̄₁ are columns of one matrix R. For normalized
///   blocks (A_j = U_j differs per block) η_j² U_jU_jᵀ is added pattern by pattern
///   (NormalizedProjectorSum) and the columns √2 η_j U_j w̄₁ go into R.
/// * Sign-constrained blocks (exact and approx forms): H_j = W_j⁻² + [0 0; 0 M_jᵀXᵀΛ_jXM_j],
///   Λ_j = diag(z/s) of its n sign rows; (2D_j − I)² = I is why D_j drops out. Chosen scheme:
///   batched elimination. All Xᵀ Λ_j X come from one gemm, (X ⊙ X)ᵀ [Λ_1 … Λ_q], with X ⊙ X the
///   n × d(d+1)/2 row-wise Khatri–Rao product (precomputed once), then each (1+r_j)² block is
///   Cholesky-factored. A pattern's two blocks w_i, v_i share A_i up to sign, so they enter M
///   together as A_i K_i A_iᵀ with K_i = (H_w⁻¹)_ww + (H_v⁻¹)_ww, factored once: one n_i×r trmm
///   and one rank-r update of the pattern's n_i×n_i rows instead of two triangular solves and two
///   rank-(r+1) updates (`mergedFactor`; Solver README, "One elimination per pattern"). The
///   alternative, keeping the n·q sign rows in the coupled system, would make it (n + n·q)-sized;
///   eliminating them per block keeps everything dense, BLAS-3 and of size n.
///
/// M = G∘(…) + R Rᵀ (one syrk) + (β/2)I is then factored by Cholesky with a tiny static
/// regularization (lower triangle only, as every product and factorization here reads it); the
/// interior-point loop's refinement on the full Newton system recovers the accuracy it costs. A zero mode of M (labels outside the blocks' span)
/// is excluded before the iteration starts (`solve` checks y ∈ span).
final class StructuredNormalEquations: KKTSolver {
    let form: ConicForm
    let cones: ConeSet
    let settings: SolverSettings
    private let n: Int
    /// G = X Xᵀ (science §4).
    private let gram: Matrix<Double>
    /// Row-wise Khatri–Rao product X ⊙ X: column (a, b), a ≤ b, is X[:, a] ∘ X[:, b].
    private let khatriRao: Matrix<Double>
    private let unsignedMasked: [Int]
    private let unsignedNormalized: [Int]
    private let signedBlocks: [Int]
    /// Indices into `signedBlocks` of each pattern's blocks (w_i and v_i), in order of first appearance.
    private let signedGroups: [[Int]]
    /// Offset of each signed block's (1+r)² Cholesky factor in `hFactors`.
    private var hOffset: [Int]
    private var hFactors: [Double]
    /// The same factors packed (lower triangle by columns), at `packedOffset`: every Newton solve
    /// streams all of them from memory, and the packed copy halves that traffic (Solver README,
    /// "Packed block factors").
    private var packedFactors: [Double]
    private let packedOffset: [Int]
    private var mFactor: [Double]
    /// Column offset of each block's columns in R.
    private let rColumns: Int
    /// Rows i with D_i = 1 of each pattern, increasing (Int32: the indices `PointerKernels.scatterAdd` takes).
    private let patternRows: [[Int32]]
    /// Those rows of X M_j (U_j for normalized) for each signed block, stored once per pattern.
    private let compressed: [Double]
    private let compressedOffset: [Int]
    private var scratchE: [Double]
    /// Σ η_j² U_jU_jᵀ of the normalized unsigned blocks.
    private var projectorSum: NormalizedProjectorSum
    private var scratchC: [Double]
    private var rStack: Matrix<Double>
    /// n×n, n×B, d×B and n×B buffers of every factorization, reused (see ConicForm's product buffers).
    private var normal: Matrix<Double>
    private var etaMask = Matrix<Double>(rows: 0, columns: 0)
    private var tailDirections = Matrix<Double>(rows: 0, columns: 0)
    private var tailProducts = Matrix<Double>(rows: 0, columns: 0)
    /// The signed blocks' Λ_j (n×q) and every Xᵀ Λ_j X packed (d(d+1)/2 × q), reused: at (562, 500)
    /// with 1,124 signed blocks the latter is 1.1 GB, and allocated afresh each factorization its
    /// pages were zeroed by the kernel and by the initializer again every iteration (a quarter of
    /// an iteration's time).
    private var signScalings = Matrix<Double>(rows: 0, columns: 0)
    private var packedCurvatures = Matrix<Double>(rows: 0, columns: 0)
    var formationSeconds = 0.0
    var formationFlops = 0.0

    init(form: ConicForm, cones: ConeSet, settings: SolverSettings) {
        self.form = form
        self.cones = cones
        self.settings = settings
        n = form.n
        gram = form.X.gram(.none)
        var um: [Int] = [], un: [Int] = [], sb: [Int] = []
        for j in 0..<form.blockCount {
            if form.signed[j] { sb.append(j) } else if form.basis[j] != nil { un.append(j) } else { um.append(j) }
        }
        unsignedMasked = um; unsignedNormalized = un; signedBlocks = sb
        var groupOf: [Int: Int] = [:], groups: [[Int]] = []
        for (k, j) in sb.enumerated() {
            if let g = groupOf[form.patternIndex[j]] { groups[g].append(k) } else { groupOf[form.patternIndex[j]] = groups.count; groups.append([k]) }
        }
        signedGroups = groups
        let d = form.d
        if !sb.isEmpty {
            var kr = Matrix<Double>(rows: n, columns: d * (d + 1) / 2)
            var col = 0
            for b in 0..<d {
                for a in 0...b {
                    for i in 0..<n { kr[i, col] = form.X[i, a] * form.X[i, b] }
                    col += 1
                }
            }
            khatriRao = kr
        } else {
            khatriRao = Matrix(rows: 0, columns: 0)
        }
        if !sb.isEmpty {
            signScalings = Matrix(rows: n, columns: sb.count)
            packedCurvatures = Matrix(rows: d * (d + 1) / 2, columns: sb.count)
        }
        var ho: [Int] = [], total = 0
        for j in sb { ho.append(total); total += (form.ranks[j] + 1) * (form.ranks[j] + 1) }
        hOffset = ho
        hFactors = [Double](repeating: 0, count: total)
        var po: [Int] = [], packedTotal = 0
        for j in sb { po.append(packedTotal); packedTotal += (form.ranks[j] + 1) * (form.ranks[j] + 2) / 2 }
        packedOffset = po
        packedFactors = [Double](repeating: 0, count: packedTotal)
        mFactor = [Double](repeating: 0, count: n * n)
        normal = Matrix(rows: n, columns: n)
        if !um.isEmpty {
            etaMask = Matrix(rows: n, columns: um.count)
            tailDirections = Matrix(rows: form.d, columns: um.count)
            tailProducts = Matrix(rows: n, columns: um.count)
        }
        rColumns = um.count + un.count
        rStack = Matrix(rows: n, columns: rColumns, columnMajor: [Double](repeating: 0, count: n * rColumns))
        // Rows of each pattern, and for each signed block the compressed rows of X M_j (U_j for normalized).
        var pr: [[Int32]] = []
        let n = form.n
        for i in 0..<(form.patternIndex.max().map { $0 + 1 } ?? 0) {
            if let j = form.patternIndex.firstIndex(of: i) {
                pr.append((0..<n).filter { form.aMask.storage[j * n + $0] != 0 }.map { Int32($0) })
            } else { pr.append([]) }
        }
        patternRows = pr
        var co = [Int](repeating: -1, count: form.blockCount), buf: [Double] = [], firstOf: [Int: Int] = [:], maxRows = 0
        for j in sb {
            let pat = form.patternIndex[j], rows = pr[pat], r = form.ranks[j]
            maxRows = max(maxRows, rows.count * (r + 1))
            if let shared = firstOf[pat] { co[j] = shared; continue }
            co[j] = buf.count
            firstOf[pat] = buf.count
            if let f = form.factors[j] {
                buf += f.compactU.storage
            } else {
                for a in 0..<r { for i in rows { buf.append(form.X.storage[a * n + Int(i)]) } }
            }
        }
        compressedOffset = co
        compressed = buf
        projectorSum = NormalizedProjectorSum(form: form, blocks: un, cacheBudget: settings.normalizedProjectorCache)
        scratchE = [Double](repeating: 0, count: maxRows)
        let maxNj = sb.map { pr[form.patternIndex[$0]].count }.max() ?? 0
        scratchC = [Double](repeating: 0, count: maxNj * maxNj)
    }

    func factor() -> Bool {
        let start = DispatchTime.now().uptimeNanoseconds
        var flops = 0.0
        let d = form.d
        normal.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        // Identity parts of the masked unsigned blocks: G ∘ (D diag(η²) Dᵀ).
        if !unsignedMasked.isEmpty {
            for (k, j) in unsignedMasked.enumerated() {
                let eta = tailScaling(j).eta
                for i in 0..<n { etaMask.storage[k * n + i] = form.aMask.storage[j * n + i] * eta }
            }
            // Lower triangle only: Cholesky reads nothing else.
            normal.storage.withUnsafeMutableBufferPointer { mm in
                etaMask.storage.withUnsafeBufferPointer { de in
                    Double.syrk(false, n, unsignedMasked.count, 1, de.baseAddress!, n, 0, mm.baseAddress!, n)
                }
                gram.storage.withUnsafeBufferPointer { g in for j in 0..<n { for i in j..<n { mm[i + j * n] *= g[i + j * n] } } }
            }
            flops += Double(n * n * unsignedMasked.count) + Double(n * n)
        }
        var col = 0
        // Rank-one parts √2 η_j D_j X w̄₁ of the masked unsigned blocks, from one n×d×q product.
        if !unsignedMasked.isEmpty {
            for (k, j) in unsignedMasked.enumerated() {
                let part = tailScaling(j).direction
                for a in 0..<d { tailDirections.storage[k * d + a] = part[part.startIndex + a] }
            }
            Matrix.gemm(form.X, tailDirections, into: &tailProducts)
            flops += 2 * Double(n * d * unsignedMasked.count)
            rStack.storage.withUnsafeMutableBufferPointer { rs in
                form.aMask.storage.withUnsafeBufferPointer { am in
                    tailProducts.storage.withUnsafeBufferPointer { xp in
                        for (k, j) in unsignedMasked.enumerated() {
                            let f = 2.squareRoot() * tailScaling(j).eta
                            for i in 0..<n { rs[col * n + i] = f * am[j * n + i] * xp[k * n + i] }
                            col += 1
                        }
                    }
                }
            }
        }
        // Normalized unsigned blocks: η_j² U_jU_jᵀ on the pattern's rows (NormalizedProjectorSum),
        // and the rank-one columns √2 η_j U_j w̄₁ into R (zero outside the pattern's rows).
        if !unsignedNormalized.isEmpty {
            var w1s = [Double](repeating: 0, count: d)
            var etaSquared = [Double](repeating: 0, count: unsignedNormalized.count)
            var column = [Double](repeating: 0, count: n)
            rStack.storage.withUnsafeMutableBufferPointer { rs in
                for (k, j) in unsignedNormalized.enumerated() {
                    let (eta, w1) = tailScaling(j)
                    etaSquared[k] = eta * eta
                    let f = form.factors[j]!, r = form.ranks[j], rows = f.rows, nj = rows.count
                    for a in 0..<r { w1s[a] = 2.squareRoot() * eta * w1[w1.startIndex + a] }
                    let out = rs.baseAddress! + col * n
                    out.update(repeating: 0, count: n)
                    if nj > 0 {
                        f.compactU.storage.withUnsafeBufferPointer { up in
                            Double.gemv(false, nj, r, 1, up.baseAddress!, nj, w1s, 1, 0, &column, 1)
                        }
                        for (a, i) in rows.enumerated() { out[i] = column[a] }
                    }
                    flops += 2 * Double(nj * r)
                    col += 1
                }
            }
            flops += normal.storage.withUnsafeMutableBufferPointer { projectorSum.add(etaSquared: etaSquared, into: $0.baseAddress!, n: n) }
        }
        // Sign-constrained blocks: batched Xᵀ Λ_j X, per-block Cholesky, then the block's n_j×n_j
        // contribution E_j L_j⁻ᵀ (E_j L_j⁻ᵀ)ᵀ on its pattern's rows only (E_j = [0 | (X M_j) rows of D_j]).
        if !signedBlocks.isEmpty {
            let q = signedBlocks.count
            signScalings.storage.withUnsafeMutableBufferPointer { l in
                var kept = [Double](repeating: 0, count: n)
                for (k, j) in signedBlocks.enumerated() {
                    let column = l.baseAddress! + k * n, rows = form.keptRows[j]
                    let diagonal = rows == nil ? cones[form.signCone[j]].writeInverseSquaredDiagonal(into: column)
                                               : cones[form.signCone[j]].writeInverseSquaredDiagonal(into: &kept)
                    precondition(diagonal, "the sign rows' cone must have a diagonal scaling")
                    // Λ_j is zero on the rows the block leaves out (they are not in its orthant).
                    if let rows {
                        column.update(repeating: 0, count: n)
                        for (r, row) in rows.enumerated() { column[row] = kept[r] }
                    }
                }
            }
            Matrix.gemm(khatriRao, signScalings, transA: .transpose, into: &packedCurvatures)
            flops += 2 * Double(n * khatriRao.columns * q)
            var ok = true
            var xlx = [Double](repeating: 0, count: d * d)
            var tmp = [Double](repeating: 0, count: d * d)
            let maxRank = signedBlocks.map { form.ranks[$0] }.max() ?? 0
            var proj = [Double](repeating: 0, count: maxRank * maxRank)
            var merged = [Double](repeating: 0, count: maxRank * maxRank)
            hFactors.withUnsafeMutableBufferPointer { hf in
              packedFactors.withUnsafeMutableBufferPointer { pf in
              normal.storage.withUnsafeMutableBufferPointer { mm in
                packedCurvatures.storage.withUnsafeBufferPointer { pk in
                  compressed.withUnsafeBufferPointer { cp in
                    scratchE.withUnsafeMutableBufferPointer { ep in
                      scratchC.withUnsafeMutableBufferPointer { cc in
                      for (k, j) in signedBlocks.enumerated() {
                        let r = form.ranks[j], ld = r + 1, h = hf.baseAddress! + hOffset[k]
                        cones[j].writeInverseSquaredScaling(into: h, ld: ld)
                        // Xᵀ Λ_j X comes packed by columns (upper triangle); Cholesky reads only the lower
                        // triangle of H_j, so only that is added: straight from the packed product, or
                        // from M_jᵀ (Xᵀ Λ_j X) M_j for a normalized block.
                        let packedStart = k * packedCurvatures.rows
                        if let basis = form.basis[j] {
                            var p = packedStart
                            for b in 0..<d { for a in 0...b { xlx[a + b * d] = pk[p]; xlx[b + a * d] = pk[p]; p += 1 } }
                            basis.storage.withUnsafeBufferPointer { bp in
                                Double.gemm(false, false, d, r, d, 1, xlx, d, bp.baseAddress!, d, 0, &tmp, d)
                                Double.gemm(true, false, r, r, d, 1, bp.baseAddress!, d, tmp, d, 0, &proj, r)
                            }
                            flops += 2 * Double(d * d * r + d * r * r)
                        }
                        func addCurvature() {
                            if form.basis[j] != nil {
                                for b in 0..<r { for a in b..<r { h[(a + 1) + (b + 1) * ld] += proj[a + b * r] } }
                            } else {
                                var p = packedStart
                                for b in 0..<d { for a in 0...b { h[(b + 1) + (a + 1) * ld] += pk[p]; p += 1 } }
                            }
                        }
                        addCurvature()
                        var shift = settings.blockRegularization
                        while PointerKernels.cholesky(h, n: ld, lda: ld) != 0 {
                            // Lost definiteness to rounding late in the iteration: refactor with a small
                            // shift, raised as for M (a noisy normalization block once needed 2e-5 of its
                            // largest diagonal); the refinement on the full system removes its effect.
                            guard shift < settings.normalRegularizationLimit else { ok = false; break }
                            cones[j].writeInverseSquaredScaling(into: h, ld: ld)
                            addCurvature()
                            var maxDiag = 0.0
                            for a in 0..<ld { maxDiag = max(maxDiag, h[a + a * ld]) }
                            for a in 0..<ld { h[a + a * ld] += shift * maxDiag }
                            shift *= settings.normalRegularizationGrowth
                        }
                        flops += Double(ld * ld * ld) / 3
                        PointerKernels.packLower(h, n: ld, lda: ld, into: pf.baseAddress! + packedOffset[k])
                      }
                      // Each pattern's n_j×n_j contribution A_j K A_jᵀ, K the sum of its blocks' (H_j⁻¹)_ww,
                      // on its rows only (A_j = rows of X M_j in the pattern; the sign of v_j cancels).
                      for group in signedGroups {
                        let j = signedBlocks[group[0]], r = form.ranks[j], ld = r + 1
                        let rows = patternRows[form.patternIndex[j]], nj = rows.count
                        guard nj > 0 else { continue }
                        let e = ep.baseAddress!
                        if group.count == 2, mergingPays(rows: nj, rank: r),
                           let mergedFlops = mergedFactor(hf.baseAddress! + hOffset[group[0]], hf.baseAddress! + hOffset[group[1]], rank: r, into: &merged, scratch: &proj) {
                            // K = L_K L_Kᵀ: A_j K A_jᵀ = (A_j L_K)(A_j L_K)ᵀ.
                            e.update(from: cp.baseAddress! + compressedOffset[j], count: nj * r)
                            PointerKernels.multiplyRightLower(merged, n: r, ldl: r, e, rows: nj, ldb: nj)
                            Double.syrk(false, nj, r, 1, e, nj, 0, cc.baseAddress!, nj)
                            flops += mergedFlops + Double(nj * r * r) + Double(nj * nj * r)
                        } else {
                            // Block by block: E_j = [0 | A_j], E_j L_j⁻ᵀ (E_j L_j⁻ᵀ)ᵀ summed in the scratch.
                            for (m, k) in group.enumerated() {
                                for i in 0..<nj { e[i] = 0 }
                                (e + nj).update(from: cp.baseAddress! + compressedOffset[j], count: nj * r)
                                PointerKernels.solveRightLowerTransposed(hf.baseAddress! + hOffset[k], n: ld, ldl: ld, e, rows: nj, ldb: nj)
                                Double.syrk(false, nj, ld, 1, e, nj, m == 0 ? 0 : 1, cc.baseAddress!, nj)
                                flops += Double(nj * ld * ld) + Double(nj * nj * ld)
                            }
                        }
                        // Scatter the lower triangle (rows are increasing, so it lands in M's lower triangle).
                        rows.withUnsafeBufferPointer { rp in
                            for b in 0..<nj {
                                PointerKernels.scatterAdd(1, cc.baseAddress! + b + b * nj, rp.baseAddress! + b, count: nj - b,
                                                          into: mm.baseAddress! + Int(rp[b]) * n)
                            }
                        }
                      }
                      }
                    }
                  }
                }
              }
              }
            }
            if !ok { return false }
        }
        // M += R Rᵀ.
        if rColumns > 0 {
            rStack.storage.withUnsafeBufferPointer { r in
                normal.storage.withUnsafeMutableBufferPointer { mm in
                    Double.syrk(false, n, rColumns, 1, r.baseAddress!, n, 1, mm.baseAddress!, n)
                }
            }
            flops += Double(n * n * rColumns)
        }
        if form.approx { for i in 0..<n { normal.storage[i * n + i] += form.beta / 2 } }
        var maxDiag = 0.0
        for i in 0..<n { maxDiag = max(maxDiag, normal.storage[i * n + i]) }
        // Late in the iteration M is PD only in exact arithmetic (inactive blocks have η → 0); raise the
        // shift until Cholesky succeeds; the full-system refinement removes its effect.
        var shift = settings.normalRegularization
        var info = 0
        repeat {
            // Copied in place: assigning the array would allocate a fresh n×n copy on the next write.
            mFactor.withUnsafeMutableBufferPointer { f in
                normal.storage.withUnsafeBufferPointer { f.baseAddress!.update(from: $0.baseAddress!, count: n * n) }
            }
            for i in 0..<n { mFactor[i * n + i] += shift * max(maxDiag, 1e-300) }
            info = mFactor.withUnsafeMutableBufferPointer { PointerKernels.cholesky($0.baseAddress!, n: n, lda: n) }
            flops += Double(n * n * n) / 3
            shift *= settings.normalRegularizationGrowth
        } while info != 0 && shift < settings.normalRegularizationLimit
        formationFlops += flops
        formationSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        return info == 0
    }

    /// Whether one elimination through K = (H_w⁻¹)_ww + (H_v⁻¹)_ww is cheaper than one per block:
    /// it trades two n_j×(r+1) triangular solves and n_j×n_j rank-(r+1) updates for about (5/3)r³
    /// of inverses and one factorization, which pays once n_j(n_j + r) > (5/3)r².
    private func mergingPays(rows nj: Int, rank r: Int) -> Bool { 3 * nj * (nj + r) > 5 * r * r }

    /// K = (H_a⁻¹)_ww + (H_b⁻¹)_ww Cholesky-factored into `factor` (r×r, lower), from the two blocks'
    /// factors L of H = [a bᵀ; b C]: (H⁻¹)_ww is the inverse of the Schur complement C − bbᵀ/a, whose
    /// Cholesky factor is L's trailing r×r block. Nil when K is not numerically positive definite
    /// (the caller then adds the blocks one by one); otherwise the flops spent.
    private func mergedFactor(_ la: UnsafePointer<Double>, _ lb: UnsafePointer<Double>, rank r: Int,
                              into factor: inout [Double], scratch: inout [Double]) -> Double? {
        let ld = r + 1
        let ok = factor.withUnsafeMutableBufferPointer { k in
            scratch.withUnsafeMutableBufferPointer { t in
                guard PointerKernels.choleskyInverse(la + 1 + ld, n: r, ldl: ld, into: k.baseAddress!, ldo: r) == 0,
                      PointerKernels.choleskyInverse(lb + 1 + ld, n: r, ldl: ld, into: t.baseAddress!, ldo: r) == 0 else { return false }
                for b in 0..<r { Double.axpy(r - b, 1, t.baseAddress! + b + b * r, 1, k.baseAddress! + b + b * r, 1) }
                return PointerKernels.cholesky(k.baseAddress!, n: r, lda: r) == 0
            }
        }
        return ok ? 5 * Double(r * r * r) / 3 : nil
    }

    /// η_j and w̄₁ of block j's cone: (H_j⁻¹)_ww = η_j²(I + 2w̄₁w̄₁ᵀ) for a block without sign rows.
    private func tailScaling(_ j: Int) -> (eta: Double, direction: ArraySlice<Double>) {
        guard let parts = cones[j].tailSquaredScaling() else {
            preconditionFailure("block \(j)'s cone has no η²(I + 2uuᵀ) form on its variables")
        }
        return parts
    }

    /// x ← H⁻¹ x, block by block.
    private func applyHInverse(_ v: [Double]) -> [Double] {
        var out = v
        // Every block first as if unsigned (W² of its cone, whose slice is the block's (t_j, w_j)) …
        v.withUnsafeBufferPointer { vp in
            out.withUnsafeMutableBufferPointer { o in
                for j in 0..<form.blockCount {
                    let range = form.xOffset[j]..<(form.xOffset[j] + form.ranks[j] + 1)
                    cones[j].applyW2(UnsafeBufferPointer(rebasing: vp[range]), inverse: false, UnsafeMutableBufferPointer(rebasing: o[range]))
                }
            }
        }
        // … then the sign-constrained blocks through their packed Cholesky factors.
        packedFactors.withUnsafeBufferPointer { pf in
            out.withUnsafeMutableBufferPointer { o in
                for (k, j) in signedBlocks.enumerated() {
                    let off = form.xOffset[j], ld = form.ranks[j] + 1
                    for a in 0..<ld { o[off + a] = v[off + a] }
                    PointerKernels.packedCholeskySolve(pf.baseAddress! + packedOffset[k], n: ld, o.baseAddress! + off)
                }
            }
        }
        if form.approx { for i in 0..<n { out[form.rOffset + i] = v[form.rOffset + i] / 2 } }
        return out
    }

    private func solveNormal(_ rhs: [Double]) -> [Double] {
        var x = rhs
        mFactor.withUnsafeBufferPointer { f in x.withUnsafeMutableBufferPointer { PointerKernels.choleskySolve(f.baseAddress!, n: n, ldl: n, $0.baseAddress!) } }
        return x
    }

    func solve(bx: [Double], by: [Double], bz: [Double]) -> (dx: [Double], dy: [Double], dz: [Double]) {
        let (dx, dy, dz, _) = solveWithAdjoint(bx: bx, by: by, bz: bz)
        return (dx, dy, dz)
    }

    func solveWithAdjoint(bx: [Double], by: [Double], bz: [Double]) -> (dx: [Double], dy: [Double], dz: [Double], adjointOfDy: [Double]?) {
        let wz = cones.W2(bz, inverse: true)
        var q = bx
        form.addGTranspose(wz, into: &q)
        let g = applyHInverse(q)
        let dy = solveNormal(minus(form.equalityValues(g), by))
        // Aᵀdy on its own (then subtracted, which rounds like adding Aᵀ(−dy)): the caller reuses it.
        var adjoint = [Double](repeating: 0, count: q.count)
        form.addAdjoint(dy, nil, into: &adjoint)
        q.add(adjoint, scaledBy: -1)
        let dx = applyHInverse(q)
        let dz = cones.W2(minus(form.applyG(dx), bz), inverse: true)
        return (dx, dy, dz, adjoint)
    }
}
