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
        // LAPACK itself, not LAPACKE: its NaN scan of the input cost as much as small factorizations.
        var uplo = Int8(UInt8(ascii: "L")), order = LapackInt(n), lead = LapackInt(lda), info: LapackInt = 0
        dpotrf_(&uplo, &order, a, &lead, &info, 1)
        return Int(info)
    }

    /// B ← B·L⁻ᵀ for the lower-triangular L (dtrsm, right side): turns the rows of B into
    /// coordinates in which B·(L·Lᵀ)⁻¹·Bᵀ is a plain Gram matrix.
    public static func solveRightLowerTransposed(_ l: UnsafePointer<Double>, n: Int, ldl: Int,
                                                 _ b: UnsafeMutablePointer<Double>, rows m: Int, ldb: Int) {
        guard n > 0 && m > 0 else { return }
        cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit,
                    blasint(m), blasint(n), 1, l, blasint(ldl), b, blasint(ldb))
    }

    /// The lower triangle of (L·Lᵀ)⁻¹ = L⁻ᵀL⁻¹ into `out` (n×n, leading dimension ldo), from the
    /// lower-triangular L: L⁻¹ (`invertLowerTriangle`), then LAPACK's dlauum forms L⁻ᵀL⁻¹ in place
    /// (what dpotri does, with the faster inverse). Returns LAPACK's info (k > 0: L[k, k] = 0).
    @discardableResult
    public static func choleskyInverse(_ l: UnsafePointer<Double>, n: Int, ldl: Int,
                                       into out: UnsafeMutablePointer<Double>, ldo: Int) -> Int {
        guard n > 0 else { return 0 }
        var uplo = Int8(UInt8(ascii: "L")), order = LapackInt(n), from = LapackInt(ldl), lead = LapackInt(ldo), status: LapackInt = 0
        dlacpy_(&uplo, &order, &order, l, &from, out, &lead, 1)
        let info = invertLowerTriangle(out, n: n, lda: ldo)
        guard info == 0 else { return info }
        dlauum_(&uplo, &order, out, &lead, &status, 1)
        return Int(status)
    }

    /// L ← L⁻¹ in place for the lower-triangular L. OpenBLAS's dtrtri runs one dtrmv per column at
    /// the block sizes of the solver (r ≈ 100, 18 % of a noisy approx solve), so the halves are
    /// inverted recursively and the off-diagonal block [L₁₁ 0; L₂₁ L₂₂]⁻¹ = −L₂₂⁻¹L₂₁L₁₁⁻¹ is formed
    /// by two dtrmm, which carry three quarters of the flops at BLAS-3 speed. Returns dtrtri's info.
    public static func invertLowerTriangle(_ a: UnsafeMutablePointer<Double>, n: Int, lda: Int) -> Int {
        guard n > 16 else {
            var uplo = Int8(UInt8(ascii: "L")), diag = Int8(UInt8(ascii: "N"))
            var order = LapackInt(n), lead = LapackInt(lda), info: LapackInt = 0
            dtrtri_(&uplo, &diag, &order, a, &lead, &info, 1, 1)
            return Int(info)
        }
        let n1 = n / 2, n2 = n - n1
        let top = a, corner = a + n1 + n1 * lda, below = a + n1
        let first = invertLowerTriangle(top, n: n1, lda: lda)
        guard first == 0 else { return first }
        let second = invertLowerTriangle(corner, n: n2, lda: lda)
        guard second == 0 else { return second + n1 }
        cblas_dtrmm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit,
                    blasint(n2), blasint(n1), -1, corner, blasint(lda), below, blasint(lda))
        cblas_dtrmm(CblasColMajor, CblasRight, CblasLower, CblasNoTrans, CblasNonUnit,
                    blasint(n2), blasint(n1), 1, top, blasint(lda), below, blasint(lda))
        return 0
    }

    /// B ← B·L for the lower-triangular L (dtrmm, right side): the rows of B in coordinates in
    /// which B·(L·Lᵀ)·Bᵀ is a plain Gram matrix.
    public static func multiplyRightLower(_ l: UnsafePointer<Double>, n: Int, ldl: Int,
                                          _ b: UnsafeMutablePointer<Double>, rows m: Int, ldb: Int) {
        guard n > 0 && m > 0 else { return }
        cblas_dtrmm(CblasColMajor, CblasRight, CblasLower, CblasNoTrans, CblasNonUnit,
                    blasint(m), blasint(n), 1, l, blasint(ldl), b, blasint(ldb))
    }

    /// x ← (L·Lᵀ)⁻¹·x with the Cholesky factor from `cholesky` (two dtrsv).
    public static func choleskySolve(_ l: UnsafePointer<Double>, n: Int, ldl: Int, _ x: UnsafeMutablePointer<Double>) {
        guard n > 0 else { return }
        cblas_dtrsv(CblasColMajor, CblasLower, CblasNoTrans, CblasNonUnit, blasint(n), l, blasint(ldl), x, 1)
        cblas_dtrsv(CblasColMajor, CblasLower, CblasTrans, CblasNonUnit, blasint(n), l, blasint(ldl), x, 1)
    }

    /// The lower triangle of A (n×n, leading dimension lda) packed by columns into `out`
    /// (n(n+1)/2 entries; LAPACK's dtrttp), the storage `packedCholeskySolve` reads.
    public static func packLower(_ a: UnsafePointer<Double>, n: Int, lda: Int, into out: UnsafeMutablePointer<Double>) {
        guard n > 0 else { return }
        var uplo = Int8(UInt8(ascii: "L")), order = LapackInt(n), lead = LapackInt(lda), info: LapackInt = 0
        dtrttp_(&uplo, &order, a, &lead, out, &info, 1)
    }

    /// x ← (L·Lᵀ)⁻¹·x with L packed by `packLower` (two dtpsv): half the memory traffic of
    /// `choleskySolve`, which is what solves with many factors too large for the cache pay for.
    public static func packedCholeskySolve(_ l: UnsafePointer<Double>, n: Int, _ x: UnsafeMutablePointer<Double>) {
        guard n > 0 else { return }
        cblas_dtpsv(CblasColMajor, CblasLower, CblasNoTrans, CblasNonUnit, blasint(n), l, x, 1)
        cblas_dtpsv(CblasColMajor, CblasLower, CblasTrans, CblasNonUnit, blasint(n), l, x, 1)
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
