import Foundation

/// An n-dimensional array of doubles as stored in a NumPy `.npy` file.
///
/// Values are always held in C (row-major) order whatever the file's layout, so the last
/// index varies fastest: the experiments' `[n, d, trial]` arrays keep a cell's trials adjacent.
public struct NumpyArray: Sendable, Equatable {
    public var shape: [Int]
    /// Values in C order; `values.count == shape.reduce(1, *)` (1 for rank 0).
    public var values: [Double]

    public init(shape: [Int], values: [Double]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(values.count == shape.reduce(1, *),
                     "shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        self.shape = shape
        self.values = values
    }

    /// An array of the given shape filled with one value.
    public init(shape: [Int], repeating value: Double) {
        self.init(shape: shape, values: Array(repeating: value, count: shape.reduce(1, *)))
    }

    public var rank: Int { shape.count }
    public var count: Int { values.count }

    /// Offset of a multi-index in `values`, checking every index against its dimension.
    public func offset(of indices: [Int]) -> Int {
        precondition(indices.count == shape.count,
                     "\(indices.count) indices for an array of rank \(shape.count)")
        var offset = 0
        for (axis, index) in indices.enumerated() {
            precondition(index >= 0 && index < shape[axis],
                         "index \(index) out of range 0..<\(shape[axis]) on axis \(axis)")
            offset = offset * shape[axis] + index
        }
        return offset
    }

    public subscript(indices: Int...) -> Double {
        get { values[offset(of: indices)] }
        set { values[offset(of: indices)] = newValue }
    }

    public subscript(indices indices: [Int]) -> Double {
        get { values[offset(of: indices)] }
        set { values[offset(of: indices)] = newValue }
    }

    /// Equality treats NaN as equal to NaN, because arrays of results use NaN for "skipped
    /// cell" and a round trip must compare equal.
    public static func == (lhs: NumpyArray, rhs: NumpyArray) -> Bool {
        guard lhs.shape == rhs.shape else { return false }
        for (a, b) in zip(lhs.values, rhs.values) where !(a == b || (a.isNaN && b.isNaN)) {
            return false
        }
        return true
    }
}
