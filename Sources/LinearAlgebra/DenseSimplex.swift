import COpenBLAS

/// A small dense linear-program solver: maximize cᵀx subject to A·x ≤ b, x ≥ 0, for b ≥ 0, so the
/// origin is a feasible vertex and no phase one is needed. This is the shape of the phase one that
/// decides the all-ones pattern (science §4: d rows, n variables, the slacks are the artificials), the
/// only LP the project solves.
///
/// Tableau simplex: a pivot is one rank-one update of the whole tableau (BLAS dger). Dantzig's rule
/// picks the entering column; after a run of degenerate pivots (b has many zeros here) it switches to
/// Bland's rule, which cannot cycle.
public struct DenseSimplex {
    public enum Status: Equatable, Sendable {
        case optimal
        /// The objective passed `stopAbove`; `solution` is a feasible point that proves it.
        case thresholdReached
        case unbounded
        case iterationLimit
    }

    public struct Result: Sendable {
        public let status: Status
        public let solution: [Double]
        public let objective: Double
        public let pivots: Int
        /// The multipliers y ≥ 0 of the rows of A (optimal status only; empty otherwise): with them
        /// cᵀx = bᵀy, and Aᵀy ≥ c certifies the optimum.
        public var duals: [Double] = []
    }

    /// Entries of reduced costs and pivots below this count as zero.
    public var tolerance = 1e-10
    public var maxPivots = 50_000
    /// Degenerate pivots in a row before switching to Bland's rule.
    public var degenerateRunBeforeBland = 50

    public init() {}

    /// - Parameter stopAbove: stop as soon as a feasible vertex has objective above this value
    ///   (enough for deciding "is the optimum positive?").
    public func maximize(c: [Double], a: Matrix<Double>, b: [Double], stopAbove: Double = .infinity) -> Result {
        let m = a.rows, nv = a.columns
        precondition(c.count == nv && b.count == m, "LP dimensions do not match")
        precondition(b.allSatisfy { $0 >= 0 }, "DenseSimplex needs b ≥ 0 (the origin must be feasible)")
        let columns = nv + m + 1, rows = m + 1, rhs = columns - 1, objectiveRow = m
        // Tableau [A I b; c 0 −z], column-major; the last row holds reduced costs and −z.
        var t = Matrix<Double>(rows: rows, columns: columns)
        for j in 0..<nv {
            for i in 0..<m { t[i, j] = a[i, j] }
            t[objectiveRow, j] = c[j]
        }
        for i in 0..<m { t[i, nv + i] = 1; t[i, rhs] = b[i] }
        var basis = Array(nv..<(nv + m))
        var pivotColumn = [Double](repeating: 0, count: rows)
        var pivotRow = [Double](repeating: 0, count: columns)
        var pivots = 0, degenerateRun = 0

        func solution() -> [Double] {
            var x = [Double](repeating: 0, count: nv)
            for (i, variable) in basis.enumerated() where variable < nv { x[variable] = t[i, rhs] }
            return x
        }
        func objective() -> Double { -t[objectiveRow, rhs] }

        while true {
            if objective() > stopAbove {
                return Result(status: .thresholdReached, solution: solution(), objective: objective(), pivots: pivots)
            }
            if pivots >= maxPivots {
                return Result(status: .iterationLimit, solution: solution(), objective: objective(), pivots: pivots)
            }
            let useBland = degenerateRun >= degenerateRunBeforeBland
            var entering = -1, best = tolerance
            for j in 0..<(columns - 1) where t[objectiveRow, j] > best {
                entering = j
                if useBland { break }
                best = t[objectiveRow, j]
            }
            if entering < 0 {
                // A slack's reduced cost is 0 − yᵢ.
                let duals = (0..<m).map { max(0, -t[objectiveRow, nv + $0]) }
                return Result(status: .optimal, solution: solution(), objective: objective(), pivots: pivots, duals: duals)
            }
            var leaving = -1, bestRatio = Double.infinity
            for i in 0..<m where t[i, entering] > tolerance {
                let ratio = t[i, rhs] / t[i, entering]
                if ratio < bestRatio || (ratio == bestRatio && basis[i] < basis[leaving]) {
                    bestRatio = ratio
                    leaving = i
                }
            }
            if leaving < 0 {
                return Result(status: .unbounded, solution: solution(), objective: .infinity, pivots: pivots)
            }
            degenerateRun = bestRatio <= tolerance ? degenerateRun + 1 : 0
            pivot(&t, row: leaving, column: entering, pivotRow: &pivotRow, pivotColumn: &pivotColumn)
            basis[leaving] = entering
            pivots += 1
        }
    }

    /// Gauss–Jordan pivot as one rank-one update: T ← T − col·rowᵀ with row = T[r,:]/T[r,c] and col the
    /// pivot column without its pivot entry, then row r is replaced by `row`.
    private func pivot(_ t: inout Matrix<Double>, row r: Int, column c: Int,
                       pivotRow: inout [Double], pivotColumn: inout [Double]) {
        let rows = t.rows, columns = t.columns
        let pivotValue = t[r, c]
        t.storage.withUnsafeBufferPointer { p in
            cblas_dcopy(blasint(columns), p.baseAddress! + r, blasint(rows), &pivotRow, 1)
            cblas_dcopy(blasint(rows), p.baseAddress! + c * rows, 1, &pivotColumn, 1)
        }
        pivotRow.scale(by: 1 / pivotValue)
        pivotColumn[r] = 0
        t.storage.withUnsafeMutableBufferPointer { p in
            cblas_dger(CblasColMajor, blasint(rows), blasint(columns), -1, pivotColumn, 1, pivotRow, 1,
                       p.baseAddress!, blasint(rows))
            cblas_dcopy(blasint(columns), pivotRow, 1, p.baseAddress! + r, blasint(rows))
        }
    }
}
