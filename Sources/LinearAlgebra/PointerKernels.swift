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

    /// y[index[t]] += alpha·x[t] for t < count: Sparse BLAS's axpyi, which OpenBLAS does not carry.
    /// Eight at a time, with the products formed as one SIMD8 and wrapping index arithmetic: the
    /// plain loop carried an overflow check and a scalar multiply per entry, and its memory stream
    /// was not the bottleneck. The indices must be distinct within one call (they are rows of one
    /// pattern), so the eight updates do not depend on each other.
    @inline(__always)
    public static func scatterAdd(_ alpha: Double, _ x: UnsafePointer<Double>, _ index: UnsafePointer<Int32>,
                                  count: Int, into y: UnsafeMutablePointer<Double>) {
        var t = 0
        while t &+ 8 <= count {
            let products = UnsafeRawPointer(x + t).loadUnaligned(as: SIMD8<Double>.self) * alpha
            let i = UnsafeRawPointer(index + t).loadUnaligned(as: SIMD8<Int32>.self)
            y[Int(i[0])] += products[0]; y[Int(i[1])] += products[1]
            y[Int(i[2])] += products[2]; y[Int(i[3])] += products[3]
            y[Int(i[4])] += products[4]; y[Int(i[5])] += products[5]
            y[Int(i[6])] += products[6]; y[Int(i[7])] += products[7]
            t &+= 8
        }
        while t < count { y[Int(index[t])] += alpha * x[t]; t &+= 1 }
    }
}
