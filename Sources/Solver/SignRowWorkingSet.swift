import Foundation
import LinearAlgebra

/// An exact or approx program solved with each pattern's cone cut to a working set of its sign rows
/// (Solver README, "Sign rows that never bind"; science §4).
///
/// Pattern j's cone {w : (2D_j − I)X w ≥ 0} has n rows, but in R^d most of them are implied by the
/// others when n ≫ d: the cells of an arrangement of n hyperplanes through the origin have
/// 2n·R(n−1, d−1)/R(n, d) facets on average (18 of 400 rows at (400, 10)). The redundant rows cost
/// more than their share of each Newton system: with them a conic solver needs more than twice the
/// iterations (Clarabel on a noisy (400, 10) normalization program: 79 with every row, 32 with the
/// facets alone). So each pattern keeps the `signRowsPerDimension`·d rows nearest to binding, the
/// program with those rows (a relaxation: fewer constraints) is solved by the usual routes, and its
/// minimizer is checked against every row. When it meets them all (to the solve's own accuracy) it is
/// the whole program's minimizer, and its multipliers, zero on the rows left out, are the whole
/// program's: the left-out rows' constraints are slack or met with zero multiplier, so stationarity,
/// complementarity and the cones hold as the restricted solve left them. Rows it violates join their
/// pattern's set and the program is solved again, at most `rounds` times; nil (the caller solves with
/// every row) after that or when a round has no minimizer.
///
/// Which rows are nearest to binding is read at a point inside each cone (`nearestSignRows`).
func solveOnSignRowWorkingSet(_ program: ConvexProgram, settings: SolverSettings, rounds: Int = 4, seed: [Int]? = nil,
                              solveKept: (ConvexProgram, _ seed: [Int]?, SolverSettings) -> SolverResult) -> (solved: SolverResult?, iterations: Int) {
    let n = program.n, d = program.d, p = program.p
    let keep = settings.signRowsPerDimension * d
    guard settings.signRowWorkingSet && program.form != .relaxed && program.signRowMask == nil
            && Double(keep) <= settings.signRowLargestShare * Double(n) else {
        return (nil, 0)
    }
    let trace = ProcessInfo.processInfo.environment["NEUREC_SOLVER_TRACE"] != nil
    var mask = nearestSignRows(of: program, keep: keep)
    var iterations = 0, roundSeed = seed, roundSettings = settings
    /// The route of the first round that ended on the program itself: the later rounds', which skip the
    /// routes it tried first, report it.
    var wholeRoute: SolveRoute?
    for round in 0..<rounds {
        var restricted = program
        restricted.signRowMask = mask
        var result = solveKept(restricted, roundSeed, roundSettings)
        iterations += result.iterations
        guard result.status.hasMinimizer else {
            if trace { note("sign-row working set, round \(round): \(result.status.name), solving with every row") }
            return (nil, iterations)
        }
        let accuracy = (result.status == .optimal ? settings.feasibilityTolerance : settings.reducedTolerance)
            * (program.form == .approx ? settings.approxToleranceFactor : 1)
        let tolerance = max(accuracy, result.primalResidual)
        let check = leftOutRowViolations(of: result, program: program, mask: mask, tolerance: tolerance)
        if trace {
            note(String(format: "sign-row working set of %.0f of %d rows, round %d: %d iterations, %d left-out rows violated (worst %.2e, tolerance %.2e)",
                        mask.storage.reduce(0, +), n * p, round, result.iterations, check.violated.count, check.worst, tolerance))
        }
        if check.violated.isEmpty {
            result.iterations = iterations
            result.signRowRounds = round + 1
            if result.route == .direct, let wholeRoute { result.route = wholeRoute }
            result.primalResidual = max(result.primalResidual, check.worst)
            return (result, iterations)
        }
        for (row, pattern) in check.violated { mask.storage[pattern * n + row] = 1 }
        // The next round's minimizer is this one's but for the few rows added: seeded by its patterns,
        // as the next σ panel is (ShrinkingWorkingSet.swift, `solveOnSeed`).
        roundSeed = seedPatterns(from: result, settings: settings) ?? seed
        // A round that ended on the program itself tried the cone-free program and a working set of
        // patterns first, in vain; the next rounds, on the same program but for a few rows, go straight
        // to it (the cone-free split is checked on every row anyway).
        if result.route == .fallback || result.route == .direct {
            roundSettings.relaxThenVerify = false
            roundSettings.patternWorkingSet = false
            wholeRoute = wholeRoute ?? result.route
        }
    }
    if trace { note("sign-row working set: still violated after \(rounds) rounds, solving with every row") }
    return (nil, iterations)
}

/// For each pattern, the `keep` rows of its cone nearest to binding at an interior point c_j (the
/// smallest (2D_j − I)_ii x_iᵀc_j/‖x_i‖), as an n×p mask. c_j starts at g_j = Σ_i (2D_j − I)_ii x_i/‖x_i‖
/// and takes perceptron steps (c_j += s_i x_i/‖x_i‖ for each row i not strictly positive) until every row
/// is, at most 20 passes; rows still not positive are kept too.
///
/// Measured on a noisy normalization approx program at (400, 10) with 4d rows per pattern: read at g_j
/// itself, 37,721 left-out rows were violated after the first round; after the steps, 396. Rows chosen
/// instead as the facets through which random rays from c_j leave the cone did worse (d rows nearest
/// and 8d rays per pattern: 39,792): the minimizer's blocks sit on faces far from c_j, not on its
/// widest facets.
func nearestSignRows(of program: ConvexProgram, keep: Int) -> Matrix<Double> {
    let n = program.n, p = program.p, d = program.d
    let inverseNorms = (0..<n).map { i in
        let norm = (0..<d).reduce(0.0) { $0 + program.X[i, $1] * program.X[i, $1] }.squareRoot()
        return norm > 0 ? 1 / norm : 0
    }
    let unitRows = program.X.scalingRows(by: inverseNorms)
    var signs = program.patterns
    for k in signs.storage.indices { signs.storage[k] = 2 * signs.storage[k] - 1 }
    var centers = product(unitRows, signs, transA: .transpose)
    var margins = product(unitRows, centers)
    for k in margins.storage.indices { margins.storage[k] *= signs.storage[k] }
    var mask = Matrix<Double>(rows: n, columns: p)
    for j in 0..<p {
        let column = j * n
        for _ in 0..<20 {
            // One perceptron pass: c_j += Σ over the rows not strictly positive of s_i x_i/‖x_i‖.
            let steps = (0..<n).map { margins.storage[column + $0] <= 0 ? signs.storage[column + $0] : 0 }
            guard steps.contains(where: { $0 != 0 }) else { break }
            let center = centers.column(j).adding(unitRows.times(steps, .transpose))
            for a in 0..<d { centers.storage[j * d + a] = center[a] }
            let values = unitRows.times(center)
            for row in 0..<n { margins.storage[column + row] = signs.storage[column + row] * values[row] }
        }
        let byMargin = (0..<n).sorted { margins.storage[column + $0] < margins.storage[column + $1] }
        for row in byMargin.prefix(keep) { mask.storage[column + row] = 1 }
        for row in byMargin.dropFirst(keep) where margins.storage[column + row] <= 0 { mask.storage[column + row] = 1 }
    }
    return mask
}

/// The rows outside `mask` that `result`'s neurons violate by more than `tolerance`, as (row, pattern)
/// pairs, and the largest violation among all left-out rows (0 when none is negative).
private func leftOutRowViolations(of result: SolverResult, program: ConvexProgram, mask: Matrix<Double>,
                                  tolerance: Double) -> (violated: [(row: Int, pattern: Int)], worst: Double) {
    let n = program.n, d = program.d
    // The neurons of every block that is not zero: w_i, v_i, or M_i w_i for normalized blocks.
    var neurons: [Double] = [], owners: [Int] = []
    for (i, blocks) in [result.w, result.v ?? []].flatMap({ $0.enumerated() }) {
        guard blocks.contains(where: { $0 != 0 }) else { continue }
        neurons += result.patternFactors.map { $0[i].basisTimes(blocks) } ?? blocks
        owners.append(i)
    }
    guard !owners.isEmpty else { return ([], 0) }
    let outputs = product(program.X, Matrix(rows: d, columns: owners.count, columnMajor: neurons))
    var violated: [(row: Int, pattern: Int)] = [], worst = 0.0
    for (k, i) in owners.enumerated() {
        for row in 0..<n where mask.storage[i * n + row] == 0 {
            let value = (2 * program.patterns.storage[i * n + row] - 1) * outputs.storage[k * n + row]
            worst = max(worst, -value)
            if value < -tolerance { violated.append((row, i)) }
        }
    }
    return (violated, worst)
}

private func note(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
