import LinearAlgebra

/// What one training run leaves behind.
public struct TrainingResult<Scalar: BLASScalar>: Sendable {
    /// The trained network.
    public var parameters: NetworkParameters<Scalar>
    /// ‖f(X) − y‖² at the trained parameters.
    public var trainLoss: Scalar
    /// ‖f(X_test) − y_test‖² at the trained parameters (nil without a test set).
    public var testLoss: Scalar?
    /// As the original saves `loss_train`/`loss_test`: epochs + 1 entries, entry 0 at the
    /// initialization and entry t after step t, so `trainCurve.last == trainLoss`. The test curve is
    /// empty without a test set.
    public var trainCurve: [Scalar]
    public var testCurve: [Scalar]

    /// √(final test loss): the `dis_test` metric of SPEC §7.
    public var testDistance: Scalar? { testLoss.map { $0.squareRoot() } }

    /// ‖α₀ w₀ − w*‖ for a skip network (SPEC §7's training `dis_abs`); nil for the other networks.
    public func absoluteDistance(to planted: [Scalar]) -> Scalar? {
        guard parameters.kind == .skip else { return nil }
        precondition(planted.count == parameters.inputDimension, "w* must have \(parameters.inputDimension) entries")
        var difference = parameters.effectiveLinearWeight
        difference.add(planted, scaledBy: -1)
        return difference.norm
    }
}

/// Trains a freshly initialized network (PyTorch's initialization drawn from `rng`, see
/// `NetworkParameters.pytorchInitialized`) on (X, y) with full-batch AdamW, evaluating the test
/// loss after every step when a test set is given.
public func train<Scalar: BLASScalar>(kind: NetworkKind, X: Matrix<Scalar>, y: [Scalar],
                                      XTest: Matrix<Scalar>? = nil, yTest: [Scalar]? = nil,
                                      settings: TrainingSettings = TrainingSettings(),
                                      using rng: inout some RandomNumberGenerator) -> TrainingResult<Scalar> {
    let initial = NetworkParameters<Scalar>.pytorchInitialized(
        kind: kind, inputDimension: X.columns, width: settings.resolvedWidth(samples: X.rows), using: &rng)
    return train(from: initial, X: X, y: y, XTest: XTest, yTest: yTest, settings: settings)
}

/// Trains from the given parameters (`settings.width` is ignored: the parameters fix the width).
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func train<Scalar: BLASScalar>(from initial: NetworkParameters<Scalar>, X: Matrix<Scalar>, y: [Scalar],
                                      XTest: Matrix<Scalar>? = nil, yTest: [Scalar]? = nil,
                                      settings: TrainingSettings = TrainingSettings()) -> TrainingResult<Scalar> {
    precondition(X.columns == initial.inputDimension, "X has \(X.columns) columns, the network takes \(initial.inputDimension)")
    precondition(settings.epochs >= 0, "epochs must be non-negative")
    let evaluator = NetworkEvaluator(kind: initial.kind, X: X, y: y, XTest: XTest, yTest: yTest, width: initial.width)
    let hasTest = XTest != nil
    var theta = initial.values
    var gradient = [Scalar](repeating: 0, count: theta.count)
    var optimizer = AdamW<Scalar>(parameterCount: theta.count, settings: settings)
    let threads = ElementwiseThreads(settings.elementwiseThreads ?? 1)
    evaluator.threads = threads
    optimizer.threads = threads
    var trainCurve = [Scalar](), testCurve = [Scalar]()
    trainCurve.reserveCapacity(settings.epochs + 1)
    testCurve.reserveCapacity(hasTest ? settings.epochs + 1 : 0)

    // The original's loop: one forward pass at the initialization, then per epoch backward through
    // the last forward pass, one step, and a forward pass at the new parameters whose training loss
    // feeds the next step and whose test loss is recorded (one product gives both).
    theta.withUnsafeMutableBufferPointer { tb in
        gradient.withUnsafeMutableBufferPointer { gb in
            let t = tb.baseAddress!, g = gb.baseAddress!
            evaluator.forward(t)
            trainCurve.append(evaluator.trainLoss)
            if hasTest { testCurve.append(evaluator.testLoss) }
            for _ in 0..<settings.epochs {
                evaluator.backward(t, into: g)
                optimizer.step(t, gradient: g)
                evaluator.forward(t)
                trainCurve.append(evaluator.trainLoss)
                if hasTest { testCurve.append(evaluator.testLoss) }
            }
        }
    }
    var parameters = initial
    parameters.values = theta
    return TrainingResult(parameters: parameters, trainLoss: evaluator.trainLoss,
                          testLoss: hasTest ? evaluator.testLoss : nil,
                          trainCurve: trainCurve, testCurve: testCurve)
}

extension NetworkParameters {
    /// f(X).
    public func output(_ X: Matrix<Scalar>) -> [Scalar] {
        let evaluator = makeEvaluator(X, y: [Scalar](repeating: 0, count: X.rows))
        values.withUnsafeBufferPointer { evaluator.forward($0.baseAddress!) }
        return evaluator.outputs()
    }

    /// ‖f(X) − y‖².
    public func loss(_ X: Matrix<Scalar>, _ y: [Scalar]) -> Scalar {
        let evaluator = makeEvaluator(X, y: y)
        values.withUnsafeBufferPointer { evaluator.forward($0.baseAddress!) }
        return evaluator.trainLoss
    }

    /// ‖f(X) − y‖² and its gradient, in the layout of `values`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func lossAndGradient(_ X: Matrix<Scalar>, _ y: [Scalar]) -> (loss: Scalar, gradient: NetworkParameters) {
        let evaluator = makeEvaluator(X, y: y)
        var gradient = self
        values.withUnsafeBufferPointer { t in
            gradient.values.withUnsafeMutableBufferPointer { g in
                evaluator.forward(t.baseAddress!)
                evaluator.backward(t.baseAddress!, into: g.baseAddress!)
            }
        }
        return (evaluator.trainLoss, gradient)
    }

    private func makeEvaluator(_ X: Matrix<Scalar>, y: [Scalar]) -> NetworkEvaluator<Scalar> {
        precondition(X.columns == inputDimension, "X has \(X.columns) columns, the network takes \(inputDimension)")
        return NetworkEvaluator(kind: kind, X: X, y: y, XTest: nil, yTest: nil, width: width)
    }
}
