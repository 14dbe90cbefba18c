import LinearAlgebra
import Vocabulary

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
    /// empty without a test set, and NaN but for its last entry without `settings.recordsTestCurve`.
    public var trainCurve: [Scalar]
    public var testCurve: [Scalar]

    /// √(final test loss): the `dis_test` metric of science §7.
    public var testDistance: Scalar? { testLoss.map { $0.squareRoot() } }

    /// ‖α₀ w₀ − w*‖ for a skip network (science §7's training `dis_abs`); nil for the other networks.
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
    let updates = (0..<settings.epochs).map { optimizer.update(afterSteps: $0) }
    var trainCurve = [Scalar](repeating: 0, count: settings.epochs + 1)
    // Without the curve, test losses before the last are NaN and never computed.
    let recordsTestCurve = settings.recordsTestCurve
    var testCurve = [Scalar](repeating: recordsTestCurve ? 0 : .nan, count: hasTest ? settings.epochs + 1 : 0)

    // Neurons and rows are cut into fixed blocks (`NetworkEvaluator`'s); each member owns a share of
    // the neuron blocks (their columns of W, H and ∂L/∂Z, their a_j and γ_j, their optimizer entries)
    // and of the row blocks of each set. Member 0 also owns the skip branch (w₀, α₀) and the losses.
    // More members than blocks would only spin at the barriers.
    let team = ThreadTeam(min(settings.threads, [evaluator.neuronBlocks, evaluator.trainBlocks, evaluator.testBlocks]
        .map(\.count).max()!))
    let shares = (0..<team.size).map { member in
        func mine(_ blocks: [Range<Int>]) -> [Range<Int>] { team.share(of: blocks.count, member: member).map { blocks[$0] } }
        let neurons = team.share(of: evaluator.neuronBlocks.count, member: member)
        var entries = neurons.flatMap { initial.entries(ofNeurons: evaluator.neuronBlocks[$0]) }
        if member == 0 { entries.append(initial.skipBranchEntries) }
        return (neurons: neurons, trainRows: mine(evaluator.trainBlocks), testRows: mine(evaluator.testBlocks),
                entries: entries)
    }

    // The original's loop: one forward pass at the initialization, then per epoch backward through
    // the last forward pass, one step, and a forward pass at the new parameters whose training loss
    // feeds the next step and whose test loss is recorded (one product gives both).
    //
    // Barriers: `residuals` reads every member's share of the outputs (and member 0's w₀, α₀), so all of
    // `activate` (and the previous step) must be done; `backpropagate` reads every row's residual, so
    // all of `residuals` must be. Between a member's `backpropagate` and its next `activate` it
    // touches only what it owns, so no barrier is needed there.
    optimizer.withMoments { M, V in
        theta.withUnsafeMutableBufferPointer { tb in
        gradient.withUnsafeMutableBufferPointer { gb in
        trainCurve.withUnsafeMutableBufferPointer { trb in
        testCurve.withUnsafeMutableBufferPointer { teb in
            nonisolated(unsafe) let (t, g, M, V) = (tb.baseAddress!, gb.baseAddress!, M, V)
            nonisolated(unsafe) let (trainCurve, testCurve) = (trb, teb)
            team.run { member, barrier in
                let share = shares[member]
                func forward(recordingAt epoch: Int) {
                    let test = hasTest && (recordsTestCurve || epoch == updates.count)
                    for b in share.neurons { evaluator.activate(t, neuronBlock: b, test: test) }
                    barrier.wait()
                    for block in share.trainRows { evaluator.residuals(t, trainRows: block) }
                    if test { for block in share.testRows { evaluator.residuals(t, testRows: block) } }
                    barrier.wait()
                    if member == 0 {
                        evaluator.updateLosses(test: test)
                        trainCurve[epoch] = evaluator.trainLoss
                        if test { testCurve[epoch] = evaluator.testLoss }
                    }
                }
                forward(recordingAt: 0)
                for epoch in updates.indices {
                    for b in share.neurons { evaluator.backpropagate(t, into: g, neuronBlock: b) }
                    if member == 0 { evaluator.backpropagateSkipBranch(t, into: g) }
                    for owned in share.entries {
                        AdamW.apply(updates[epoch], to: t, gradient: g, firstMoment: M, secondMoment: V, entries: owned)
                    }
                    forward(recordingAt: epoch + 1)
                }
            }
        }}}}
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
