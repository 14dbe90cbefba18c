import LinearAlgebra
import Vocabulary

/// The normalization layer divides by max(‖(X w_i)_+‖, this) (PyTorch's `F.normalize` default).
public let normalizationFloor: Double = 1e-12

/// Forward pass and hand-derived gradient of one network on a fixed training set (and optionally a
/// test set), over buffers allocated once.
///
/// The training and test inputs are stacked into one (n + n_t)×d matrix so a single sgemm computes
/// X W for both: the original evaluates the test loss right after each step and the next epoch's
/// training loss before the following step, both at the same parameters, so one product serves both.
///
/// Notation: Z = X W (n×m), H = Z_+, r = f(X) − y, loss L = ‖r‖² (no ½), so ∂L/∂f = 2r.
///
/// The passes come in phases that a `ThreadTeam` runs on disjoint blocks: `activate` and
/// `backpropagate` on blocks of neurons (each writes only its columns of H, W's gradient, a, γ and
/// its share of the outputs), `residuals` on blocks of rows (it reads every block's share, so a
/// barrier separates it from `activate`). That is why the buffers are raw allocations shared by the team
/// (`@unchecked Sendable`): Swift arrays would claim exclusive access for every call.
final class NetworkEvaluator<Scalar: BLASScalar>: @unchecked Sendable {
    let kind: NetworkKind
    let d: Int, m: Int
    let nTrain: Int, nTest: Int
    /// nTrain + nTest: the leading dimension of `x` and `z`.
    let rows: Int
    /// The fixed blocks every pass works in, whoever runs it (`ThreadTeam.blocks`): neurons, training
    /// rows, test rows (counted from the set's first row).
    let neuronBlocks: [Range<Int>], trainBlocks: [Range<Int>], testBlocks: [Range<Int>]

    /// [X; X_test], column-major rows×d.
    private let x: UnsafeMutablePointer<Scalar>
    /// [y; y_test].
    private let y: UnsafeMutablePointer<Scalar>
    /// Z = X W, then H = Z_+ in place, then (training rows) ∂L/∂Z in place during `backpropagate`.
    /// The ReLU is `max(z, 0)` and the masks multiply by a 0/1 select: both vectorize, where
    /// `z > 0 ? z : 0` in place compiles to a conditional store, one mispredicted branch per entry.
    private let z: UnsafeMutablePointer<Scalar>
    /// Outputs, then residuals r = f − y.
    private let f: UnsafeMutablePointer<Scalar>
    /// Each neuron block's share of the outputs, rows×(number of blocks): the block's member computes
    /// it while its H is hot in its core's cache, and `residuals` adds the shares in block order.
    private let partialOutputs: UnsafeMutablePointer<Scalar>
    /// Normalized network: column norms ‖h_j‖ on training and test rows, and the output coefficients
    /// a_j γ_j / max(‖h_j‖, floor) for each.
    private let normTrain: UnsafeMutablePointer<Scalar>, normTest: UnsafeMutablePointer<Scalar>
    private let coefTrain: UnsafeMutablePointer<Scalar>, coefTest: UnsafeMutablePointer<Scalar>
    /// Normalized network: p_j = N_jᵀ (2r).
    private let p: UnsafeMutablePointer<Scalar>

    /// Losses of the last `updateLosses`.
    private(set) var trainLoss: Scalar = 0
    private(set) var testLoss: Scalar = 0

    init(kind: NetworkKind, X: Matrix<Scalar>, y: [Scalar], XTest: Matrix<Scalar>?, yTest: [Scalar]?, width: Int) {
        precondition(X.rows == y.count, "X has \(X.rows) rows but y has \(y.count) entries")
        precondition((XTest == nil) == (yTest == nil), "X_test and y_test come together")
        if let XTest, let yTest {
            precondition(XTest.columns == X.columns, "X_test must have \(X.columns) columns")
            precondition(XTest.rows == yTest.count, "X_test has \(XTest.rows) rows but y_test has \(yTest.count) entries")
        }
        self.kind = kind
        d = X.columns
        m = width
        nTrain = X.rows
        nTest = XTest?.rows ?? 0
        rows = nTrain + nTest
        precondition(nTrain > 0 && d > 0 && m > 0, "empty training problem")
        neuronBlocks = ThreadTeam.blocks(of: m)
        trainBlocks = ThreadTeam.blocks(of: nTrain)
        testBlocks = nTest > 0 ? ThreadTeam.blocks(of: nTest) : []

        func zeros(_ count: Int) -> UnsafeMutablePointer<Scalar> {
            let buffer = UnsafeMutablePointer<Scalar>.allocate(capacity: count)
            buffer.initialize(repeating: 0, count: count)
            return buffer
        }
        let stacked = zeros(rows * d)
        let (nTrain, nTest, rows, d) = (nTrain, nTest, rows, d)
        X.storage.withUnsafeBufferPointer {
            Scalar.omatcopy(false, nTrain, d, 1, $0.baseAddress!, nTrain, stacked, rows)
        }
        if let XTest, nTest > 0 {
            XTest.storage.withUnsafeBufferPointer {
                Scalar.omatcopy(false, nTest, d, 1, $0.baseAddress!, nTest, stacked + nTrain, rows)
            }
        }
        x = stacked
        self.y = zeros(rows)
        self.y.update(from: y, count: nTrain)
        if let yTest { (self.y + nTrain).update(from: yTest, count: nTest) }
        z = zeros(rows * m)
        f = zeros(rows)
        partialOutputs = zeros(rows * neuronBlocks.count)
        normTrain = zeros(m)
        normTest = zeros(m)
        coefTrain = zeros(m)
        coefTest = zeros(m)
        p = zeros(m)
    }

    deinit {
        for buffer in [x, y, z, f, partialOutputs, normTrain, normTest, coefTrain, coefTest, p] { buffer.deallocate() }
    }

    // MARK: Whole passes (one thread)

    /// Outputs and losses at `theta` on both sets; leaves H and the residuals for `backward`.
    func forward(_ theta: UnsafePointer<Scalar>) {
        for b in neuronBlocks.indices { activate(theta, neuronBlock: b) }
        for block in trainBlocks { residuals(theta, trainRows: block) }
        for block in testBlocks { residuals(theta, testRows: block) }
        updateLosses()
    }

    /// ∂L/∂θ of the training loss at the `theta` of the last `forward`, written to `grad`.
    /// Overwrites the training rows of H with ∂L/∂Z.
    func backward(_ theta: UnsafePointer<Scalar>, into grad: UnsafeMutablePointer<Scalar>) {
        for b in neuronBlocks.indices { backpropagate(theta, into: grad, neuronBlock: b) }
        backpropagateSkipBranch(theta, into: grad)
    }

    /// Outputs f(X) (training rows first, then test rows) of the last `forward`.
    func outputs() -> [Scalar] { (0..<rows).map { f[$0] + y[$0] } }

    // MARK: Phases (one block each)

    /// For neuron block b = J: H[:, J] = (X W[:, J])₊ on training rows, and test rows too unless
    /// `test` is false (a run that records no test curve needs them after the last step only: a third
    /// of an epoch's products); for the normalized network the column norms and output coefficients of
    /// J; and the block's share of the outputs, H[:, J] a_J (normalized: H[:, J] c_J with each set's
    /// coefficients). Each entry is the same dot product whichever rows are computed.
    func activate(_ theta: UnsafePointer<Scalar>, neuronBlock b: Int, test: Bool = true) {
        let J = neuronBlocks[b]
        guard !J.isEmpty else { return }
        let H = z + J.lowerBound * rows, a = theta + d * m, share = partialOutputs + b * rows
        let nTest = test ? self.nTest : 0, used = nTrain + nTest
        Scalar.gemm(false, false, used, J.count, d, 1, x, rows, theta + J.lowerBound * d, d, 0, H, rows)
        if used == rows {
            for k in 0..<(rows * J.count) { H[k] = Swift.max(H[k], 0) }
        } else {
            for j in 0..<J.count {
                let column = H + j * rows
                for i in 0..<used { column[i] = Swift.max(column[i], 0) }
            }
        }
        guard kind == .normalized else {
            // Over every row even without the test rows (theirs are then stale and unused): OpenBLAS's
            // gemv groups the columns of a row by the call's row count, so a shorter call would round
            // the training rows' outputs differently.
            Scalar.gemv(false, rows, J.count, 1, H, rows, a + J.lowerBound, 1, 0, share, 1)
            return
        }
        let gamma = a + m
        let floor = Scalar(normalizationFloor)
        // ‖h_j‖ as √(h_jᵀh_j), unscaled as PyTorch's norm (and cheaper than nrm2's scaling); squares
        // underflow only for entries below ~1e-19 in Float, whose norm is on the floor anyway.
        for j in J {
            let column = z + j * rows
            normTrain[j] = Scalar.dot(nTrain, column, 1, column, 1).squareRoot()
            coefTrain[j] = a[j] * gamma[j] / max(normTrain[j], floor)
            if nTest > 0 {
                normTest[j] = Scalar.dot(nTest, column + nTrain, 1, column + nTrain, 1).squareRoot()
                coefTest[j] = a[j] * gamma[j] / max(normTest[j], floor)
            }
        }
        Scalar.gemv(false, nTrain, J.count, 1, H, rows, coefTrain + J.lowerBound, 1, 0, share, 1)
        if nTest > 0 {
            Scalar.gemv(false, nTest, J.count, 1, H + nTrain, rows, coefTest + J.lowerBound, 1, 0, share + nTrain, 1)
        }
    }

    /// f and r = f − y on the given training rows and test rows (each counted from its set's first
    /// row): the neuron blocks' shares added in block order, then the skip branch. Reads every block's
    /// share, so all of `activate` must be done.
    func residuals(_ theta: UnsafePointer<Scalar>, trainRows: Range<Int> = 0..<0, testRows: Range<Int> = 0..<0) {
        let w0 = theta + d * m + m
        func residuals(_ block: Range<Int>, from offset: Int) {
            guard !block.isEmpty else { return }
            let first = offset + block.lowerBound, count = block.count
            Scalar.copy(count, partialOutputs + first, 1, f + first, 1)
            for b in neuronBlocks.indices.dropFirst() {
                Scalar.axpy(count, 1, partialOutputs + b * rows + first, 1, f + first, 1)
            }
            if kind == .skip {
                Scalar.gemv(false, count, d, w0[d], x + first, rows, w0, 1, 1, f + first, 1)
            }
            Scalar.axpy(count, -1, y + first, 1, f + first, 1)
        }
        residuals(trainRows, from: 0)
        residuals(testRows, from: nTrain)
    }

    /// The losses, sums of squares of the residuals, each in one fixed order; the test loss only with
    /// `test` (its residuals are stale otherwise).
    func updateLosses(test: Bool = true) {
        trainLoss = Scalar.dot(nTrain, f, 1, f, 1)
        if test { testLoss = nTest > 0 ? Scalar.dot(nTest, f + nTrain, 1, f + nTrain, 1) : 0 }
    }

    /// For neuron block b = J: the gradient's entries of W[:, J], a_J, and γ_J for the normalized network,
    /// overwriting H's training rows of J with ∂L/∂Z.
    func backpropagate(_ theta: UnsafePointer<Scalar>, into grad: UnsafeMutablePointer<Scalar>, neuronBlock b: Int) {
        let J = neuronBlocks[b]
        guard !J.isEmpty else { return }
        let floor = Scalar(normalizationFloor)
        let a = theta + d * m, gradA = grad + d * m
        // H and ∂L/∂Z share the buffer: each entry is read, then overwritten.
        let G = z, H = UnsafePointer(z), R = UnsafePointer(f)
        switch kind {
        case .plain, .skip:
            // ∂L/∂a = Hᵀ(2r).
            Scalar.gemv(true, nTrain, J.count, 2, H + J.lowerBound * rows, rows, R, 1, 0, gradA + J.lowerBound, 1)
            // ∂L/∂Z = 1[Z > 0] ⊙ (2r aᵀ).
            for j in J {
                let aj = 2 * a[j], hj = H + j * rows, gj = G + j * rows
                // Multiply by a 0/1 select so the loop has no branch (LLVM will not if-convert a
                // conditional load of R[i]) and vectorizes.
                for i in 0..<nTrain {
                    let active: Scalar = hj[i] > 0 ? 1 : 0
                    gj[i] = active * (aj * R[i])
                }
            }
        case .normalized:
            let gamma = a + m, gradGamma = gradA + m
            // p_j = N_jᵀ(2r) = h_jᵀ(2r) / c_j.
            Scalar.gemv(true, nTrain, J.count, 2, H + J.lowerBound * rows, rows, R, 1, 0, p + J.lowerBound, 1)
            for j in J {
                let c = max(normTrain[j], floor)
                p[j] /= c
                gradA[j] = gamma[j] * p[j]
                gradGamma[j] = a[j] * p[j]
                // ∂L/∂h_j = b_j (2r) − e_j h_j with b_j = a_jγ_j/c_j and, off the floor, e_j = b_j p_j / c_j
                // (the norm's own derivative); on the floor max() is constant in ‖h_j‖ and e_j = 0.
                let bj = 2 * coefTrain[j]
                let ej = normTrain[j] >= floor ? coefTrain[j] * p[j] / c : 0
                let hj = H + j * rows, gj = G + j * rows
                for i in 0..<nTrain {
                    let v = hj[i]
                    let active: Scalar = v > 0 ? 1 : 0
                    gj[i] = active * (bj * R[i] - ej * v)
                }
            }
        }
        // ∂L/∂W[:, J] = Xᵀ ∂L/∂Z[:, J].
        Scalar.gemm(true, false, d, J.count, nTrain, 1, x, rows, G + J.lowerBound * rows, rows, 0,
                    grad + J.lowerBound * d, d)
    }

    /// The skip branch's gradient entries: ∂L/∂w₀ = 2α₀ Xᵀr and ∂L/∂α₀ = 2 w₀ᵀXᵀr. Nothing for the
    /// other networks.
    func backpropagateSkipBranch(_ theta: UnsafePointer<Scalar>, into grad: UnsafeMutablePointer<Scalar>) {
        guard kind == .skip else { return }
        let w0 = theta + d * m + m, alpha0 = w0[d], gradW0 = grad + d * m + m
        Scalar.gemv(true, nTrain, d, 2, x, rows, f, 1, 0, gradW0, 1)
        gradW0[d] = Scalar.dot(d, w0, 1, gradW0, 1)
        Scalar.scal(d, alpha0, gradW0, 1)
    }
}
