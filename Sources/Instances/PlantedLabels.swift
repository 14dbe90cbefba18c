import Foundation
import LinearAlgebra

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
