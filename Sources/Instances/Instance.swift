import Foundation
import LinearAlgebra

/// One drawn problem: data, planted weights, labels, and what the experiment needs besides.
public struct Instance: Sendable {
    public let experiment: OriginalExperiment
    public let parameters: InstanceParameters
    public let n: Int
    public let d: Int
    public let trial: Int
    /// n×d data.
    public let x: Matrix<Double>
    /// d×k planted weights, unit columns: the linear neuron w* (k = 1) or the ReLU neurons w_j.
    public let planted: Matrix<Double>
    public let y: [Double]
    /// A fresh X of the same law with noise-free labels from the same planted weights.
    public let testX: Matrix<Double>?
    public let testY: [Double]?
    /// nil for training experiments, which need no arrangement.
    public let patterns: PatternSet?
}

/// Labels of the planted models (science §2).
public enum PlantedLabels {
    /// y = X·w*, computed as numpy computes `X @ w` on a C-ordered X (gemv on the transpose), so the
    /// bits match the original's.
    public static func linear(_ x: Matrix<Double>, _ w: [Double]) -> [Double] {
        x.transposed().times(w, .transpose)
    }

    /// y = Σ_j (X w_j)_+ / ‖(X w_j)_+‖ (or, with `normalized` false, the plain Σ_j (X w_j)_+), or nil
    /// when some ‖(X w_j)_+‖ < 1e-10 (the original redraws).
    public static func normalizedReLU(_ x: Matrix<Double>, _ w: Matrix<Double>, normalized: Bool = true) -> [Double]? {
        var y = [Double](repeating: 0, count: x.rows)
        let outputs = Matrix.product(x, w)
        for j in 0..<w.columns {
            let relu = outputs.column(j).map { max($0, 0) }
            let norm = relu.dot(relu).squareRoot()
            guard norm >= 1e-10 else { return nil }
            y.add(relu, scaledBy: normalized ? 1 / norm : 1)
        }
        return y
    }
}
