import Foundation
import LinearAlgebra
import TestSupport

extension SplitMix64 {
    /// n×d with N(0, 1)/√n entries, as science §2's data.
    mutating func data(_ n: Int, _ d: Int) -> Matrix<Double> { matrix(n, d, scale: 1 / Double(n).squareRoot()) }
}

func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    var diff = a
    diff.add(b, scaledBy: -1)
    return diff.norm / max(b.norm, 1e-300)
}
