import Foundation
import Instances
import LinearAlgebra
import TestSupport
import Testing

/// The exact all-ones decision against Wendel's theorem (science §4).
@Suite struct AllOnesPatternTests {
    @Test func wendelClosedFormValues() {
        // n ≤ d: always; n = d + 1: 1 − 2^{−d}; d = 1: 2^{1−n}.
        #expect(AllOnesPattern.wendelProbability(n: 5, d: 5) == 1)
        #expect(abs(AllOnesPattern.wendelProbability(n: 6, d: 5) - (1 - 1.0 / 32)) < 1e-14)
        #expect(abs(AllOnesPattern.wendelProbability(n: 7, d: 1) - 1.0 / 64) < 1e-15)
        // Symmetry point: n = 2d gives exactly 1/2.
        #expect(abs(AllOnesPattern.wendelProbability(n: 20, d: 10) - 0.5) < 1e-12)
    }

    @Test func obviousCases() {
        // Rank deficient: a null vector works.
        #expect(AllOnesPattern.exists(for: Matrix([[1, 1], [2, 2], [-1, -1]])))
        // Rows ±e1, ±e2 surround the origin: no nonzero u has X u ≥ 0.
        #expect(!AllOnesPattern.exists(for: Matrix([[1, 0], [-1, 0], [0, 1], [0, -1]])))
        // All rows in the open half-plane x > 0.
        #expect(AllOnesPattern.exists(for: Matrix([[1, 0.5], [2, -1], [1, 3], [0.5, 0]])))
    }

    /// For Gaussian X the empirical rate must lie within 4 standard errors of Wendel's probability.
    @Test(arguments: [(12, 4), (20, 10), (30, 12), (40, 25)])
    func empiricalRateMatchesWendel(n: Int, d: Int) {
        let trials = 1500
        var stream = NumpyRandomState(seed: UInt32(1000 * n + d))
        var hits = 0
        for _ in 0..<trials where AllOnesPattern.exists(for: stream.randn(n, d)) { hits += 1 }
        let p = AllOnesPattern.wendelProbability(n: n, d: d)
        let standardError = (p * (1 - p) / Double(trials)).squareRoot()
        let rate = Double(hits) / Double(trials)
        #expect(abs(rate - p) <= 4 * standardError + 1e-12, "n \(n), d \(d): rate \(rate), Wendel \(p)")
    }

    /// The certificates (alternating projections) and the LP must agree wherever both decide.
    @Test(arguments: [(20, 10), (36, 12), (60, 30), (50, 20)])
    func certificatesAgreeWithTheLinearProgram(n: Int, d: Int) {
        var stream = NumpyRandomState(seed: UInt32(7 * n + d))
        for _ in 0..<60 {
            let x = stream.randn(n, d)
            #expect(AllOnesPattern.exists(for: x) == AllOnesPattern.existsByLinearProgram(x))
        }
    }

    /// Gaussian instances near n = 2d against HiGHS (Tests/Fixtures/allones): the ten (n, d) cells of a
    /// paper-scale recovery grid whose certificates fail, three of which the former LP on u decided
    /// wrongly after 50,000 degenerate pivots, and 120 smaller ones on which the LP alone decides.
    @Test func agreesWithAnIndependentLinearProgramSolver() throws {
        let lines = try Fixtures.text("allones/gaussian.tsv").split(separator: "\n").dropFirst()
        #expect(lines.count == 130)
        for line in lines {
            let fields = line.split(separator: "\t")
            let key = fields[0].split(separator: ",").map { UInt32($0)! }
            let n = Int(fields[1])!, d = Int(fields[2])!, expected = fields[3] == "1"
            var stream = NumpyRandomState(key: key)
            let x = stream.randn(n, d)
            #expect(AllOnesPattern.existsByLinearProgram(x) == expected, "key \(key)")
            if key[0] == 97_006_855 { #expect(AllOnesPattern.exists(for: x) == expected, "key \(key)") }
        }
    }

    /// Small matrices with entries in {−1, 0, 1}: zero and repeated rows, opposite rows, column sums of
    /// zero (a zero right-hand side in the LP) — degenerate cases, against extreme-ray enumeration.
    @Test func degenerateIntegerMatricesAgreeWithEnumeration() {
        var generator = SplitMix64(seed: 14)
        var decided = (exists: 0, absent: 0)
        for trial in 0..<600 {
            let d = 1 + trial % 3, n = d + Int(generator.next() % 6)
            let x = Matrix(rows: n, columns: d, columnMajor: (0..<(n * d)).map { _ in Double(Int(generator.next() % 3) - 1) })
            let truth = existsByEnumeratingRays(x)
            #expect(AllOnesPattern.exists(for: x) == truth, "\(x.rowArrays)")
            if rank(x) == d {
                #expect(AllOnesPattern.existsByLinearProgram(x) == truth, "\(x.rowArrays)")
                if truth { decided.exists += 1 } else { decided.absent += 1 }
            }
        }
        // Both answers occur among the full-rank cases, so the comparison covers both branches.
        #expect(decided.exists > 50 && decided.absent > 50, "\(decided)")
    }

    /// Newton's method on the squared hinge decides nearly every Gaussian instance around n = 2d, where
    /// the projections need hundreds of rounds or the LP, and never against the LP.
    @Test func hingeNewtonAgreesWithTheLinearProgram() throws {
        var generator = SplitMix64(seed: 315)
        var decided = (exists: 0, absent: 0), undecided = 0
        for trial in 0..<120 {
            let d = 20 + 10 * (trial % 3), n = 2 * d - 4 + trial % 9
            let x = generator.matrix(n, d)
            let full = try x.svd(full: true)
            guard let answer = AllOnesPattern.decideByHingeNewton(full.u.columns(0..<d), complement: { full.u.columns(d..<n) }) else {
                undecided += 1
                continue
            }
            #expect(answer == AllOnesPattern.existsByLinearProgram(x), "n \(n) d \(d) trial \(trial)")
            if answer { decided.exists += 1 } else { decided.absent += 1 }
        }
        #expect(decided.exists > 30 && decided.absent > 30 && undecided <= 2, "\(decided), undecided \(undecided)")
    }

    /// Gaussian instances around n = 2d, small enough to enumerate.
    @Test func gaussianInstancesAgreeWithEnumeration() {
        var generator = SplitMix64(seed: 214)
        for trial in 0..<300 {
            let d = 2 + trial % 3, n = 2 * d - 1 + trial % 3
            let x = generator.matrix(n, d)
            #expect(AllOnesPattern.existsByLinearProgram(x) == existsByEnumeratingRays(x), "\(x.rowArrays)")
        }
    }
}

/// Independent truth for small X: the cone {u : X·u ≥ 0} is {0} or, when X has full column rank (so the
/// cone is pointed), it has an extreme ray, spanned by a null vector of d − 1 independent rows of X.
/// Enumerate every (d − 1)-subset of rows and test both signs of its null vector.
private func existsByEnumeratingRays(_ x: Matrix<Double>) -> Bool {
    let n = x.rows, d = x.columns
    if rank(x) < d { return true }
    func nonnegative(_ u: [Double]) -> Bool {
        let v = x.times(u), scale = u.norm * x.frobeniusNorm
        return v.allSatisfy { $0 >= -1e-9 * scale }
    }
    func subsets(_ size: Int, from start: Int) -> [[Int]] {
        guard size > 0 else { return [[]] }
        guard start < n else { return [] }
        return subsets(size - 1, from: start + 1).map { [start] + $0 } + subsets(size, from: start + 1)
    }
    for rows in subsets(d - 1, from: 0) {
        guard let u = nullVector(rows.map { x.row($0) }, columns: d) else { continue }
        if nonnegative(u) || nonnegative(u.scaled(by: -1)) { return true }
    }
    return false
}

/// Gauss–Jordan elimination with partial pivoting: the reduced rows and their pivot columns.
private func rowReduced(_ matrixRows: [[Double]], columns: Int) -> (rows: [[Double]], pivotColumns: [Int]) {
    var rows = matrixRows
    var pivotColumns: [Int] = []
    for column in 0..<columns where pivotColumns.count < rows.count {
        let r = pivotColumns.count
        guard let p = (r..<rows.count).max(by: { abs(rows[$0][column]) < abs(rows[$1][column]) }),
              abs(rows[p][column]) > 1e-9 else { continue }
        rows.swapAt(r, p)
        let pivot = rows[r][column]
        rows[r] = rows[r].map { $0 / pivot }
        for i in 0..<rows.count where i != r {
            let factor = rows[i][column]
            rows[i] = zip(rows[i], rows[r]).map { $0 - factor * $1 }
        }
        pivotColumns.append(column)
    }
    return (rows, pivotColumns)
}

private func rank(_ x: Matrix<Double>) -> Int { rowReduced(x.rowArrays, columns: x.columns).pivotColumns.count }

/// The null vector of d − 1 rows of length d and rank d − 1, or nil when their rank is lower.
private func nullVector(_ rows: [[Double]], columns d: Int) -> [Double]? {
    let (reduced, pivotColumns) = rowReduced(rows, columns: d)
    guard pivotColumns.count == d - 1 else { return nil }
    // The one free column gets 1; each pivot variable is minus its row's entry there.
    let free = (0..<d).first { !pivotColumns.contains($0) }!
    var u = [Double](repeating: 0, count: d)
    u[free] = 1
    for (row, column) in pivotColumns.enumerated() { u[column] = -reduced[row][free] }
    return u
}
