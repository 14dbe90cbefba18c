import LinearAlgebra
import TestSupport
import Testing
import Training
import Vocabulary

/// Planted linear neuron (science §2, skip): y = X w*, with a test set from the same law.
private func skipInstance(n: Int, d: Int, nTest: Int? = nil, seed: UInt64) -> (X: Matrix<Double>, y: [Double], XT: Matrix<Double>, yT: [Double], w: [Double]) {
    var rng = SplitMix64(seed: seed)
    let X = rng.data(n, d)
    var w = rng.gaussians(d)
    w.scale(by: 1 / w.norm)
    let XT = rng.data(nTest ?? n, d)
    return (X, X.times(w), XT, XT.times(w), w)
}

@Test(arguments: [NetworkKind.skip, .plain, .normalized])
func trainingReducesTheLoss(kind: NetworkKind) {
    let data = skipInstance(n: 20, d: 5, seed: 17)
    var rng = SplitMix64(seed: 18)
    let result = train(kind: kind, X: data.X.singlePrecision, y: data.y.map { Float($0) },
                       XTest: data.XT.singlePrecision, yTest: data.yT.map { Float($0) },
                       settings: TrainingSettings(epochs: 400), using: &rng)
    #expect(result.trainCurve.count == 401 && result.testCurve.count == 401)
    #expect(result.trainLoss < 0.2 * result.trainCurve[0], "loss \(result.trainCurve[0]) → \(result.trainLoss)")
    #expect(result.testLoss == result.testCurve.last)
    #expect(result.testDistance! == result.testLoss!.squareRoot())
    if kind == .skip {
        // dis_abs is ‖α₀w₀ − w*‖.
        let w = data.w.map { Float($0) }, p = result.parameters
        let direct = (0..<5).map { p.alpha0 * p.w0[$0] - w[$0] }.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(result.absoluteDistance(to: w)! - direct) <= 1e-6 * direct)
    } else {
        #expect(result.absoluteDistance(to: data.w.map { Float($0) }) == nil)
    }
}

@Test func persistentAdamWAlsoTrains() {
    let data = skipInstance(n: 15, d: 4, seed: 21)
    var rng = SplitMix64(seed: 22)
    let result = train(kind: .skip, X: data.X, y: data.y, settings: TrainingSettings(epochs: 300, optimizer: .persistent),
                       using: &rng)
    #expect(result.trainLoss < 0.2 * result.trainCurve[0])
}

/// Entry t of the curves is the loss of the parameters after step t (entry 0: initialization).
@Test func testCurveIsTheLossAfterEachStep() {
    let data = skipInstance(n: 12, d: 3, seed: 31)
    var rng = SplitMix64(seed: 32)
    let initial = NetworkParameters<Double>.pytorchInitialized(kind: .normalized, inputDimension: 3, width: 13, using: &rng)
    let two = train(from: initial, X: data.X, y: data.y, XTest: data.XT, yTest: data.yT, settings: TrainingSettings(epochs: 2))
    let one = train(from: initial, X: data.X, y: data.y, XTest: data.XT, yTest: data.yT, settings: TrainingSettings(epochs: 1))
    #expect(two.testCurve.count == 3 && two.trainCurve.count == 3)
    #expect(abs(two.testCurve[0] - initial.loss(data.XT, data.yT)) <= 1e-12 * two.testCurve[0])
    #expect(abs(two.trainCurve[0] - initial.loss(data.X, data.y)) <= 1e-12 * two.trainCurve[0])
    #expect(abs(two.testCurve[1] - one.parameters.loss(data.XT, data.yT)) <= 1e-12 * two.testCurve[1])
    #expect(abs(two.trainCurve[1] - one.parameters.loss(data.X, data.y)) <= 1e-12 * two.trainCurve[1])
    #expect(two.testLoss == two.parameters.loss(data.XT, data.yT) || abs(two.testLoss! - two.parameters.loss(data.XT, data.yT)) < 1e-12)
}

/// The instance-level entry point reports the same numbers as the generic one, in Double: as given, the
/// generic run's; at unit scale, the generic run on (X/a, y/b) mapped back (losses ×b², distances ×b,
/// α₀w₀ ×b/a).
@Test(arguments: [TrainingScaling.asGiven, .unit])
func summaryOfAnInstanceRun(scaling: TrainingScaling) {
    let data = skipInstance(n: 10, d: 4, seed: 41)
    let instance = Instance(X: data.X, y: data.y, planted: Matrix(column: data.w), XTest: data.XT, yTest: data.yT)
    var r1 = SplitMix64(seed: 42), r2 = SplitMix64(seed: 42)
    let settings = TrainingSettings(epochs: 50, scaling: scaling)
    let summary = instance.train(.skip, settings: settings, precision: .double, using: &r1)
    let (a, b) = scaling == .unit ? (DataScale.rootMeanSquareColumnNorm(data.X), DataScale.norm(data.y)) : (1, 1)
    func divided(_ m: Matrix<Double>) -> Matrix<Double> { Matrix(rows: m.rows, columns: m.columns, columnMajor: m.storage.map { $0 / a }) }
    let direct = train(kind: .skip, X: divided(data.X), y: data.y.map { $0 / b },
                       XTest: divided(data.XT), yTest: data.yT.map { $0 / b }, settings: settings, using: &r2)
    #expect(summary.trainLoss == direct.trainLoss * (b * b) && summary.testLoss == direct.testLoss! * (b * b))
    #expect(summary.testDistance == direct.testDistance! * b && summary.width == 11)
    let linear = direct.parameters.effectiveLinearWeight.scaled(by: b / a)
    #expect(summary.linearWeight == linear)
    #expect(summary.absoluteDistance == linear.adding(data.w, scaledBy: -1).norm)
    #expect(summary.trainCurve == direct.trainCurve.scaled(by: b * b) && summary.testCurve.count == 51)
    var r3 = SplitMix64(seed: 42)
    let single = instance.train(.skip, settings: settings, precision: .float, using: &r3)
    #expect(abs(single.testLoss! - summary.testLoss!) <= 1e-3 * summary.testLoss! + 1e-6)
}

/// A float32 problem whose passes run in several blocks: 520 neurons and 260 + 70 rows make 4 neuron
/// blocks and 2 + 1 row blocks, so three threads get unequal shares and one gets no test rows.
private func blockedProblem(_ kind: NetworkKind, seed: UInt64)
    -> (initial: NetworkParameters<Float>, X: Matrix<Float>, y: [Float], XT: Matrix<Float>, yT: [Float]) {
    let data = skipInstance(n: 260, d: 20, nTest: 70, seed: seed)
    var rng = SplitMix64(seed: seed + 1)
    let initial = NetworkParameters<Float>.pytorchInitialized(kind: kind, inputDimension: 20, width: 520, using: &rng)
    return (initial, data.X.singlePrecision, data.y.map { Float($0) }, data.XT.singlePrecision, data.yT.map { Float($0) })
}

/// Sharing a run among threads changes no result (the invariant of STYLE's tests): the blocks of every
/// BLAS call are fixed by the problem's size, threads only decide who makes each call.
@Test(arguments: [NetworkKind.skip, .normalized, .plain])
func threadCountDoesNotChangeResults(kind: NetworkKind) {
    let (initial, X, y, XT, yT) = blockedProblem(kind, seed: 51)
    for mode in OptimizerMode.allCases {
        let serial = train(from: initial, X: X, y: y, XTest: XT, yTest: yT,
                           settings: TrainingSettings(epochs: 20, optimizer: mode, threads: 1))
        #expect(serial.trainLoss < serial.trainCurve[0])
        for threads in [2, 3] {
            let shared = train(from: initial, X: X, y: y, XTest: XT, yTest: yT,
                               settings: TrainingSettings(epochs: 20, optimizer: mode, threads: threads))
            let same = serial.parameters == shared.parameters
                && serial.trainCurve == shared.trainCurve && serial.testCurve == shared.testCurve
            #expect(same, "\(mode), \(threads) threads")
        }
    }
}

/// Evaluating the test set after the last step only (the experiments' setting) leaves every number of
/// the run as it is: the parameters, the training curve and the final test loss, bit for bit; the test
/// curve is NaN before its last entry. The sizes cut neurons and rows into several blocks.
@Test(arguments: [NetworkKind.skip, .normalized, .plain])
func testLossAfterTheLastStepOnlyChangesNoNumber(kind: NetworkKind) {
    let (initial, X, y, XT, yT) = blockedProblem(kind, seed: 53)
    for threads in [1, 2] {
        let full = train(from: initial, X: X, y: y, XTest: XT, yTest: yT, settings: TrainingSettings(epochs: 20, threads: threads))
        var settings = TrainingSettings(epochs: 20, threads: threads)
        settings.recordsTestCurve = false
        let last = train(from: initial, X: X, y: y, XTest: XT, yTest: yT, settings: settings)
        #expect(last.parameters == full.parameters && last.trainCurve == full.trainCurve, "\(kind), \(threads) threads")
        #expect(last.testLoss == full.testLoss && last.testCurve.last == full.testCurve.last)
        #expect(last.testCurve.count == 21 && last.testCurve.dropLast().allSatisfy { $0.isNaN })
        #expect(full.testCurve.allSatisfy { $0.isFinite })
    }
}
