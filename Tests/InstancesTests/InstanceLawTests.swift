import Foundation
import Instances
import LinearAlgebra
import Testing
import Vocabulary

/// Properties every instance must have by science §2, whatever the stream.
@Suite struct InstanceLawTests {
    func instance(_ experiment: OriginalExperiment, _ parameters: InstanceParameters, n: Int = 30, d: Int = 10,
                  trial: Int = 0, mode: StreamMode = .cell) throws -> Instance {
        let source = InstanceSource(draws: InstanceDraws(experiment: experiment, parameters: parameters),
                                    grid: InstanceGrid(maxN: max(n, 10), maxD: max(d, 10), trials: trial + 1),
                                    mode: mode, seed: 97_006_855)
        return try #require(source.instance(at: Cell(n: n, d: d, trial: trial)))
    }

    @Test(arguments: [(30, 10), (10, 30)])
    func whitenedDataHasOrthonormalRowsOrColumns(n: Int, d: Int) throws {
        let x = try instance(.recRateSkip, InstanceParameters(dataLaw: .whitened), n: n, d: d).X
        let gram = n >= d ? x.gram(.transpose) : x.gram()
        let identity = Matrix<Double>.identity(min(n, d))
        #expect(zip(gram.storage, identity.storage).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func smallestSingularVectorIsPlantedWithOptw1() throws {
        let inst = try instance(.recRateSkip, InstanceParameters(plantedWeights: .structured))
        let sigmaMin = try inst.X.svd().singularValues.last!
        #expect(abs(inst.X.times(inst.planted.column(0)).norm - sigmaMin) < 1e-12)
        #expect(inst.y.adding(inst.X.times(inst.planted.column(0)), scaledBy: -1).norm < 1e-14)
    }

    @Test func noiseHasTheRequestedScale() throws {
        let clean = try instance(.minnrmSkip, InstanceParameters(sigma: 0), n: 400, d: 10)
        let noisy = try instance(.minnrmSkip, InstanceParameters(sigma: 0.5), n: 400, d: 10)
        #expect(clean.X == noisy.X)
        // ‖σ g/√n‖ ≈ σ for n = 400 Gaussians (chi with 400 degrees of freedom: ±5% is > 5 sd... wide).
        let noiseNorm = noisy.y.adding(clean.y, scaledBy: -1).norm
        #expect(abs(noiseNorm - 0.5) < 0.1)
        let test = try #require(noisy.yTest)
        #expect(test.adding(noisy.XTest!.times(noisy.planted.column(0)), scaledBy: -1).norm < 1e-14)
    }

    @Test(arguments: [(0, 2), (1, 3), (2, 2)])
    func normalizationLabelsAndPlantedPatterns(optw: Int, k: Int) throws {
        let inst = try instance(.recRateNormal, InstanceParameters(plantedWeights: PlantedWeights(rawValue: optw)!, neurons: k), n: 40, d: 10)
        #expect(inst.planted.columns == k)
        for j in 0..<k { #expect(abs(inst.planted.column(j).norm - 1) < 1e-14) }
        if optw == 2 { #expect(inst.planted.column(0) == inst.planted.column(1).map { -$0 }) }
        let patterns = try #require(inst.patterns)
        var expectedY = [Double](repeating: 0, count: 40)
        for j in 0..<k {
            let activation = inst.X.times(inst.planted.column(j))
            #expect(patterns.matrix.column(patterns.plantedPatterns[j]) == activation.map { $0 >= 0 ? 1 : 0 })
            let relu = activation.map { max($0, 0) }
            expectedY.add(relu, scaledBy: 1 / relu.norm)
        }
        #expect(expectedY.adding(inst.y, scaledBy: -1).norm < 1e-13)
    }

    @Test func patternsAreDistinctAndSorted() throws {
        let patterns = try #require(try instance(.recRateSkip, InstanceParameters(), n: 50, d: 10).patterns)
        let columns = patterns.matrix.transposed().rowArrays
        #expect(Set(columns).count == columns.count)
        let sampled = patterns.hasAllOnes ? Array(columns.dropLast()) : columns
        #expect(zip(sampled, sampled.dropFirst()).allSatisfy { $0.lexicographicallyPrecedes($1) })
    }

    @Test func normalizationSkipsNarrowCellsWithoutDrawing() {
        let draws = InstanceDraws(experiment: .recRateNormal, parameters: InstanceParameters())
        var stream = NumpyRandomState(seed: 5)
        var untouched = NumpyRandomState(seed: 5)
        #expect(draws.draw(n: 10, d: 20, trial: 0, from: &stream) == nil)
        #expect(stream.next32() == untouched.next32())
    }

    @Test func cellModeInstancesDoNotDependOnTheGrid() throws {
        let small = try instance(.minnrmSkip, InstanceParameters(sigma: 0.1), n: 20, d: 10, trial: 0)
        let source = InstanceSource(draws: InstanceDraws(experiment: .minnrmSkip, parameters: InstanceParameters(sigma: 0.1)),
                                    grid: InstanceGrid(maxN: 400, maxD: 100, trials: 10), mode: .cell, seed: 97_006_855)
        let large = try #require(source.instance(at: Cell(n: 20, d: 10, trial: 0)))
        #expect(small.X == large.X && small.y == large.y)
    }

    @Test func invalidCombinationsNameTheFlag() {
        #expect(InstanceParameters(plantedWeights: .opposite, neurons: 1).invalidity(for: .recRateNormal)?.contains("--optw 2") == true)
        #expect(InstanceParameters(plantedWeights: .opposite).invalidity(for: .recRateSkip)?.contains("--optw") == true)
        #expect(InstanceParameters(sigma: -1).invalidity(for: .minnrmSkip)?.contains("--sigma") == true)
        #expect(InstanceParameters(plantedWeights: .opposite, neurons: 2).invalidity(for: .recRateNormal) == nil)
    }

    /// Result caches are keyed by the encoded parameters: `--optw` must keep encoding as the integer
    /// under the name it had when it was an integer, or every cached result would be orphaned.
    @Test func plantedWeightsEncodeAsTheFlagsInteger() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(InstanceParameters(plantedWeights: .structured, neurons: 2)), as: UTF8.self)
        #expect(text == #"{"dataLaw":0,"neurons":2,"plantedOption":1,"sigma":0}"#)
        #expect(PlantedWeights.allCases.map(\.rawValue) == [0, 1, 2])
    }
}
