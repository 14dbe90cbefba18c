/// A dense matrix stored column-major, the layout BLAS and LAPACK expect, so every
/// wrapper hands `storage` to OpenBLAS without copying or transposing.
///
/// `Scalar` is `Double` for the convex programs and `Float` for training (science §5: the
/// original trains in float32).
public struct Matrix<Scalar: BLASScalar>: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// Column-major entries: entry (i, j) is `storage[i + j * rows]`.
    public var storage: [Scalar]

    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        storage = [Scalar](repeating: value, count: rows * columns)
    }

    public init(rows: Int, columns: Int, columnMajor values: [Scalar]) {
        precondition(values.count == rows * columns, "expected \(rows * columns) entries, got \(values.count)")
        self.rows = rows
        self.columns = columns
        storage = values
    }

    /// Entries listed row by row, as numpy's C order and JSON nested lists give them.
    public init(rows: Int, columns: Int, rowMajor values: [Scalar]) {
        precondition(values.count == rows * columns, "expected \(rows * columns) entries, got \(values.count)")
        // Row-major r×c data is the column-major c×r transpose.
        self = Matrix(rows: columns, columns: rows, columnMajor: values).transposed()
    }

    /// From nested rows; all rows must have the same length.
    public init(_ rowArrays: [[Scalar]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "rows of unequal length")
        self.init(rows: rowArrays.count, columns: columns, rowMajor: rowArrays.flatMap { $0 })
    }

    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// A column vector.
    public init(column values: [Scalar]) {
        self.init(rows: values.count, columns: 1, columnMajor: values)
    }

    public subscript(row: Int, column: Int) -> Scalar {
        get { storage[row + column * rows] }
        set { storage[row + column * rows] = newValue }
    }

    public func column(_ j: Int) -> [Scalar] {
        Array(storage[(j * rows)..<((j + 1) * rows)])
    }

    public mutating func setColumn(_ j: Int, to values: [Scalar]) {
        precondition(values.count == rows)
        storage.replaceSubrange((j * rows)..<((j + 1) * rows), with: values)
    }

    public func row(_ i: Int) -> [Scalar] {
        (0..<columns).map { storage[i + $0 * rows] }
    }

    /// Entries row by row (C order), e.g. for printing as nested lists or writing .npy.
    public var rowMajorValues: [Scalar] { transposed().storage }

    public var rowArrays: [[Scalar]] { (0..<rows).map(row) }

    public func transposed() -> Matrix {
        var t = Matrix(rows: columns, columns: rows)
        guard rows > 0 && columns > 0 else { return t }
        storage.withUnsafeBufferPointer { a in
            t.storage.withUnsafeMutableBufferPointer { b in
                Scalar.omatcopy(true, rows, columns, 1, a.baseAddress!, rows, b.baseAddress!, columns)
            }
        }
        return t
    }

    /// The columns in `indices`, in that order.
    public func columns(_ indices: some Sequence<Int>) -> Matrix {
        var values: [Scalar] = []
        var count = 0
        for j in indices {
            values.append(contentsOf: storage[(j * rows)..<((j + 1) * rows)])
            count += 1
        }
        return Matrix(rows: rows, columns: count, columnMajor: values)
    }

    /// The rows in `indices`, in that order.
    public func rows(_ indices: [Int]) -> Matrix {
        var m = Matrix(rows: indices.count, columns: columns)
        let count = indices.count, rows = self.rows
        // Through pointers: element writes into `m.storage` checked its uniqueness every time.
        m.storage.withUnsafeMutableBufferPointer { out in
            storage.withUnsafeBufferPointer { source in
                indices.withUnsafeBufferPointer { picked in
                    for j in 0..<columns {
                        for k in 0..<count { out[k + j * count] = source[picked[k] + j * rows] }
                    }
                }
            }
        }
        return m
    }

    /// Each row i multiplied by `weights[i]`: diag(weights) · self, the D_i X of science §4.
    public func scalingRows(by weights: [Scalar]) -> Matrix {
        precondition(weights.count == rows)
        var m = self
        guard columns > 0 else { return m }
        m.storage.withUnsafeMutableBufferPointer { a in
            for i in 0..<rows { Scalar.scal(columns, weights[i], a.baseAddress! + i, rows) }
        }
        return m
    }

    /// Columns of `self` followed by the columns of `other`.
    public func appendingColumns(_ other: Matrix) -> Matrix {
        precondition(other.rows == rows, "row counts differ: \(rows) and \(other.rows)")
        return Matrix(rows: rows, columns: columns + other.columns, columnMajor: storage + other.storage)
    }

    public func map(_ transform: (Scalar) -> Scalar) -> Matrix {
        Matrix(rows: rows, columns: columns, columnMajor: storage.map(transform))
    }
}

extension Matrix where Scalar == Double {
    /// Converts to single precision for training.
    public var singlePrecision: Matrix<Float> {
        Matrix<Float>(rows: rows, columns: columns, columnMajor: storage.map { Float($0) })
    }
}

extension Matrix where Scalar == Float {
    public var doublePrecision: Matrix<Double> {
        Matrix<Double>(rows: rows, columns: columns, columnMajor: storage.map { Double($0) })
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        rowArrays.map { $0.map { "\($0)" }.joined(separator: " ") }.joined(separator: "\n")
    }
}
