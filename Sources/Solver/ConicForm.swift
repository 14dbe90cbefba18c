import Foundation
import LinearAlgebra

/// A science §4 program in the conic form the iteration solves:
///
///     min cᵀx + ½ xᵀPx   s.t.   A x = y,   G x + s = 0,   s ∈ K.
///
/// x stacks one block (t_j, w_j) per norm term, t_j its epigraph variable, and for approx forms
/// a free residual r ∈ Rⁿ last. Every block's matrix is A_j = σ_j D_j X M_j with σ_j = ±1 (−1 for
/// the v_i of exact/approx forms), D_j = I for the skip weight w₀, and M_j = I except for
/// normalized programs, where M_j is the pattern factor's basis, so that A_j = ±U_j. The n rows of A x = y are the
/// only coupling between blocks: Σ_j A_j w_j (− r) = y.
///
/// K is one second-order cone per block (s = (t_j, w_j), so G = −I there) followed by the
/// nonnegative orthant of the sign constraints S_j w_j ≥ 0, S_j = (2D_j − I) X M_j (n rows per
/// signed block, or the rows `ConvexProgram.signRowMask` keeps; G = −S_j). Approx forms are scaled
/// by 1/β so the objective is O(1): (1/β)‖r‖² + Σ t_j, with r = √β r̃ so that P = 2I on r̃.
final class ConicForm {
    enum Role: Hashable, Sendable { case skip, w(Int), v(Int) }

    let n: Int, d: Int
    let X: Matrix<Double>
    let y: [Double]
    let roles: [Role]
    /// r_j, the length of w_j.
    let ranks: [Int]
    let sign: [Double]
    let signed: [Bool]
    /// Index of D_j among the patterns, −1 for w₀.
    let patternIndex: [Int]
    /// For the w_i block of an exact or approx normalized program, the index of its v_i block, which
    /// has the same basis M_i; −1 otherwise. The products with M_i take both blocks' columns at once,
    /// reading M_i once: per-block gemv over every M_i were a fifth of a noisy normalization approx
    /// solve (memory-bound: 802 bases of 100×100 at (400, 100), several times per iteration).
    let basisPartner: [Int]
    /// The v_i blocks whose products their w_i computes.
    private let hasBasisOwner: [Bool]
    /// M_j (d×r_j, U_j = D_j X M_j) for normalized blocks.
    let basis: [Matrix<Double>?]
    /// The factor of block j's pattern (U_j = D_j X M_j on the pattern's rows) for normalized blocks.
    let factors: [PatternFactor?]
    let approx: Bool
    let beta: Double
    /// The residual is stored as r̃ = r/√β, so that P = 2I is as well scaled as the rest (the
    /// objective (1/β)‖r‖² + Σt = ‖r̃‖² + Σt); A has −√β on r̃.
    var rScale: Double { beta.squareRoot() }
    /// σ_j D_j (n×B) and (2D_j − 1) for signed blocks, 0 for the others.
    let aMask: Matrix<Double>
    let cMask: Matrix<Double>

    let xOffset: [Int]
    let rOffset: Int
    let xCount: Int
    /// Offset of each signed block's sign rows inside the nonnegative slice, −1 when unsigned.
    let nnOffset: [Int]
    /// The sign rows each signed block keeps (rows of X, increasing), nil when it keeps all n (and for
    /// unsigned blocks).
    let keptRows: [[Int]?]
    /// Index in `makeCones()` of each signed block's orthant, −1 when unsigned (cone j itself is
    /// block j's second-order cone).
    let signCone: [Int]
    let socSizes: [Int]
    let mSOC: Int, mNN: Int
    var m: Int { mSOC + mNN }
    var blockCount: Int { roles.count }
    let c: [Double]

    /// `signConstraints: false` drops the cones of exact and approx forms (and their v_i blocks): the
    /// cone-free program of README "Relax, then verify" (relaxed, or the group lasso for approx).
    init(program: ConvexProgram, factors: [PatternFactor]?, signConstraints: Bool = true) {
        n = program.n; d = program.d
        X = program.X
        y = program.y
        approx = program.form == .approx
        beta = program.beta
        let signedForm = program.form != .relaxed && signConstraints
        var roles: [Role] = [], ranks: [Int] = [], sign: [Double] = [], signed: [Bool] = [], pat: [Int] = []
        var basis: [Matrix<Double>?] = [], us: [PatternFactor?] = []
        // The iteration reads U_i and M_i of every block in every step: formed once here.
        let materialized = factors?.map { $0.materialized() }
        if program.architecture == .skip {
            roles.append(.skip); ranks.append(d); sign.append(1); signed.append(false); pat.append(-1)
            basis.append(nil); us.append(nil)
        }
        for pass in 0..<(signedForm ? 2 : 1) {
            for i in 0..<program.p {
                let r = factors?[i].rank ?? d
                // A normalized pattern with D_i X = 0 contributes nothing; its w_i is empty.
                if r == 0 { continue }
                roles.append(pass == 0 ? .w(i) : .v(i)); ranks.append(r); sign.append(pass == 0 ? 1 : -1)
                signed.append(signedForm); pat.append(i)
                if let f = materialized?[i] {
                    basis.append(f.basis); us.append(f)
                } else {
                    basis.append(nil); us.append(nil)
                }
            }
        }
        self.roles = roles; self.ranks = ranks; self.sign = sign; self.signed = signed; patternIndex = pat
        var partner = [Int](repeating: -1, count: roles.count), wBlock: [Int: Int] = [:]
        for (j, role) in roles.enumerated() where basis[j] != nil {
            switch role {
            case .w(let i): wBlock[i] = j
            case .v(let i): if let w = wBlock[i] { partner[w] = j }
            case .skip: break
            }
        }
        basisPartner = partner
        var owned = [Bool](repeating: false, count: roles.count)
        for v in partner where v >= 0 { owned[v] = true }
        hasBasisOwner = owned
        self.basis = basis; self.factors = us
        let B = roles.count
        var am = Matrix<Double>(rows: n, columns: B), cm = Matrix<Double>(rows: n, columns: B)
        for j in 0..<B {
            for i in 0..<n {
                let dij = pat[j] < 0 ? 1.0 : program.patterns[i, pat[j]]
                am[i, j] = sign[j] * dij
                if signed[j] { cm[i, j] = 2 * dij - 1 }
            }
        }
        aMask = am; cMask = cm
        let keptByPattern = (0..<program.p).map { program.keptSignRows(of: $0) }
        keptRows = (0..<B).map { signed[$0] ? keptByPattern[pat[$0]] : nil }
        var xo: [Int] = [], total = 0, nno: [Int] = [], nnTotal = 0, cone: [Int] = [], orthants = 0
        for j in 0..<B {
            xo.append(total); total += ranks[j] + 1
            if signed[j] {
                nno.append(nnTotal); nnTotal += keptRows[j]?.count ?? n
                cone.append(B + orthants); orthants += 1
            } else {
                nno.append(-1); cone.append(-1)
            }
        }
        xOffset = xo
        rOffset = total
        xCount = total + (approx ? n : 0)
        nnOffset = nno
        signCone = cone
        socSizes = ranks.map { $0 + 1 }
        mSOC = socSizes.reduce(0, +)
        mNN = nnTotal
        var c = [Double](repeating: 0, count: xCount)
        for j in 0..<B { c[xo[j]] = pat[j] < 0 ? 1 : program.patternWeight(pat[j]) }
        self.c = c
    }

    /// How many sign rows block j keeps (0 for a block without them).
    func signRowCount(of j: Int) -> Int { nnOffset[j] < 0 ? 0 : keptRows[j]?.count ?? n }

    /// Where block j's sign rows sit in s and z (nil for a block without them).
    func signRows(of j: Int) -> Range<Int>? {
        nnOffset[j] < 0 ? nil : (mSOC + nnOffset[j])..<(mSOC + nnOffset[j] + signRowCount(of: j))
    }

    /// Values on block j's kept sign rows (one per kept row) as n numbers, zero on the rows it left out.
    func spreadToEveryRow(_ values: ArraySlice<Double>, of j: Int) -> [Double] {
        guard let kept = keptRows[j] else { return Array(values) }
        var out = [Double](repeating: 0, count: n)
        for (k, row) in kept.enumerated() { out[row] = values[values.startIndex + k] }
        return out
    }

    /// n values (one per row of X) on block j's kept sign rows only.
    func restrictToKeptRows(_ values: [Double], of j: Int) -> [Double] {
        guard let kept = keptRows[j] else { return values }
        return kept.map { values[$0] }
    }

    /// K: one second-order cone per block (t_j, w_j), then one orthant of sign rows per signed block,
    /// in the order of the slack vector.
    func makeCones() -> ConeSet {
        ConeSet(socSizes.map { SecondOrderCone(dimension: $0) }
                + (0..<blockCount).filter { signed[$0] }.map { NonnegativeCone(dimension: signRowCount(of: $0)) })
    }

    /// ½ xᵀPx.
    func quadratic(_ x: [Double]) -> Double {
        guard approx else { return 0 }
        return Array(x[rOffset..<(rOffset + n)]).dot(Array(x[rOffset..<(rOffset + n)]))
    }

    /// out ← out + alpha·P x.
    func addP(_ x: [Double], alpha: Double = 1, into out: inout [Double]) {
        guard approx else { return }
        for i in 0..<n { out[rOffset + i] += alpha * 2 * x[rOffset + i] }
    }

    /// Buffers of the forward and adjoint products (d×B neurons, n×B products and masks, d×B back
    /// products), reused: at (2000, 500) each n×B one is 32 MB, and allocating, zero-filling and
    /// page-faulting fresh ones for every product cost ~10 % of a solve.
    private var neuronBuffer = Matrix<Double>(rows: 0, columns: 0)
    private var productBuffer = Matrix<Double>(rows: 0, columns: 0)
    private var maskedBuffer = Matrix<Double>(rows: 0, columns: 0)
    private var backBuffer = Matrix<Double>(rows: 0, columns: 0)

    /// `buffer` resized to rows×columns; its old entries are kept only when the size is unchanged.
    private static func ensureSize(_ buffer: inout Matrix<Double>, rows: Int, columns: Int) {
        if buffer.rows != rows || buffer.columns != columns { buffer = Matrix(rows: rows, columns: columns) }
    }

    /// The d×B matrix of M_j w_j: each block's neuron in R^d.
    func neurons(_ x: [Double]) -> Matrix<Double> {
        var u = Matrix<Double>(rows: d, columns: blockCount)
        writeNeurons(x, into: &u)
        return u
    }

    /// Every column of `u` (d×B) is overwritten.
    private func writeNeurons(_ x: [Double], into u: inout Matrix<Double>) {
        x.withUnsafeBufferPointer { xp in
            u.storage.withUnsafeMutableBufferPointer { up in
                for j in 0..<blockCount {
                    let w = xp.baseAddress! + xOffset[j] + 1, out = up.baseAddress! + j * d
                    if let m = basis[j] {
                        let v = basisPartner[j]
                        if v >= 0 {
                            // [M w_i, M v_i]: the two right-hand sides and the two results are columns a
                            // fixed stride apart in x and in u.
                            m.storage.withUnsafeBufferPointer {
                                Double.gemm(false, false, d, 2, ranks[j], 1, $0.baseAddress!, d, w, xOffset[v] - xOffset[j], 0, out, (v - j) * d)
                            }
                        } else if !hasBasisOwner[j] {
                            m.storage.withUnsafeBufferPointer { Double.gemv(false, d, ranks[j], 1, $0.baseAddress!, d, w, 1, 0, out, 1) }
                        }
                    } else {
                        out.update(from: w, count: d)
                    }
                }
            }
        }
    }

    /// A x and the sign-constraint values S_j w_j (the nonnegative slice of −G x), from one n×d×B product.
    func forward(_ x: [Double]) -> (ax: [Double], snn: [Double]) { forwardMasked(x, equalities: true, signs: true) }

    /// A x alone (the Newton solve's right-hand side needs no sign values).
    func equalityValues(_ x: [Double]) -> [Double] { forwardMasked(x, equalities: true, signs: false).ax }

    /// The masked passes over the n×B product for the parts asked for (the other comes back empty):
    /// at (400, 10) with every sign row these passes, not the product, are most of a forward product.
    private func forwardMasked(_ x: [Double], equalities: Bool, signs: Bool) -> (ax: [Double], snn: [Double]) {
        Self.ensureSize(&neuronBuffer, rows: d, columns: blockCount)
        Self.ensureSize(&productBuffer, rows: n, columns: blockCount)
        writeNeurons(x, into: &neuronBuffer)
        Matrix.gemm(X, neuronBuffer, into: &productBuffer)
        var ax = [Double](repeating: 0, count: equalities ? n : 0)
        // Every entry is written below (each signed block's rows fill its slice).
        let snn = [Double](unsafeUninitializedCapacity: signs ? mNN : 0) { out, count in
            productBuffer.storage.withUnsafeBufferPointer { z in
                cMask.storage.withUnsafeBufferPointer { cm in
                    for j in 0..<blockCount where signs && nnOffset[j] >= 0 {
                        let o = j * n, slice = out.baseAddress! + nnOffset[j]
                        if let kept = keptRows[j] {
                            for (k, i) in kept.enumerated() { slice[k] = cm[o + i] * z[o + i] }
                        } else {
                            for i in 0..<n { slice[i] = cm[o + i] * z[o + i] }
                        }
                    }
                }
            }
            count = signs ? mNN : 0
        }
        if equalities {
            ax.withUnsafeMutableBufferPointer { axp in
                productBuffer.storage.withUnsafeBufferPointer { z in
                    aMask.storage.withUnsafeBufferPointer { a in
                        for j in 0..<blockCount {
                            let o = j * n
                            for i in 0..<n { axp[i] += a[o + i] * z[o + i] }
                        }
                    }
                }
            }
            if approx { for i in 0..<n { ax[i] -= rScale * x[rOffset + i] } }
        }
        return (ax, snn)
    }

    /// out ← out + Aᵀ v − Σ_j S_jᵀ zNN_j (either part may be absent), from one d×n×B product.
    func addAdjoint(_ v: [Double]?, _ zNN: [Double]?, into out: inout [Double]) { addAdjointMasked(v, zNN, into: &out) }

    private func addAdjointMasked(_ v: [Double]?, _ zNN: [Double]?, into out: inout [Double]) {
        Self.ensureSize(&maskedBuffer, rows: n, columns: blockCount)
        Self.ensureSize(&backBuffer, rows: d, columns: blockCount)
        maskedBuffer.storage.withUnsafeMutableBufferPointer { q in
            aMask.storage.withUnsafeBufferPointer { a in
                cMask.storage.withUnsafeBufferPointer { cm in
                    for j in 0..<blockCount {
                        let o = j * n
                        if let v { for i in 0..<n { q[o + i] = a[o + i] * v[i] } } else { for i in 0..<n { q[o + i] = 0 } }
                        guard let zNN, nnOffset[j] >= 0 else { continue }
                        if let kept = keptRows[j] {
                            for (k, i) in kept.enumerated() { q[o + i] -= cm[o + i] * zNN[nnOffset[j] + k] }
                        } else {
                            for i in 0..<n { q[o + i] -= cm[o + i] * zNN[nnOffset[j] + i] }
                        }
                    }
                }
            }
        }
        Matrix.gemm(X, maskedBuffer, transA: .transpose, into: &backBuffer)
        backBuffer.storage.withUnsafeBufferPointer { bp in
            out.withUnsafeMutableBufferPointer { op in
                for j in 0..<blockCount {
                    let col = bp.baseAddress! + j * d, o = op.baseAddress! + xOffset[j] + 1
                    if let m = basis[j] {
                        let v = basisPartner[j]
                        if v >= 0 {
                            m.storage.withUnsafeBufferPointer {
                                Double.gemm(true, false, ranks[j], 2, d, 1, $0.baseAddress!, d, col, (v - j) * d, 1, o, xOffset[v] - xOffset[j])
                            }
                        } else if !hasBasisOwner[j] {
                            m.storage.withUnsafeBufferPointer { Double.gemv(true, d, ranks[j], 1, $0.baseAddress!, d, col, 1, 1, o, 1) }
                        }
                    } else {
                        for k in 0..<d { o[k] += col[k] }
                    }
                }
            }
        }
        if approx, let v { for i in 0..<n { out[rOffset + i] -= rScale * v[i] } }
    }

    /// G x: −(t_j, w_j) on the cone slice, −S_j w_j on the nonnegative slice.
    func applyG(_ x: [Double], signValues: [Double]? = nil) -> [Double] {
        var g = [Double](repeating: 0, count: m)
        // The cone slice has the x layout of the blocks.
        for k in 0..<mSOC { g[k] = -x[k] }
        if mNN > 0 {
            let snn = signValues ?? forwardMasked(x, equalities: false, signs: true).snn
            for i in 0..<mNN { g[mSOC + i] = -snn[i] }
        }
        return g
    }

    /// out ← out + Aᵀ v + Gᵀ z, sharing one product for the A part and the sign rows.
    func addAdjointAndGTranspose(_ v: [Double], _ z: [Double], into out: inout [Double]) {
        for k in 0..<mSOC { out[k] -= z[k] }
        addAdjoint(v, mNN > 0 ? Array(z[mSOC...]) : nil, into: &out)
    }

    /// out ← out + Gᵀ z.
    func addGTranspose(_ z: [Double], into out: inout [Double]) {
        for k in 0..<mSOC { out[k] -= z[k] }
        if mNN > 0 { addAdjoint(nil, Array(z[mSOC...]), into: &out) }
    }
}
