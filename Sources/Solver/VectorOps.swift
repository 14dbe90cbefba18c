import LinearAlgebra

// Elementwise sums under names that cannot be confused with Array's concatenation `+`.
@inline(__always) func plus(_ a: [Double], _ b: [Double]) -> [Double] { var c = a; c.add(b); return c }
@inline(__always) func minus(_ a: [Double], _ b: [Double]) -> [Double] { var c = a; c.add(b, scaledBy: -1); return c }

/// op(A)·op(B) with the result allocated here, where Array<Double> is specialized (the generic
/// `Matrix.product` fills its result element by element through unspecialized code).
func product(_ a: Matrix<Double>, _ b: Matrix<Double>, transA: Transpose = .none, transB: Transpose = .none) -> Matrix<Double> {
    let m = transA == .transpose ? a.columns : a.rows
    let n = transB == .transpose ? b.rows : b.columns
    var c = Matrix<Double>(rows: m, columns: n, columnMajor: [Double](repeating: 0, count: m * n))
    Matrix.gemm(a, b, transA: transA, transB: transB, into: &c)
    return c
}
