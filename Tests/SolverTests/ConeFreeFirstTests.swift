import Foundation
import LinearAlgebra
import Solver
import TestSupport
import Testing
import Vocabulary

/// Relax, then verify, for normalization approx programs (NormalizedConeFreeFirst.swift): the
/// cone-free minimizer, when every block meets its cone or the negative one, must be the approx
/// program's optimum, as the full approx iteration (fixture-checked against Clarabel) finds it.
@Suite struct ConeFreeFirstTests {
    private func bothWays(_ program: ConvexProgram) -> (first: SolverResult, full: SolverResult) {
        var off = SolverSettings()
        off.relaxThenVerify = false
        off.shrinkingWorkingSet = false
        return (solve(program), solve(program, settings: off))
    }

    /// Whether the cone-free program was solved first: its blocks outside the working set (all of
    /// them when the cone-free minimizer itself is verified) have sign multipliers exactly 0, while
    /// the approx iteration keeps every multiplier > 0.
    private func solvedConeFreeFirst(_ r: SolverResult) -> Bool {
        r.signMultipliers?.contains { !$0.isEmpty && $0.allSatisfy { $0 == 0 } } ?? false
    }

    /// `stallAllowed`: a program whose endgame sits on the approx iteration's rounding floor (its dual
    /// residual stalls at about the 1e-8 it must meet) may end `almostOptimal` either way, depending
    /// on the last bits of its normal matrices; the optimum is what is compared then.
    private func expectSameOptimum(_ a: SolverResult, _ b: SolverResult, _ label: String, stallAllowed: Bool = false) {
        let bothOptimal = stallAllowed ? a.status.hasMinimizer && b.status.hasMinimizer : a.status == .optimal && b.status == .optimal
        let relative = abs(a.objective - b.objective) / abs(b.objective), violation = a.primalResidual
        #expect(bothOptimal, "\(label): \(a.status.name) / \(b.status.name)")
        #expect(relative <= 2e-8, "\(label): objective \(a.objective) vs \(b.objective)")
        #expect(violation <= 1e-7, "\(label): sign violation \(violation)")
    }

    @Test(arguments: [(40, 8, UInt64(1)), (60, 10, 2), (80, 20, 3)])
    func plantedNeuronIsVerified(n: Int, d: Int, seed: UInt64) throws {
        let data = randomInstance(n: n, d: d, directions: n, seed: seed, planted: .normalized)
        let program = ConvexProgram(architecture: .normalized, form: .approx, X: data.X, y: data.y, patterns: data.patterns)
        let (first, full) = bothWays(program)
        let firstWay = solvedConeFreeFirst(first), fullWay = solvedConeFreeFirst(full)
        #expect(firstWay, "n=\(n) d=\(d): the cone-free program should have been solved first")
        #expect(!fullWay, "n=\(n) d=\(d): relaxThenVerify = false solved it first")
        expectSameOptimum(first, full, "n=\(n) d=\(d)")
        let factors = try #require(first.patternFactors)
        var fitFirst = [Double](repeating: 0, count: n), fitFull = fitFirst
        for i in 0..<program.p where factors[i].rank > 0 {
            let u = factors[i].u
            fitFirst.add(u.times(minus(first.w[i], first.v![i])))
            fitFull.add(u.times(minus(full.w[i], full.v![i])))
        }
        // The network Σ U_i(w_i − v_i) on the training rows is what the experiments measure.
        let outputDistance = minus(fitFirst, fitFull).norm
        #expect(outputDistance <= 1e-6, "n=\(n) d=\(d): outputs differ by \(outputDistance)")
    }

    /// Two planted normalized neurons below the recovery boundary (n ≈ 2.5d): the cone-free minimizer
    /// spreads over a few patterns and misses a cone, and the approx program solved on those patterns
    /// (route `seeded`, its other blocks certified with sign multipliers) has the whole program's optimum.
    @Test(arguments: [(50, 20, UInt64(11)), (60, 24, 14), (60, 24, 15), (75, 30, 13)])
    func missedConeIsSolvedOnTheConeFreePatterns(n: Int, d: Int, seed: UInt64) throws {
        let data = twoNeuronInstance(n: n, d: d, seed: seed)
        let program = ConvexProgram(architecture: .normalized, form: .approx, X: data.X, y: data.y, patterns: data.patterns)
        let (first, full) = bothWays(program)
        #expect(first.route == .seeded, "n=\(n) d=\(d): route \(first.route)")
        #expect((first.keptPatterns ?? program.p) * 4 <= program.p, "n=\(n) d=\(d): \(first.keptPatterns ?? -1) of \(program.p) patterns kept")
        expectSameOptimum(first, full, "n=\(n) d=\(d)")
    }

    /// A cone-free guess far from the minimizer's patterns (its certificate fails on more than twice
    /// as many patterns as it holds: this instance's minimizer spreads over half of them) is abandoned
    /// for the whole program, with the same optimum.
    @Test func farGuessFallsBackToTheWholeProgram() throws {
        let data = twoNeuronInstance(n: 60, d: 24, seed: 12)
        let program = ConvexProgram(architecture: .normalized, form: .approx, X: data.X, y: data.y, patterns: data.patterns)
        let (first, full) = bothWays(program)
        #expect(first.route == .direct, "route \(first.route)")
        expectSameOptimum(first, full, "n=60 d=24")
    }

    /// Labels no small network fits: the cone-free minimizer uses many blocks, and whichever way
    /// the solve goes the optimum is the approx program's.
    @Test func randomLabelsGiveTheApproxOptimum() throws {
        let data = randomInstance(n: 40, d: 8, directions: 40, seed: 9)
        var rng = SplitMix64(seed: 10)
        let y = (0..<40).map { _ in rng.gaussian() }
        let program = ConvexProgram(architecture: .normalized, form: .approx, X: data.X, y: y, patterns: data.patterns, beta: 1e-3)
        let (first, full) = bothWays(program)
        expectSameOptimum(first, full, "random labels", stallAllowed: true)
    }
}

/// X ~ N(0,1)/√n, y the normalized sum of two Gaussian normalized ReLU neurons (science §2), and
/// the patterns of 4n Gaussian directions plus both planted ones.
private func twoNeuronInstance(n: Int, d: Int, seed: UInt64) -> (X: Matrix<Double>, y: [Double], patterns: Matrix<Double>) {
    var rng = SplitMix64(seed: seed)
    let x = rng.matrix(n, d, scale: 1 / Double(n).squareRoot())
    var y = [Double](repeating: 0, count: n)
    var columns = Set<[Double]>(), patterns: [[Double]] = []
    func add(_ pattern: [Double]) { if columns.insert(pattern).inserted { patterns.append(pattern) } }
    for _ in 0..<2 {
        let neuron = x.times((0..<d).map { _ in rng.gaussian() }).map { max($0, 0) }
        y.add(neuron.scaled(by: 1 / neuron.norm))
        add(neuron.map { $0 > 0 ? 1 : 0 })
    }
    let directions = Matrix.product(x, rng.matrix(d, 4 * n))
    for j in 0..<directions.columns { add(directions.column(j).map { $0 >= 0 ? 1 : 0 }) }
    return (x, y, Matrix(rows: n, columns: patterns.count, columnMajor: patterns.flatMap { $0 }))
}

/// NormalizedProjectorSum: projectors formed again each iteration (no cache) give the same normal
/// matrices, hence the same iterates, as cached ones.
@Suite struct NormalizedProjectorCacheTests {
    @Test(arguments: ["normalized_relaxed_n40_d10_k1.json", "normalized_relaxed_n60_d20_k2.json"])
    func cacheDoesNotChangeTheSolution(_ name: String) throws {
        let program = try loadFixture(name).program
        var uncached = SolverSettings()
        uncached.normalizedProjectorCache = 0
        var partly = SolverSettings()
        partly.normalizedProjectorCache = 600
        let reference = solve(program)
        for settings in [uncached, partly] {
            let r = solve(program, settings: settings)
            let sameObjective = r.objective == reference.objective, sameWeights = r.w == reference.w
            #expect(r.iterations == reference.iterations && sameObjective && sameWeights, "\(name): \(r.objective) vs \(reference.objective)")
        }
    }
}
