import Foundation
import LinearAlgebra

/// A tiny seeded generator (SplitMix64) so test data never depends on another module's streams.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal by Box–Muller.
    mutating func gaussian() -> Double {
        let u = max(uniform(), 0x1p-60), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    mutating func gaussians(_ count: Int) -> [Double] { (0..<count).map { _ in gaussian() } }

    /// n×d with N(0, 1)/√n entries, as SPEC §2's data.
    mutating func data(_ n: Int, _ d: Int) -> Matrix<Double> {
        Matrix(rows: n, columns: d, columnMajor: gaussians(n * d).map { $0 / Double(n).squareRoot() })
    }
}

func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    var diff = a
    diff.add(b, scaledBy: -1)
    return diff.norm / max(b.norm, 1e-300)
}
