/// The scales that bring data to unit size: what the solver's equilibration and training's both divide
/// by, so that their verdicts do not depend on the units of X and y.
public enum DataScale {
    /// ‖v‖ without overflow or underflow for entries near the ends of the double range: the entries are
    /// divided by the power of two of the largest before they are squared.
    public static func norm(_ values: [Double]) -> Double {
        let largest = values.reduce(0.0) { max($0, abs($1)) }
        guard largest > 0, largest.isFinite else { return largest }
        let unit = Double(sign: .plus, exponent: largest.exponent, significand: 1)
        return values.reduce(0.0) { $0 + ($1 / unit) * ($1 / unit) }.squareRoot() * unit
    }

    /// ‖X‖_F / √d: close to 1 for the N(0, 1/n) data of science §2.
    public static func rootMeanSquareColumnNorm(_ x: Matrix<Double>) -> Double {
        norm(x.storage) / Double(max(x.columns, 1)).squareRoot()
    }

    /// The scale itself, or 1 for one that cannot be divided out (all-zero data, or a non-finite norm,
    /// which the caller's own input checks refuse).
    public static func unitOrScale(_ value: Double) -> Double { value > 0 && value.isFinite ? value : 1 }
}
