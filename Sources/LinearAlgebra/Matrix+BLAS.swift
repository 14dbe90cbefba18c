/// Products and vector kernels, each one OpenBLAS call.
public enum Transpose: Sendable { case none, transpose }

extension Matrix {
    /// C ← alpha·op(A)·op(B) + beta·C.
    public static func gemm(_ a: Matrix, _ b: Matrix, transA: Transpose = .none, transB: Transpose = .none,
                            alpha: Scalar = 1, beta: Scalar = 0, into c: inout Matrix) {
        let ta = transA == .transpose, tb = transB == .transpose
        let m = ta ? a.columns : a.rows, k = ta ? a.rows : a.columns
        let kb = tb ? b.columns : b.rows, n = tb ? b.rows : b.columns
        precondition(k == kb, "inner dimensions differ: \(k) and \(kb)")
        precondition(c.rows == m && c.columns == n, "result must be \(m)×\(n), is \(c.rows)×\(c.columns)")
        guard m > 0 && n > 0 else { return }
        if k == 0 { if beta == 0 { c.storage = [Scalar](repeating: 0, count: m * n) } else { c.scale(by: beta) }; return }
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    Scalar.gemm(ta, tb, m, n, k, alpha, pa.baseAddress!, max(a.rows, 1), pb.baseAddress!, max(b.rows, 1),
                                beta, pc.baseAddress!, max(m, 1))
                }
            }
        }
    }

    /// op(A)·op(B).
    public static func product(_ a: Matrix, _ b: Matrix, transA: Transpose = .none, transB: Transpose = .none,
                               alpha: Scalar = 1) -> Matrix {
        let m = transA == .transpose ? a.columns : a.rows
        let n = transB == .transpose ? b.rows : b.columns
        var c = Matrix(rows: m, columns: n)
        gemm(a, b, transA: transA, transB: transB, alpha: alpha, into: &c)
        return c
    }

    public static func * (a: Matrix, b: Matrix) -> Matrix { product(a, b) }

    /// op(A)·x.
    public func times(_ x: [Scalar], _ trans: Transpose = .none) -> [Scalar] {
        var y = [Scalar](repeating: 0, count: trans == .transpose ? columns : rows)
        multiply(x, trans, alpha: 1, beta: 0, into: &y)
        return y
    }

    /// y ← alpha·op(A)·x + beta·y.
    public func multiply(_ x: [Scalar], _ trans: Transpose = .none, alpha: Scalar = 1, beta: Scalar = 0, into y: inout [Scalar]) {
        let t = trans == .transpose
        precondition(x.count == (t ? rows : columns), "vector length \(x.count) does not fit a \(rows)×\(columns) matrix")
        precondition(y.count == (t ? columns : rows))
        guard !y.isEmpty else { return }
        if x.isEmpty { y.scale(by: beta); return }
        storage.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    Scalar.gemv(t, rows, columns, alpha, pa.baseAddress!, max(rows, 1), px.baseAddress!, 1, beta, py.baseAddress!, 1)
                }
            }
        }
    }

    /// A·Aᵀ (`.none`) or Aᵀ·A (`.transpose`), both triangles filled.
    public func gram(_ trans: Transpose = .none) -> Matrix {
        let t = trans == .transpose
        let n = t ? columns : rows, k = t ? rows : columns
        var c = Matrix(rows: n, columns: n)
        guard n > 0 && k > 0 else { return c }
        storage.withUnsafeBufferPointer { pa in
            c.storage.withUnsafeMutableBufferPointer { pc in
                Scalar.syrk(t, n, k, 1, pa.baseAddress!, max(rows, 1), 0, pc.baseAddress!, n)
            }
        }
        c.symmetrizeFromLower()
        return c
    }

    /// Copies the strict lower triangle into the upper one (after syrk or a LAPACK call
    /// that only writes the lower half).
    public mutating func symmetrizeFromLower() {
        precondition(rows == columns)
        for j in 1..<max(columns, 1) {
            storage.withUnsafeMutableBufferPointer { p in
                // Row j of the lower triangle (stride n) becomes the upper part of column j.
                for i in 0..<j { p[i + j * rows] = p[j + i * rows] }
            }
        }
    }

    public mutating func scale(by alpha: Scalar) { storage.scale(by: alpha) }

    public static func + (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.columns == b.columns)
        var c = a
        c.storage.add(b.storage)
        return c
    }

    public static func - (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.columns == b.columns)
        var c = a
        c.storage.add(b.storage, scaledBy: -1)
        return c
    }

    /// Frobenius norm.
    public var frobeniusNorm: Scalar { storage.norm }
}

/// Vector kernels on plain arrays, each one BLAS level-1 call.
extension Array where Element: BLASScalar {
    public func dot(_ other: [Element]) -> Element {
        precondition(count == other.count, "lengths differ: \(count) and \(other.count)")
        guard !isEmpty else { return 0 }
        return withUnsafeBufferPointer { x in
            other.withUnsafeBufferPointer { y in Element.dot(count, x.baseAddress!, 1, y.baseAddress!, 1) }
        }
    }

    /// Euclidean norm (BLAS nrm2: scaled, so no overflow for large entries).
    public var norm: Element {
        guard !isEmpty else { return 0 }
        return withUnsafeBufferPointer { Element.nrm2(count, $0.baseAddress!, 1) }
    }

    /// self ← self + alpha·other.
    public mutating func add(_ other: [Element], scaledBy alpha: Element = 1) {
        precondition(count == other.count, "lengths differ: \(count) and \(other.count)")
        guard !isEmpty else { return }
        let n = count
        other.withUnsafeBufferPointer { x in
            withUnsafeMutableBufferPointer { y in Element.axpy(n, alpha, x.baseAddress!, 1, y.baseAddress!, 1) }
        }
    }

    public mutating func scale(by alpha: Element) {
        guard !isEmpty else { return }
        let n = count
        withUnsafeMutableBufferPointer { Element.scal(n, alpha, $0.baseAddress!, 1) }
    }

    public func scaled(by alpha: Element) -> [Element] {
        var v = self
        v.scale(by: alpha)
        return v
    }

    /// self + alpha·other (named, because `+` on arrays is concatenation).
    public func adding(_ other: [Element], scaledBy alpha: Element = 1) -> [Element] {
        var v = self
        v.add(other, scaledBy: alpha)
        return v
    }
}
