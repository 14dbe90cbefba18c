import Foundation
import LinearAlgebra
import Vocabulary

/// Draws instances in the orders of science §3: `draw` as the original script consumes the shared numpy
/// stream (numpy mode), `drawCanonical` in the one order of a cell's own stream (cell mode), shared by
/// every experiment on the same planted model, data law and σ.
public struct InstanceDraws: Sendable {
    public let experiment: OriginalExperiment
    public let parameters: InstanceParameters
    /// Planted ReLU neurons label through a normalization layer (the originals) or plainly,
    /// y = Σ_j (X w_j)_+ (the generalization of science §8); the draws are the same.
    public let normalizedReLULabels: Bool

    public init(experiment: OriginalExperiment, parameters: InstanceParameters, normalizedReLULabels: Bool = true) {
        self.experiment = experiment
        self.parameters = parameters
        self.normalizedReLULabels = normalizedReLULabels
    }

    /// Draws one trial's instance, or returns nil without drawing for a cell the original skips.
    ///
    /// - Parameter materialize: when false, only what decides how much later calls draw is computed
    ///   (replaying the numpy stream up to a cell); the returned instance then lacks patterns.
    public func draw(n: Int, d: Int, trial: Int, from stream: inout NumpyRandomState,
                     materialize: Bool = true) -> Instance? {
        guard !experiment.skipsCell(n: n, d: d) else { return nil }
        let (x, planted, plantedLabels) = drawPlantedModel(n: n, d: d, from: &stream, materialize: materialize)
        var y = plantedLabels
        if experiment.drawsNoise {
            let g = stream.randn(n)
            if materialize { y = addingNoise(g, to: y) }
        }
        var patterns: PatternSet?
        if let directions = experiment.patternDirections(n: n) {
            let h = stream.randn(d, directions)
            _ = stream.randn(d)  // the original's all-ones heuristic starts from these
            if materialize { patterns = patternSet(x: x, planted: planted, directions: h) }
        }
        var testX: Matrix<Double>?, testY: [Double]?
        if experiment.hasTestSet {
            let xt = drawData(n: n, d: d, from: &stream)
            discardPlantedDraws(d: d, from: &stream)
            if materialize {
                testX = xt
                testY = testLabels(xt, planted: planted) ?? [Double](repeating: 0, count: n)
            }
        }
        return Instance(experiment: experiment.rawValue, trial: trial, X: x, y: y, planted: planted,
                        plantsReLUNeurons: experiment.plantsReLUNeurons, XTest: testX, yTest: testY, patterns: patterns)
    }

    /// X, the planted weights and their labels; planted ReLU neurons redraw both until the labels
    /// are defined (science §2). Unmaterialized linear labels are left empty.
    func drawPlantedModel(n: Int, d: Int, from stream: inout NumpyRandomState,
                          materialize: Bool) -> (x: Matrix<Double>, planted: Matrix<Double>, y: [Double]) {
        guard experiment.plantsReLUNeurons else {
            let x = drawData(n: n, d: d, from: &stream)
            let w = drawLinearNeuron(x: x, from: &stream, materialize: materialize)
            return (x, Matrix(column: w), materialize ? PlantedLabels.linear(x, w) : [])
        }
        while true {
            let x = drawData(n: n, d: d, from: &stream)
            let planted = drawReLUNeurons(d: d, from: &stream)
            if let y = PlantedLabels.normalizedReLU(x, planted, normalized: normalizedReLULabels) { return (x, planted, y) }
        }
    }

    /// The arrangement patterns of X from the sampled directions, planted ReLU neurons' directions first.
    func patternSet(x: Matrix<Double>, planted: Matrix<Double>, directions h: Matrix<Double>) -> PatternSet {
        let reluNeurons = experiment.plantsReLUNeurons
        return PatternSet(x: x, directions: reluNeurons ? planted.appendingColumns(h) : h, planted: reluNeurons ? planted.columns : 0,
                          allOnes: AllOnesPattern.exists(for: x))
    }

    /// Noise-free labels of test data from the same planted weights, or nil where normalized ReLU
    /// labels are undefined.
    func testLabels(_ xTest: Matrix<Double>, planted: Matrix<Double>) -> [Double]? {
        experiment.plantsReLUNeurons
            ? PlantedLabels.normalizedReLU(xTest, planted, normalized: normalizedReLULabels)
            : PlantedLabels.linear(xTest, planted.column(0))
    }

    /// y + σ g/√n, evaluated left to right as numpy's `y + sigma * g / sqrt(n)`; y itself when σ = 0.
    func addingNoise(_ g: [Double], to y: [Double]) -> [Double] {
        guard parameters.sigma != 0 else { return y }
        let root = Double(g.count).squareRoot()
        return zip(y, g).map { $0 + parameters.sigma * $1 / root }
    }

    /// X: entries N(0,1)/√n, then the law of `--optx`.
    func drawData(n: Int, d: Int, from stream: inout NumpyRandomState) -> Matrix<Double> {
        let root = Double(n).squareRoot()
        // Divide (not multiply by 1/√n) and cube with pow, as numpy's `/` and `**3` do, for identical bits.
        var x = stream.randn(n, d).map { $0 / root }
        if parameters.dataLaw.cubes { x = x.map { pow($0, 3) } }
        if parameters.dataLaw.whitens, let f = try? x.svd() {
            x = n >= d ? f.u : f.vt
        }
        return x
    }

    /// w*: a unit Gaussian vector (optw 0) or the right singular vector of X for its smallest singular
    /// value (optw 1; numpy's full SVD, so a null vector of X when n < d).
    func drawLinearNeuron(x: Matrix<Double>, from stream: inout NumpyRandomState, materialize: Bool) -> [Double] {
        let d = x.columns
        if parameters.plantedWeights == .gaussian {
            let w = stream.randn(d)
            let norm = w.dot(w).squareRoot()
            return w.map { $0 / norm }
        }
        guard materialize, let f = try? x.svd(full: true) else { return [Double](repeating: 0, count: d) }
        return f.vt.row(d - 1)
    }

    /// The k planted ReLU neurons as unit columns of a d×k matrix.
    func drawReLUNeurons(d: Int, from stream: inout NumpyRandomState) -> Matrix<Double> {
        let k = parameters.neurons
        var w: Matrix<Double>
        switch parameters.plantedWeights {
        case .gaussian:
            w = stream.randn(d, k)
        case .structured:
            w = Matrix(rows: d, columns: k)
            for j in 0..<min(k, d) { w[j, j] = 1 }
        case .opposite:
            let u = stream.randn(d)
            w = Matrix(rows: d, columns: 2, columnMajor: u + u.map { -$0 })
        }
        for j in 0..<w.columns {
            let column = w.column(j)
            let norm = column.dot(column).squareRoot()
            w.setColumn(j, to: column.map { $0 / norm })
        }
        return w
    }

    /// The original draws a second planted model with the test set and throws it away.
    func discardPlantedDraws(d: Int, from stream: inout NumpyRandomState) {
        switch (experiment.plantsReLUNeurons, parameters.plantedWeights) {
        case (false, .gaussian): _ = stream.randn(d)
        case (true, .gaussian): _ = stream.randn(d, parameters.neurons)
        case (true, .opposite): _ = stream.randn(d)
        default: break
        }
    }

    /// The instance `neurec bench training` trains on (science §2's training law, in the benchmark's own
    /// draw order): X and X_test Gaussian / √n, then one unit Gaussian linear neuron (`reluNeurons` false,
    /// labels X w) or two unit Gaussian ReLU neurons with normalized labels, redrawing X and X_test
    /// until both label sets are defined.
    public static func trainingBenchmark(n: Int, d: Int, reluNeurons: Bool, from stream: inout NumpyRandomState) -> Instance {
        func data() -> Matrix<Double> {
            var X = stream.randn(n, d)
            X.scale(by: 1 / Double(n).squareRoot())
            return X
        }
        func unit() -> [Double] {
            var w = stream.randn(d)
            w.scale(by: 1 / w.norm)
            return w
        }
        guard reluNeurons else {
            let X = data(), XTest = data(), w = unit()
            return Instance(X: X, y: X.times(w), planted: Matrix(column: w), XTest: XTest, yTest: XTest.times(w))
        }
        let planted = [unit(), unit()]
        let W = Matrix(rows: d, columns: 2, columnMajor: Array(planted.joined()))
        while true {
            let X = data(), XTest = data()
            if let y = PlantedLabels.normalizedReLU(X, W), let yTest = PlantedLabels.normalizedReLU(XTest, W) {
                return Instance(X: X, y: y, planted: W, plantsReLUNeurons: true, XTest: XTest, yTest: yTest)
            }
        }
    }
}
