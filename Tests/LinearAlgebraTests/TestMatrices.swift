import LinearAlgebra
import TestSupport

/// Deterministic test matrices from SplitMix64, independent of the project's own generators.
func randomMatrix(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix<Double> {
    var g = SplitMix64(seed: seed)
    return Matrix(rows: rows, columns: columns, columnMajor: (0..<(rows * columns)).map { _ in Double.random(in: -1...1, using: &g) })
}

/// The textbook triple loop: the independent reference for BLAS products.
func naiveProduct(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
    var c = Matrix<Double>(rows: a.rows, columns: b.columns)
    for i in 0..<a.rows {
        for j in 0..<b.columns {
            var s = 0.0
            for k in 0..<a.columns { s += a[i, k] * b[k, j] }
            c[i, j] = s
        }
    }
    return c
}

func maxAbsDifference(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Double {
    precondition(a.rows == b.rows && a.columns == b.columns)
    return zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? 0
}
