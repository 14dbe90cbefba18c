import LinearAlgebra
import TestSupport
import Testing
import Training
import Vocabulary

/// A random network whose every parameter matters (γ ≠ 1, α₀ ≠ 0).
private func randomNetwork(_ kind: NetworkKind, d: Int, m: Int, rng: inout SplitMix64) -> NetworkParameters<Double> {
    let count = NetworkParameters<Double>.count(kind: kind, inputDimension: d, width: m)
    return NetworkParameters(kind: kind, inputDimension: d, width: m, values: rng.gaussians(count).map { 0.7 * $0 })
}

/// Central differences of the loss, one coordinate at a time, with a step relative to the coordinate.
private func finiteDifferenceGradient(_ net: NetworkParameters<Double>, _ X: Matrix<Double>, _ y: [Double]) -> [Double] {
    (0..<net.values.count).map { k in
        let h = 1e-6 * max(abs(net.values[k]), 1e-300)
        var plus = net, minus = net
        plus.values[k] += h
        minus.values[k] -= h
        return (plus.loss(X, y) - minus.loss(X, y)) / (plus.values[k] - minus.values[k])
    }
}

private func expectGradientsAgree(_ net: NetworkParameters<Double>, _ X: Matrix<Double>, _ y: [Double]) {
    let analytic = net.lossAndGradient(X, y).gradient.values
    let numeric = finiteDifferenceGradient(net, X, y)
    for k in analytic.indices {
        #expect(abs(analytic[k] - numeric[k]) <= 1e-6 * abs(numeric[k]) + 1e-7,
                "coordinate \(k): analytic \(analytic[k]), finite difference \(numeric[k])")
    }
}

/// f(X) written out neuron by neuron from science §1, independently of the BLAS path.
private func naiveOutput(_ net: NetworkParameters<Double>, _ X: Matrix<Double>) -> [Double] {
    let W = net.W, a = net.a
    var f = [Double](repeating: 0, count: X.rows)
    for j in 0..<net.width {
        var h = (0..<X.rows).map { i in max((0..<X.columns).reduce(0.0) { $0 + X[i, $1] * W[$1, j] }, 0) }
        if net.kind == .normalized {
            let norm = h.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            h = h.map { $0 * net.gamma[j] / max(norm, 1e-12) }
        }
        for i in 0..<X.rows { f[i] += a[j] * h[i] }
    }
    if net.kind == .skip {
        for i in 0..<X.rows { f[i] += net.alpha0 * (0..<X.columns).reduce(0.0) { $0 + X[i, $1] * net.w0[$1] } }
    }
    return f
}

@Test(arguments: NetworkKind.allCases)
func outputMatchesTheDefinition(kind: NetworkKind) {
    var rng = SplitMix64(seed: 11)
    let X = rng.data(9, 4)
    let net = randomNetwork(kind, d: 4, m: 6, rng: &rng)
    let f = net.output(X), expected = naiveOutput(net, X)
    #expect(relativeError(f, expected) < 1e-13)
    let y = rng.gaussians(9)
    var r = f
    r.add(y, scaledBy: -1)
    #expect(abs(net.loss(X, y) - r.dot(r)) <= 1e-13 * r.dot(r))
}

@Test(arguments: NetworkKind.allCases)
func gradientMatchesFiniteDifferences(kind: NetworkKind) {
    var rng = SplitMix64(seed: 2024)
    let X = rng.data(12, 5)
    let y = rng.gaussians(12)
    expectGradientsAgree(randomNetwork(kind, d: 5, m: 7, rng: &rng), X, y)
}

/// A neuron whose active output has norm 0.5e-12, below the normalization floor: the division is by
/// the constant 1e-12 there, so the norm contributes no derivative. Using the smooth branch there
/// instead changes the gradient by about (0.5)² relative, far above the tolerance.
@Test func gradientOnTheNormalizationFloor() {
    var rng = SplitMix64(seed: 7)
    let X = rng.data(10, 4)
    let y = rng.gaussians(10)
    var net = randomNetwork(.normalized, d: 4, m: 5, rng: &rng)
    let d = 4, j = 2
    let column = Array(net.values[(j * d)..<((j + 1) * d)])
    let h = (0..<X.rows).map { i in max((0..<d).reduce(0.0) { $0 + X[i, $1] * column[$1] }, 0) }
    let norm = h.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
    try! #require(norm > 0, "the neuron must be active on some sample")
    for k in 0..<d { net.values[j * d + k] *= 0.5e-12 / norm }
    // The neuron still contributes: a_j γ_j · h/1e-12 has norm ≈ 0.5 |a_j γ_j|.
    expectGradientsAgree(net, X, y)
    let gradient = net.lossAndGradient(X, y).gradient.values
    #expect(gradient[(j * d)..<((j + 1) * d)].contains { abs($0) > 1e6 }, "the floor branch scales by 1e12")
}

@Test(arguments: NetworkKind.allCases)
func floatAndDoubleAgree(kind: NetworkKind) {
    var rng = SplitMix64(seed: 99)
    let X = rng.data(20, 6)
    let y = rng.gaussians(20)
    let net = randomNetwork(kind, d: 6, m: 21, rng: &rng)
    let single = NetworkParameters<Float>(kind: kind, inputDimension: 6, width: 21, values: net.values.map { Float($0) })
    let (loss, gradient) = net.lossAndGradient(X, y)
    let (lossF, gradientF) = single.lossAndGradient(X.singlePrecision, y.map { Float($0) })
    #expect(abs(Double(lossF) - loss) <= 1e-4 * loss)
    #expect(relativeError(gradientF.values.map { Double($0) }, gradient.values) < 1e-4)
}

@Test func initializationFollowsPyTorchBounds() {
    var rng = SplitMix64(seed: 5)
    let (d, m) = (9, 16)
    let net = NetworkParameters<Double>.pytorchInitialized(kind: .skip, inputDimension: d, width: m, using: &rng)
    #expect(net.W.storage.allSatisfy { abs($0) <= 1 / 3.0 })
    #expect(net.a.allSatisfy { abs($0) <= 0.25 })
    #expect(net.w0.allSatisfy { abs($0) <= 1 / 3.0 })
    #expect(abs(net.alpha0) <= 1)
    // Uniform on ±1/√d fills the interval: its spread is close to the bound.
    #expect(net.W.storage.max()! > 0.28 && net.W.storage.min()! < -0.28)
    let normalized = NetworkParameters<Float>.pytorchInitialized(kind: .normalized, inputDimension: d, width: m, using: &rng)
    #expect(normalized.gamma == [Float](repeating: 1, count: m))
    // Same stream, same numbers in both precisions (to Float rounding).
    var r1 = SplitMix64(seed: 3), r2 = SplitMix64(seed: 3)
    let a = NetworkParameters<Double>.pytorchInitialized(kind: .plain, inputDimension: d, width: m, using: &r1)
    let b = NetworkParameters<Float>.pytorchInitialized(kind: .plain, inputDimension: d, width: m, using: &r2)
    #expect(a.values.map { Float($0) } == b.values)
}
