import LinearAlgebra

/// The activation patterns D_i of science §4: distinct columns of 1[X·H ≥ 0] in the original's
/// lexicographic order, plus the all-ones pattern when some u ≠ 0 has X·u ≥ 0. (Instances computes
/// them from X and the sampled directions.)
public struct PatternSet: Sendable, Equatable {
    /// n×p, entries 0 or 1; column i is the diagonal of D_i.
    public let matrix: Matrix<Double>
    /// For each planted direction prepended to H (normalization experiments), the index of its
    /// pattern among the columns.
    public let plantedPatterns: [Int]
    /// Whether the all-ones pattern exists; if so it is a column (the last one unless a sampled
    /// direction already produced it).
    public let hasAllOnes: Bool

    public var count: Int { matrix.columns }

    public init(matrix: Matrix<Double>, plantedPatterns: [Int] = [], hasAllOnes: Bool) {
        self.matrix = matrix
        self.plantedPatterns = plantedPatterns
        self.hasAllOnes = hasAllOnes
    }
}
