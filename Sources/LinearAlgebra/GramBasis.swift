import COpenBLAS

/// A = Q·C for a full-rank m×d matrix A, with Q (m×r, r = min(m, d)) an orthonormal basis of
/// range A, C (r×d) A's coordinates in it, and M (d×r) a right inverse of C, so that Q = A·M.
/// Built from the Cholesky factor L of A's smaller Gram matrix, with no SVD or eigendecomposition:
///
/// - m ≥ d: AᵀA = L·Lᵀ, Q = A·L⁻ᵀ, C = Lᵀ, M = L⁻ᵀ;
/// - m < d: range A = R^m, so Q = I, C = A and M = Aᵀ(AAᵀ)⁻¹ = Aᵀ·L⁻ᵀ·L⁻¹.
///
/// Only L is kept (r² numbers); Q, C and M are formed from A on request, and for m ≥ d the products
/// with M, Mᵀ and C are triangular solves and products with L. A normalization program needs the
/// factor of every pattern but the basis Q of only the few in its working set: keeping Q, C and M of
/// all of them cost three times the flops of L and m·d + 2d² numbers each (at (n, d) = (1000, 250),
/// 2 GB of fresh pages, whose clearing alone was a quarter of the solve).
///
/// Squaring A into its Gram matrix squares its condition number, so Q is orthonormal only to about
/// ε·cond(A)²: nil when the Cholesky factorization fails or LAPACK's estimate of cond(L) = cond(A)
/// (dtrcon, 1-norm) exceeds `maximumCondition`; the caller then takes the SVD.
public struct GramBasis: Sendable {
    /// L, r×r, lower triangular (the upper triangle is zero).
    public let cholesky: Matrix<Double>
    /// m ≥ d: L factors AᵀA; else AAᵀ.
    public let isTall: Bool
    public var rank: Int { cholesky.rows }

    public init?(_ a: Matrix<Double>, maximumCondition: Double) {
        let m = a.rows, d = a.columns, r = min(m, d)
        guard r > 0 else { return nil }
        isTall = m >= d
        var l = a.gram(isTall ? .transpose : .none)
        let info = l.storage.withUnsafeMutableBufferPointer { PointerKernels.cholesky($0.baseAddress!, n: r, lda: r) }
        guard info == 0 else { return nil }
        var reciprocalCondition = 0.0
        let conditionInfo = l.storage.withUnsafeBufferPointer {
            LAPACKE_dtrcon(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "1")), Int8(UInt8(ascii: "L")), Int8(UInt8(ascii: "N")),
                           LapackInt(r), $0.baseAddress!, LapackInt(r), &reciprocalCondition)
        }
        guard conditionInfo == 0, reciprocalCondition * maximumCondition >= 1 else { return nil }
        for j in 1..<r { for i in 0..<j { l.storage[i + j * r] = 0 } }
        cholesky = l
    }

    /// Q for the A this basis was built from (m×r).
    public func q(of a: Matrix<Double>) -> Matrix<Double> { isTall ? rightSolved(a, lowerToo: false) : .identity(rank) }

    /// C (r×d) for the A this basis was built from.
    public func coordinates(of a: Matrix<Double>) -> Matrix<Double> { isTall ? cholesky.transposed() : a }

    /// M (d×r) for the A this basis was built from: L⁻ᵀ, or Aᵀ·L⁻ᵀ·L⁻¹.
    public func rightInverse(of a: Matrix<Double>) -> Matrix<Double> {
        isTall ? choleskyInverseTransposed : rightSolved(a.transposed(), lowerToo: true)
    }

    /// L⁻ᵀ (r×r): M for m ≥ d, which needs nothing of A.
    public var choleskyInverseTransposed: Matrix<Double> { rightSolved(.identity(rank), lowerToo: false) }

    /// B·L⁻ᵀ, then ·L⁻¹ too when `lowerToo`, by triangular solves from the right.
    private func rightSolved(_ b: Matrix<Double>, lowerToo: Bool) -> Matrix<Double> {
        let r = rank, rows = b.rows
        var out = b
        out.storage.withUnsafeMutableBufferPointer { op in
            cholesky.storage.withUnsafeBufferPointer { lp in
                PointerKernels.solveRightLowerTransposed(lp.baseAddress!, n: r, ldl: r, op.baseAddress!, rows: rows, ldb: rows)
                if lowerToo {
                    cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasNoTrans, CblasNonUnit,
                                blasint(rows), blasint(r), 1, lp.baseAddress!, blasint(r), op.baseAddress!, blasint(rows))
                }
            }
        }
        return out
    }

    /// L⁻¹v (`transposed: false`) or L⁻ᵀv: for m ≥ d, Mᵀv and M v.
    public func solve(_ v: [Double], transposed: Bool) -> [Double] {
        precondition(v.count == rank, "L has \(rank) rows")
        var x = v
        cholesky.storage.withUnsafeBufferPointer {
            cblas_dtrsv(CblasColMajor, CblasLower, transposed ? CblasTrans : CblasNoTrans, CblasNonUnit,
                        blasint(rank), $0.baseAddress!, blasint(rank), &x, 1)
        }
        return x
    }

    /// Lᵀv: for m ≥ d, C v.
    public func transposeTimes(_ v: [Double]) -> [Double] {
        precondition(v.count == rank, "L has \(rank) rows")
        var x = v
        cholesky.storage.withUnsafeBufferPointer {
            cblas_dtrmv(CblasColMajor, CblasLower, CblasTrans, CblasNonUnit, blasint(rank), $0.baseAddress!, blasint(rank), &x, 1)
        }
        return x
    }

    /// ‖Qᵀv‖ for the basis Q of range A (m×d, full rank), without forming Q: Qᵀv = L⁻¹Aᵀv for m ≥ d,
    /// and ‖v‖ for m < d (range A = R^m). Nil where `init` is.
    public static func projectionNorm(of v: [Double], onto a: Matrix<Double>, maximumCondition: Double) -> Double? {
        precondition(v.count == a.rows, "v must have one entry per row of A")
        guard let basis = GramBasis(a, maximumCondition: maximumCondition) else { return nil }
        guard basis.isTall else { return v.norm }
        return basis.solve(a.times(v, .transpose), transposed: false).norm
    }
}
