import COpenBLAS

/// A = Q·C for a full-rank m×d matrix A, with Q (m×r, r = min(m, d)) an orthonormal basis of
/// range A, C (r×d) A's coordinates in it, and M (d×r) a right inverse of C, so that Q = A·M.
/// Built from the Cholesky factor L of A's smaller Gram matrix, with no SVD or eigendecomposition:
///
/// - m ≥ d: AᵀA = L·Lᵀ, Q = A·L⁻ᵀ, C = Lᵀ, M = L⁻ᵀ;
/// - m < d: range A = R^m, so Q = I, C = A and M = Aᵀ(AAᵀ)⁻¹ = Aᵀ·L⁻ᵀ·L⁻¹.
///
/// Squaring A into its Gram matrix squares its condition number, so Q is orthonormal (A·M = I for
/// m < d) only to about ε·cond(A)². The result is checked against that after the fact and nil
/// beyond `tolerance` (or when the Cholesky factorization fails): the caller then takes the SVD.
/// At (m, d) = (200, 100) this is ~6× cheaper than the eigendecomposition of the Gram matrix.
public struct GramBasis: Sendable {
    public let q: Matrix<Double>
    public let coordinates: Matrix<Double>
    public let rightInverse: Matrix<Double>

    /// - Parameter tolerance: the largest ‖QᵀQ − I‖_F (m ≥ d) or ‖A·M − I‖_F (m < d) accepted.
    public init?(_ a: Matrix<Double>, tolerance: Double) {
        let m = a.rows, d = a.columns, r = min(m, d)
        guard r > 0 else { return nil }
        let tall = m >= d
        var l = a.gram(tall ? .transpose : .none)
        let info = l.storage.withUnsafeMutableBufferPointer { PointerKernels.cholesky($0.baseAddress!, n: r, lda: r) }
        guard info == 0 else { return nil }
        for j in 1..<r { for i in 0..<j { l.storage[i + j * r] = 0 } }
        if tall {
            var q = a
            q.storage.withUnsafeMutableBufferPointer { qp in
                l.storage.withUnsafeBufferPointer { PointerKernels.solveRightLowerTransposed($0.baseAddress!, n: r, ldl: r, qp.baseAddress!, rows: m, ldb: m) }
            }
            guard (q.gram(.transpose) - .identity(r)).frobeniusNorm <= tolerance else { return nil }
            // M = L⁻ᵀ: solve Lᵀ·M = I.
            var inverse = Matrix<Double>.identity(r)
            inverse.storage.withUnsafeMutableBufferPointer { ip in
                l.storage.withUnsafeBufferPointer { lp in
                    cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit,
                                blasint(r), blasint(r), 1, lp.baseAddress!, blasint(r), ip.baseAddress!, blasint(r))
                }
            }
            self.q = q
            coordinates = l.transposed()
            rightInverse = inverse
        } else {
            // M = Aᵀ·L⁻ᵀ·L⁻¹, by two triangular solves from the right.
            var inverse = a.transposed()
            inverse.storage.withUnsafeMutableBufferPointer { ip in
                l.storage.withUnsafeBufferPointer { lp in
                    PointerKernels.solveRightLowerTransposed(lp.baseAddress!, n: r, ldl: r, ip.baseAddress!, rows: d, ldb: d)
                    cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasNoTrans, CblasNonUnit,
                                blasint(d), blasint(r), 1, lp.baseAddress!, blasint(r), ip.baseAddress!, blasint(d))
                }
            }
            guard (Matrix.product(a, inverse) - .identity(r)).frobeniusNorm <= tolerance else { return nil }
            q = .identity(r)
            coordinates = a
            rightInverse = inverse
        }
    }

    /// ‖Qᵀv‖ for the basis Q of range A (m×d, full rank) that `init` would build, without building it:
    /// Qᵀv = L⁻¹Aᵀv for m ≥ d (so only the Gram matrix and its Cholesky factor L are formed, a third of
    /// `init`'s work), and ‖v‖ for m < d (range A = R^m). The rounding of this route grows as
    /// ε·cond(A)², so it answers only when Cholesky succeeds and LAPACK's estimate of cond(L) (dtrcon,
    /// 1-norm) is at most `maximumCondition`; nil otherwise, and the caller factors A itself.
    public static func projectionNorm(of v: [Double], onto a: Matrix<Double>, maximumCondition: Double) -> Double? {
        let m = a.rows, d = a.columns, r = min(m, d)
        precondition(v.count == m, "v must have one entry per row of A")
        guard r > 0 else { return nil }
        let tall = m >= d
        var l = a.gram(tall ? .transpose : .none)
        let info = l.storage.withUnsafeMutableBufferPointer { PointerKernels.cholesky($0.baseAddress!, n: r, lda: r) }
        guard info == 0 else { return nil }
        var reciprocalCondition = 0.0
        let conditionInfo = l.storage.withUnsafeBufferPointer {
            LAPACKE_dtrcon(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "1")), Int8(UInt8(ascii: "L")), Int8(UInt8(ascii: "N")),
                           LapackInt(r), $0.baseAddress!, LapackInt(r), &reciprocalCondition)
        }
        guard conditionInfo == 0, reciprocalCondition * maximumCondition >= 1 else { return nil }
        guard tall else { return v.norm }
        var coordinates = a.times(v, .transpose)
        l.storage.withUnsafeBufferPointer { lp in
            cblas_dtrsv(CblasColMajor, CblasLower, CblasNoTrans, CblasNonUnit, blasint(r), lp.baseAddress!, blasint(r), &coordinates, 1)
        }
        return coordinates.norm
    }
}
