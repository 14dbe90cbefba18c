import Foundation
import Instances
import LinearAlgebra
import Testing
import Vocabulary

/// The canonical cell order of science §3, replayed by hand from a cell's stream.
@Suite struct CanonicalDrawTests {
    let seed: UInt32 = 97_006_855

    func canonical(_ experiment: OriginalExperiment, _ parameters: InstanceParameters, n: Int, d: Int, trial: Int = 1) throws -> Instance {
        let source = InstanceSource(draws: InstanceDraws(experiment: experiment, parameters: parameters),
                                    grid: InstanceGrid(maxN: n, maxD: d, trials: trial + 1), mode: .cell, seed: seed)
        return try #require(source.instance(at: Cell(n: n, d: d, trial: trial)))
    }

    /// The distinct columns of 1[X H ≥ 0].
    func signPatterns(_ x: Matrix<Double>, _ h: Matrix<Double>) -> Set<[Double]> {
        let products = Matrix.product(x, h)
        return Set((0..<products.columns).map { products.column($0).map { $0 >= 0 ? 1 : 0 } })
    }

    @Test(arguments: [OriginalExperiment.recRateSkip, .minnrmSkip, .cvxTrainSkip])
    func linearNeuronInstancesFollowTheCanonicalOrder(experiment: OriginalExperiment) throws {
        let (n, d, sigma) = (30, 10, 0.1)
        let instance = try canonical(experiment, InstanceParameters(sigma: sigma), n: n, d: d)
        var stream = NumpyRandomState(key: [seed, UInt32(n), UInt32(d), 1])
        let root = Double(n).squareRoot()
        let x = stream.randn(n, d).map { $0 / root }
        let w = stream.randn(d)
        let g = stream.randn(n)
        let xTest = stream.randn(n, d).map { $0 / root }
        let h = stream.randn(d, max(n, 50))
        #expect(instance.X == x && instance.XTest == xTest)
        let wStar = w.map { $0 / w.norm }
        #expect(instance.planted.column(0).adding(wStar, scaledBy: -1).norm < 1e-14)
        // y = X w* + σ g/√n (the recovery script adds no noise), whatever the script would have
        // drawn in between.
        let expectedY = x.times(wStar).adding(g, scaledBy: (experiment.drawsNoise ? sigma : 0) / root)
        #expect(instance.y.adding(expectedY, scaledBy: -1).norm < 1e-14)
        #expect(try #require(instance.yTest).adding(xTest.times(wStar), scaledBy: -1).norm < 1e-14)
        let patterns = try #require(instance.patterns)
        let sampled = signPatterns(x, h)
        let columns = Set((0..<patterns.count).map { patterns.matrix.column($0) })
        #expect(columns.subtracting([[Double](repeating: 1, count: n)]) == sampled.subtracting([[Double](repeating: 1, count: n)]))
    }

    /// Recovery, min-norm distances at any σ, convex training and training of one cell see the same X,
    /// noise and test set: only σ scales the noise.
    @Test func everyExperimentOfACellSeesTheSameData() throws {
        let quiet = try canonical(.recRateSkip, InstanceParameters(), n: 40, d: 20)
        for (experiment, sigma) in [(OriginalExperiment.minnrmSkip, 0.0), (.minnrmSkip, 0.2), (.cvxTrainSkip, 0.2), (.ncvxTrainSkip, 0.2)] {
            let other = try canonical(experiment, InstanceParameters(sigma: sigma), n: 40, d: 20)
            #expect(other.X == quiet.X && other.XTest == quiet.XTest && other.planted == quiet.planted)
            #expect((other.patterns == nil) == (experiment == .ncvxTrainSkip))
            if sigma == 0 { #expect(other.y == quiet.y && other.patterns == quiet.patterns) }
        }
        let relu = try canonical(.recRateNormal, InstanceParameters(neurons: 2), n: 40, d: 20)
        let trained = try canonical(.ncvxTrainNormal, InstanceParameters(neurons: 2), n: 40, d: 20)
        #expect(relu.X == trained.X && relu.y == trained.y && relu.XTest == trained.XTest)
    }

    /// The recovery scripts take no --sigma (neurec accepts and ignores it): their labels stay the
    /// planted model's, while the min-norm script's get the noise.
    @Test func recoveryIgnoresSigmaAsTheOriginalDoes() throws {
        let clean = try canonical(.recRateSkip, InstanceParameters(), n: 40, d: 20)
        let ignored = try canonical(.recRateSkip, InstanceParameters(sigma: 0.5), n: 40, d: 20)
        let noisy = try canonical(.minnrmSkip, InstanceParameters(sigma: 0.5), n: 40, d: 20)
        #expect(ignored.y == clean.y && ignored.X == clean.X)
        #expect(noisy.y.adding(clean.y, scaledBy: -1).norm > 0.1)
    }

    /// Irrepresentability draws the program's directions first and more after them, so its patterns
    /// contain those of the programs on the same instance.
    @Test func irrepresentabilityExtendsTheProgramsDirections() throws {
        let parameters = InstanceParameters(plantedWeights: .structured, neurons: 2)
        let program = try #require(try canonical(.recRateNormal, parameters, n: 40, d: 20).patterns)
        let irr = try canonical(.irrCondNormal, parameters, n: 40, d: 20)
        let irrColumns = Set((0..<irr.patterns!.count).map { irr.patterns!.matrix.column($0) })
        #expect(Set((0..<program.count).map { program.matrix.column($0) }).isSubset(of: irrColumns))
        #expect(irr.patterns!.count > program.count)
    }

    @Test func normalizationSkipsNarrowCellsInCellModeToo() {
        let source = InstanceSource(draws: InstanceDraws(experiment: .minnrmNormal, parameters: InstanceParameters()),
                                    grid: InstanceGrid(maxN: 10, maxD: 20, trials: 1), mode: .cell, seed: seed)
        #expect(source.instance(at: Cell(n: 10, d: 20, trial: 0)) == nil)
    }
}
