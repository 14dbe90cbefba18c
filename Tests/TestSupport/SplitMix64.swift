import Foundation
import LinearAlgebra

/// A tiny seeded generator (SplitMix64, Box–Muller normals) for test data that must not depend on
/// the streams under test.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform on [0, 1) with 53 bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal by Box–Muller.
    public mutating func gaussian() -> Double {
        let u = max(uniform(), 0x1p-60), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    public mutating func gaussians(_ count: Int) -> [Double] { (0..<count).map { _ in gaussian() } }

    /// r×c with N(0, scale²) entries.
    public mutating func matrix(_ rows: Int, _ columns: Int, scale: Double = 1) -> Matrix<Double> {
        Matrix(rows: rows, columns: columns, columnMajor: gaussians(rows * columns).map { $0 * scale })
    }
}
