import Foundation
import LinearAlgebra
import TestSupport
import Testing
import Training
import Vocabulary

private let lr = 2e-3, wd = 1e-6, eps = 1e-8

@Test func resetModeIsTheClosedFormEveryStep() {
    var rng = SplitMix64(seed: 1)
    var theta = rng.gaussians(40)
    var optimizer = AdamW<Double>(parameterCount: 40, learningRate: lr, weightDecay: wd, mode: .reset)
    for step in 0..<4 {
        var g = rng.gaussians(40).map { $0 * pow(10, Double(step - 2)) }
        g[0] = 0
        g[1] = 1e-9  // comparable to eps: the update is lr·g/(|g| + eps), not lr·sign(g)
        let expected = (0..<40).map { theta[$0] * (1 - lr * wd) - lr * g[$0] / (abs(g[$0]) + eps) }
        optimizer.step(&theta, gradient: g)
        for k in 0..<40 { #expect(abs(theta[k] - expected[k]) <= 1e-15 * max(abs(expected[k]), 1)) }
        #expect(optimizer.stepCount == 1)
    }
}

@Test func persistentModeIsOrdinaryAdamW() {
    var rng = SplitMix64(seed: 2)
    let count = 25
    let start = rng.gaussians(count)
    let gradients = (0..<6).map { _ in rng.gaussians(count) }
    let (beta1, beta2) = (0.9, 0.999)

    // Textbook AdamW with decoupled decay, written out per coordinate.
    var expected = start
    var m = [Double](repeating: 0, count: count), v = m
    for (t, g) in gradients.enumerated() {
        for k in 0..<count {
            expected[k] *= 1 - lr * wd
            m[k] = beta1 * m[k] + (1 - beta1) * g[k]
            v[k] = beta2 * v[k] + (1 - beta2) * g[k] * g[k]
            let mHat = m[k] / (1 - pow(beta1, Double(t + 1)))
            let vHat = v[k] / (1 - pow(beta2, Double(t + 1)))
            expected[k] -= lr * mHat / (vHat.squareRoot() + eps)
        }
    }

    var theta = start
    var optimizer = AdamW<Double>(parameterCount: count, learningRate: lr, weightDecay: wd, mode: .persistent)
    for g in gradients { optimizer.step(&theta, gradient: g) }
    #expect(optimizer.stepCount == 6)
    #expect(relativeError(theta, expected) < 1e-13)
    // And it is not the reset sequence.
    var reset = start
    var fresh = AdamW<Double>(parameterCount: count, learningRate: lr, weightDecay: wd, mode: .reset)
    for g in gradients { fresh.step(&reset, gradient: g) }
    #expect(relativeError(reset, expected) > 1e-6)
}

@Test(arguments: NetworkKind.allCases)
func oneEpochOfTrainingIsOneClosedFormStep(kind: NetworkKind) {
    var rng = SplitMix64(seed: 3)
    let X = rng.data(8, 3), y = rng.gaussians(8)
    var initRNG = SplitMix64(seed: 4)
    let initial = NetworkParameters<Double>.pytorchInitialized(kind: kind, inputDimension: 3, width: 9, using: &initRNG)
    let (loss, gradient) = initial.lossAndGradient(X, y)
    let result = train(from: initial, X: X, y: y, settings: TrainingSettings(epochs: 1))
    let expected = (0..<initial.values.count).map { k in
        let g = gradient.values[k]
        return initial.values[k] * (1 - lr * wd) - lr * g / (abs(g) + eps)
    }
    #expect(relativeError(result.parameters.values, expected) < 1e-14)
    #expect(result.trainCurve.count == 2 && result.trainCurve[0] == loss)
    #expect(result.trainCurve[1] == result.trainLoss)
    #expect(result.testCurve.isEmpty && result.testLoss == nil)
    #expect(abs(result.trainLoss - result.parameters.loss(X, y)) <= 1e-12 * result.trainLoss)

    // The seeded entry point draws the same initialization from the same stream.
    var again = SplitMix64(seed: 4)
    let seeded = train(kind: kind, X: X, y: y, settings: TrainingSettings(epochs: 1, width: 9), using: &again)
    #expect(seeded.parameters == result.parameters)
}
