import COpenBLAS
import Foundation

/// LAPACKE's integer (a C macro, so Swift does not see the name).
typealias LapackInt = Int32

/// Why a LAPACK call gave no answer; `info` is LAPACK's own code.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
    /// Cholesky met a non-positive pivot at this (1-based) leading minor.
    case notPositiveDefinite(minor: Int)
    /// An exactly zero pivot in LU: the matrix is singular.
    case singular
    /// An iterative decomposition (SVD, eigenvalues) did not converge.
    case didNotConverge(routine: String)
    case lapack(routine: String, info: Int)

    public var description: String {
        switch self {
        case .notPositiveDefinite(let k): return "matrix is not positive definite (leading minor \(k))"
        case .singular: return "matrix is singular"
        case .didNotConverge(let r): return "\(r) did not converge"
        case .lapack(let r, let info): return "\(r) failed with info \(info)"
        }
    }
}

@inline(__always) private func li(_ v: Int) -> LapackInt { LapackInt(v) }

private func check(_ info: LapackInt, _ routine: String) throws {
    guard info == 0 else { throw LinearAlgebraError.lapack(routine: routine, info: Int(info)) }
}

/// The Cholesky factor L of a symmetric positive definite A = L·Lᵀ (lower triangle stored).
public struct Cholesky: Sendable {
    public let factor: Matrix<Double>

    public init(_ a: Matrix<Double>) throws {
        precondition(a.rows == a.columns, "Cholesky needs a square matrix")
        var l = a
        let n = a.rows
        if n > 0 {
            let info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), li(n), &l.storage, li(n))
            if info > 0 { throw LinearAlgebraError.notPositiveDefinite(minor: Int(info)) }
            try check(info, "dpotrf")
        }
        // Zero the untouched upper triangle so `factor` is L itself.
        for j in 1..<max(n, 1) { for i in 0..<j { l[i, j] = 0 } }
        factor = l
    }

    /// A⁻¹·B for a matrix right-hand side.
    public func solve(_ b: Matrix<Double>) -> Matrix<Double> {
        precondition(b.rows == factor.rows)
        var x = b
        guard x.rows > 0 && x.columns > 0 else { return x }
        let info = LAPACKE_dpotrs(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), li(factor.rows), li(b.columns),
                                  factor.storage, li(factor.rows), &x.storage, li(b.rows))
        precondition(info == 0, "dpotrs: invalid argument \(-info)")
        return x
    }

    /// A⁻¹·b.
    public func solve(_ b: [Double]) -> [Double] { solve(Matrix(column: b)).storage }
}

/// Thin singular value decomposition A = U·diag(s)·Vᵀ with k = min(m, n) singular values,
/// largest first (LAPACK dgesdd, the routine numpy's `svd` calls).
public struct SVD: Sendable {
    public let u: Matrix<Double>
    public let singularValues: [Double]
    public let vt: Matrix<Double>

    /// - Parameter full: numpy's `full_matrices=True`: U is m×m and Vᵀ is n×n (the extra rows of Vᵀ
    ///   span the null space when m < n).
    public init(_ a: Matrix<Double>, full: Bool = false) throws {
        let m = a.rows, n = a.columns, k = min(m, n)
        let uColumns = full ? m : k, vtRows = full ? n : k
        var work = a
        var s = [Double](repeating: 0, count: k)
        var u = Matrix<Double>(rows: m, columns: uColumns)
        var vt = Matrix<Double>(rows: vtRows, columns: n)
        if k > 0 {
            let job = Int8(UInt8(ascii: full ? "A" : "S"))
            let info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, job, li(m), li(n), &work.storage, li(m),
                                      &s, &u.storage, li(m), &vt.storage, li(max(vtRows, 1)))
            if info > 0 { throw LinearAlgebraError.didNotConverge(routine: "dgesdd") }
            try check(info, "dgesdd")
        }
        self.u = u
        singularValues = s
        self.vt = vt
    }

    /// Singular values above `tolerance`; by default numpy's `matrix_rank` rule
    /// σ_max · max(m, n) · ε.
    public func rank(tolerance: Double? = nil) -> Int {
        let tol = tolerance ?? defaultRankTolerance
        return singularValues.filter { $0 > tol }.count
    }

    public var defaultRankTolerance: Double {
        (singularValues.first ?? 0) * Double(max(u.rows, vt.columns)) * Double.ulpOfOne
    }
}

extension Matrix where Scalar == Double {
    public func svd(full: Bool = false) throws -> SVD { try SVD(self, full: full) }

    public func cholesky() throws -> Cholesky { try Cholesky(self) }

    /// Numerical rank by numpy's `matrix_rank` rule unless a tolerance is given.
    public func numericalRank(tolerance: Double? = nil) throws -> Int { try svd().rank(tolerance: tolerance) }

    /// op(T)⁻¹·b for the lower or upper triangle of this square matrix (dtrsv).
    public func solveTriangular(_ b: [Double], lower: Bool, transpose: Transpose) -> [Double] {
        precondition(rows == columns && b.count == rows)
        var x = b
        guard rows > 0 else { return x }
        cblas_dtrsv(CblasColMajor, lower ? CblasLower : CblasUpper, transpose == .transpose ? CblasTrans : CblasNoTrans,
                    CblasNonUnit, blasint(rows), storage, blasint(rows), &x, 1)
        return x
    }

    /// A⁻¹·B by LU with partial pivoting (dgesv).
    public func solve(_ b: Matrix<Double>) throws -> Matrix<Double> {
        precondition(rows == columns && b.rows == rows)
        var a = self, x = b
        guard rows > 0 && b.columns > 0 else { return x }
        var pivots = [LapackInt](repeating: 0, count: rows)
        let info = LAPACKE_dgesv(LAPACK_COL_MAJOR, li(rows), li(b.columns), &a.storage, li(rows), &pivots, &x.storage, li(rows))
        if info > 0 { throw LinearAlgebraError.singular }
        try check(info, "dgesv")
        return x
    }

    public func solve(_ b: [Double]) throws -> [Double] { try solve(Matrix(column: b)).storage }

    /// The minimum-norm least-squares solution of A·x ≈ B, rank-revealing (dgelsd); singular
    /// values below `relativeTolerance`·σ_max count as zero (default numpy's `lstsq`: ε·max(m, n)).
    public func leastSquares(_ b: Matrix<Double>, relativeTolerance: Double? = nil) throws -> (solution: Matrix<Double>, rank: Int) {
        precondition(b.rows == rows)
        let m = rows, n = columns, ldb = max(m, n, 1)
        var a = self
        var padded = Matrix(rows: ldb, columns: b.columns)
        for j in 0..<b.columns { for i in 0..<m { padded[i, j] = b[i, j] } }
        guard m > 0 && n > 0 && b.columns > 0 else { return (Matrix(rows: n, columns: b.columns), 0) }
        var s = [Double](repeating: 0, count: min(m, n))
        var rank: LapackInt = 0
        let info = LAPACKE_dgelsd(LAPACK_COL_MAJOR, li(m), li(n), li(b.columns), &a.storage, li(m), &padded.storage, li(ldb),
                                  &s, relativeTolerance ?? Double.ulpOfOne * Double(max(m, n)), &rank)
        if info > 0 { throw LinearAlgebraError.didNotConverge(routine: "dgelsd") }
        try check(info, "dgelsd")
        return (padded.rows(Array(0..<n)), Int(rank))
    }

    public func leastSquares(_ b: [Double], relativeTolerance: Double? = nil) throws -> [Double] {
        try leastSquares(Matrix(column: b), relativeTolerance: relativeTolerance).solution.storage
    }

    /// QR of a tall matrix (m ≥ n): Q is m×n with orthonormal columns (m×m with `full`, its last
    /// m − n columns an orthonormal basis of the complement of the first n), R is n×n upper triangular.
    public func qr(full: Bool = false) throws -> (q: Matrix<Double>, r: Matrix<Double>) {
        let m = rows, n = columns
        precondition(m >= n, "QR needs rows ≥ columns")
        var a = self
        var tau = [Double](repeating: 0, count: n)
        var r = Matrix(rows: n, columns: n)
        if n > 0 {
            try check(LAPACKE_dgeqrf(LAPACK_COL_MAJOR, li(m), li(n), &a.storage, li(m), &tau), "dgeqrf")
            for j in 0..<n { for i in 0...j { r[i, j] = a[i, j] } }
        }
        let columns = full ? m : n
        guard columns > 0 else { return (a, r) }
        // The reflectors in the first n columns; dorgqr forms Q's first `columns` columns from them.
        var q = full ? Matrix(rows: m, columns: m, columnMajor: a.storage + [Double](repeating: 0, count: m * (m - n))) : a
        try check(LAPACKE_dorgqr(LAPACK_COL_MAJOR, li(m), li(columns), li(n), &q.storage, li(m), tau), "dorgqr")
        return (q, r)
    }

    /// Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix (dsyevd;
    /// only the lower triangle is read).
    public func symmetricEigen() throws -> (values: [Double], vectors: Matrix<Double>) {
        precondition(rows == columns)
        var v = self
        var w = [Double](repeating: 0, count: rows)
        guard rows > 0 else { return (w, v) }
        let info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "L")), li(rows), &v.storage, li(rows), &w)
        if info > 0 { throw LinearAlgebraError.didNotConverge(routine: "dsyevd") }
        try check(info, "dsyevd")
        return (w, v)
    }

    /// Moore–Penrose pseudo-inverse, singular values at or below numpy's `pinv` default
    /// cutoff (1e-15·σ_max) or `relativeTolerance`·σ_max treated as zero.
    public func pseudoInverse(relativeTolerance: Double = 1e-15) throws -> Matrix<Double> {
        let f = try svd()
        let cutoff = relativeTolerance * (f.singularValues.first ?? 0)
        // V·diag(1/s)·Uᵀ: scale the rows of Vᵀ by 1/s, then multiply by Uᵀ.
        let inverted = f.singularValues.map { $0 > cutoff ? 1 / $0 : 0 }
        let scaledVt = f.vt.scalingRows(by: inverted)
        return Matrix.product(scaledVt, f.u, transA: .transpose, transB: .transpose)
    }
}
