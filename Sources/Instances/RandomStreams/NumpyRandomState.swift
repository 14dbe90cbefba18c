import Foundation
import LinearAlgebra

/// numpy's legacy `RandomState`, bit for bit (science §3): 53-bit doubles from two 32-bit outputs and
/// polar (Marsaglia) Gaussians that return `x₂·f` and keep `x₁·f` for the next call.
public struct NumpyRandomState: RandomNumberGenerator, Sendable {
    private var twister: MersenneTwister
    private var cachedGaussian: Double?

    /// `np.random.RandomState(seed)`.
    public init(seed: UInt32) { twister = MersenneTwister(seed: seed) }

    /// `np.random.RandomState([k0, k1, …])`.
    public init(key: [UInt32]) { twister = MersenneTwister(key: key) }

    /// `random_raw()`.
    public mutating func next32() -> UInt32 { twister.next32() }

    /// For `RandomNumberGenerator`: two raw outputs, high word first.
    public mutating func next() -> UInt64 {
        let high = UInt64(next32())
        return high << 32 | UInt64(next32())
    }

    /// `random_sample()`: uniform on [0, 1) with 53 random bits.
    public mutating func randomSample() -> Double {
        let a = Double(next32() >> 5), b = Double(next32() >> 6)
        return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// `standard_normal()` of the legacy generator.
    public mutating func standardNormal() -> Double {
        if let cached = cachedGaussian {
            cachedGaussian = nil
            return cached
        }
        var x1 = 0.0, x2 = 0.0, r2 = 0.0
        repeat {
            x1 = 2.0 * randomSample() - 1.0
            x2 = 2.0 * randomSample() - 1.0
            r2 = x1 * x1 + x2 * x2
        } while r2 >= 1.0 || r2 == 0.0
        let f = (-2.0 * log(r2) / r2).squareRoot()
        cachedGaussian = f * x1
        return f * x2
    }

    /// `randn(count)`.
    public mutating func randn(_ count: Int) -> [Double] {
        (0..<count).map { _ in standardNormal() }
    }

    /// `randn(rows, columns)`: numpy fills row by row (C order).
    public mutating func randn(_ rows: Int, _ columns: Int) -> Matrix<Double> {
        Matrix(rows: rows, columns: columns, rowMajor: randn(rows * columns))
    }

    /// `uniform(low, high)`, as numpy computes it.
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * randomSample()
    }
}
