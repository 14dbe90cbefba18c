import LinearAlgebra
import Vocabulary

/// The arithmetic a run trains in.
public enum TrainingPrecision: String, CaseIterable, Sendable, Codable {
    /// Float32 through sgemm, as the original (PyTorch float32).
    case float
    /// Float64 through dgemm, for checking.
    case double
}

/// One run's metrics in Double whatever the precision it trained in: what the experiments record.
public struct TrainingSummary: Sendable {
    public var kind: NetworkKind
    public var width: Int
    /// Wall time of initialization and training (not of reading or converting the data).
    public var seconds: Double
    /// ‖f(X) − y‖² at the trained parameters.
    public var trainLoss: Double
    /// ‖f(X_test) − y_test‖² at the trained parameters; nil without a test set.
    public var testLoss: Double?
    /// Skip network with one planted linear neuron w*: ‖α₀w₀ − w*‖ (`dis_abs`); else nil.
    public var absoluteDistance: Double?
    /// √testLoss (`dis_test`).
    public var testDistance: Double?
    /// Per-epoch losses as the original records them (see `TrainingResult`).
    public var trainCurve: [Double]
    public var testCurve: [Double]
    /// α₀w₀ for a skip network, else nil.
    public var linearWeight: [Double]?
}

extension TrainingSummary {
    /// What `neurec train` prints: the run's settings, then its metrics (null where the instance lacks
    /// what one needs), with `curves` the per-epoch losses.
    public func json(precision: TrainingPrecision, settings: TrainingSettings, seed: UInt32, trial: Int, n: Int, d: Int,
                     curves: Bool) -> JSONText {
        func number(_ value: Double?) -> JSONText { value.map(JSONText.number) ?? .null }
        var fields: [(String, JSONText)] = [
            ("network", .string(kind.rawValue)), ("optimizer", .string(settings.optimizer.rawValue)),
            ("precision", .string(precision.rawValue)),
            ("n", .integer(n)), ("d", .integer(d)), ("width", .integer(width)),
            ("epochs", .integer(settings.epochs)), ("seed", .integer(Int(seed))), ("trial", .integer(trial)),
            ("seconds", .number(seconds)), ("train_loss", .number(trainLoss)),
            ("test_loss", number(testLoss)), ("dis_abs", number(absoluteDistance)), ("dis_test", number(testDistance)),
        ]
        if curves {
            fields.append(("train_curve", .vector(trainCurve)))
            fields.append(("test_curve", .vector(testCurve)))
        }
        return .object(fields)
    }
}

extension Instance {
    /// Trains `kind` on this instance (initialization drawn from `rng`) and returns its metrics.
    public func train(_ kind: NetworkKind, settings: TrainingSettings = TrainingSettings(),
                      precision: TrainingPrecision = .float,
                      using rng: inout some RandomNumberGenerator) -> TrainingSummary {
        switch precision {
        case .float: return summary(Float.self, kind, settings, &rng)
        case .double: return summary(Double.self, kind, settings, &rng)
        }
    }

    private func summary<Scalar: BLASScalar>(_: Scalar.Type, _ kind: NetworkKind, _ settings: TrainingSettings,
                                             _ rng: inout some RandomNumberGenerator) -> TrainingSummary {
        let scale = settings.scaling == .unit ? TrainingScale(X: X, y: y) : TrainingScale.identity
        func convert(_ m: Matrix<Double>) -> Matrix<Scalar> {
            Matrix(rows: m.rows, columns: m.columns, columnMajor: m.storage.map { Scalar($0 / scale.x) })
        }
        func convert(_ v: [Double]) -> [Scalar] { v.map { Scalar($0 / scale.y) } }
        let X = convert(self.X), y = convert(self.y)
        let XTest = self.XTest.map(convert), yTest = self.yTest.map(convert)
        let clock = ContinuousClock()
        let start = clock.now
        let result = Training.train(kind: kind, X: X, y: y, XTest: XTest, yTest: yTest, settings: settings, using: &rng)
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        // Back to the data's units: f(X) = b f′(X/a), so losses scale by b², distances in y by b and the
        // linear weight α₀w₀ by b/a.
        let lossScale = scale.y * scale.y
        let linearWeight = kind == .skip
            ? doubles(result.parameters.effectiveLinearWeight).scaled(by: scale.y / scale.x) : nil
        return TrainingSummary(
            kind: kind, width: result.parameters.width, seconds: seconds, trainLoss: Double(result.trainLoss) * lossScale,
            testLoss: result.testLoss.map { Double($0) * lossScale },
            absoluteDistance: plantedLinearWeight.flatMap { wStar in linearWeight.map { $0.adding(wStar, scaledBy: -1).norm } },
            testDistance: result.testDistance.map { Double($0) * scale.y },
            trainCurve: doubles(result.trainCurve).scaled(by: lossScale),
            testCurve: doubles(result.testCurve).scaled(by: lossScale),
            linearWeight: linearWeight)
    }
}

/// The divisors of `TrainingScaling.unit`: X = a X′, y = b y′ (test data by the same a and b).
struct TrainingScale {
    var x: Double
    var y: Double

    static let identity = TrainingScale(x: 1, y: 1)

    init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    init(X: Matrix<Double>, y: [Double]) {
        self.x = DataScale.unitOrScale(DataScale.rootMeanSquareColumnNorm(X))
        self.y = DataScale.unitOrScale(DataScale.norm(y))
    }
}

/// Widening conversion compiled for the concrete type (unspecialized, it boxes every element).
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
private func doubles<Scalar: BLASScalar>(_ values: [Scalar]) -> [Double] { values.map { Double($0) } }
