import COpenBLAS

/// Pointer-level LAPACK/BLAS kernels for callers that keep many small matrices in one
/// preallocated buffer (the interior-point solver factors one small matrix per block and
/// iteration; wrapping each in a `Matrix` would allocate in the inner loop).
/// All matrices are column-major with the given leading dimension.
public enum PointerKernels {
    /// In-place Cholesky A = L·Lᵀ of the lower triangle (dpotrf). Returns LAPACK's info:
    /// 0 on success, k > 0 if the leading minor k is not positive definite.
    @discardableResult
    public static func cholesky(_ a: UnsafeMutablePointer<Double>, n: Int, lda: Int) -> Int {
        guard n > 0 else { return 0 }
        return Int(LAPACKE_dpotrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), LapackInt(n), a, LapackInt(lda)))
    }

    /// B ← B·L⁻ᵀ for the lower-triangular L (dtrsm, right side): turns the rows of B into
    /// coordinates in which B·(L·Lᵀ)⁻¹·Bᵀ is a plain Gram matrix.
    public static func solveRightLowerTransposed(_ l: UnsafePointer<Double>, n: Int, ldl: Int,
                                                 _ b: UnsafeMutablePointer<Double>, rows m: Int, ldb: Int) {
        guard n > 0 && m > 0 else { return }
        cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit,
                    blasint(m), blasint(n), 1, l, blasint(ldl), b, blasint(ldb))
    }

    /// x ← (L·Lᵀ)⁻¹·x with the Cholesky factor from `cholesky` (two dtrsv).
    public static func choleskySolve(_ l: UnsafePointer<Double>, n: Int, ldl: Int, _ x: UnsafeMutablePointer<Double>) {
        guard n > 0 else { return }
        cblas_dtrsv(CblasColMajor, CblasLower, CblasNoTrans, CblasNonUnit, blasint(n), l, blasint(ldl), x, 1)
        cblas_dtrsv(CblasColMajor, CblasLower, CblasTrans, CblasNonUnit, blasint(n), l, blasint(ldl), x, 1)
    }
}
