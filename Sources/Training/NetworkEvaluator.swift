import LinearAlgebra

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
final class NetworkEvaluator<Scalar: BLASScalar> {
    let kind: NetworkKind
    let d: Int, m: Int
    let nTrain: Int, nTest: Int
    /// nTrain + nTest: the leading dimension of `x` and `z`.
    let rows: Int

    /// [X; X_test], column-major rows×d.
    private var x: [Scalar]
    /// [y; y_test].
    private var y: [Scalar]
    /// Z = X W, then H = Z_+ in place, then (training rows) ∂L/∂Z in place during `backward`.
    /// The ReLU is `max(z, 0)` and the masks multiply by a 0/1 select: both vectorize, where
    /// `z > 0 ? z : 0` in place compiles to a conditional store, one mispredicted branch per entry.
    private var z: [Scalar]
    /// Outputs, then residuals r = f − y.
    private var f: [Scalar]
    /// Normalized network: column norms ‖h_j‖ on training and test rows, and the output coefficients
    /// a_j γ_j / max(‖h_j‖, floor) for each.
    private var normTrain: [Scalar], normTest: [Scalar]
    private var coefTrain: [Scalar], coefTest: [Scalar]
    /// Normalized network: p_j = N_jᵀ (2r).
    private var p: [Scalar]

    /// How the elementwise passes are split over threads.
    var threads = ElementwiseThreads(1)

    /// Losses of the last `forward`.
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

        x = [Scalar](repeating: 0, count: rows * d)
        let (nTrain, nTest, rows, d) = (nTrain, nTest, rows, d)
        x.withUnsafeMutableBufferPointer { stacked in
            X.storage.withUnsafeBufferPointer {
                Scalar.omatcopy(false, nTrain, d, 1, $0.baseAddress!, nTrain, stacked.baseAddress!, rows)
            }
            if let XTest, nTest > 0 {
                XTest.storage.withUnsafeBufferPointer {
                    Scalar.omatcopy(false, nTest, d, 1, $0.baseAddress!, nTest, stacked.baseAddress! + nTrain, rows)
                }
            }
        }
        var stacked = y
        stacked.append(contentsOf: yTest ?? [])
        self.y = stacked
        z = [Scalar](repeating: 0, count: rows * m)
        f = [Scalar](repeating: 0, count: rows)
        normTrain = [Scalar](repeating: 0, count: m)
        normTest = normTrain
        coefTrain = normTrain
        coefTest = normTrain
        p = normTrain
    }

    /// Outputs and losses at `theta` on both sets; leaves H and the residuals for `backward`.
    func forward(_ theta: UnsafePointer<Scalar>) {
        let rows = rows, m = m, d = d, nTrain = nTrain, nTest = nTest, kind = kind
        let floor = Scalar(normalizationFloor)
        x.withUnsafeBufferPointer { xb in
        z.withUnsafeMutableBufferPointer { zb in
        f.withUnsafeMutableBufferPointer { fb in
        y.withUnsafeBufferPointer { yb in
            let X = xb.baseAddress!, H = zb.baseAddress!, F = fb.baseAddress!, Y = yb.baseAddress!
            let a = theta + d * m
            // Z = X W, then H = Z_+ in place.
            Scalar.gemm(false, false, rows, m, d, 1, X, rows, theta, d, 0, H, rows)
            nonisolated(unsafe) let activations = H
            threads.forEachChunk(of: rows * m) { range in
                for k in range { activations[k] = Swift.max(activations[k], 0) }
            }

            switch kind {
            case .plain, .skip:
                Scalar.gemv(false, rows, m, 1, H, rows, a, 1, 0, F, 1)
                if kind == .skip {
                    let w0 = theta + d * m + m, alpha0 = w0[d]
                    Scalar.gemv(false, rows, d, alpha0, X, rows, w0, 1, 1, F, 1)
                }
            case .normalized:
                let gamma = theta + d * m + m
                normTrain.withUnsafeMutableBufferPointer { sTr in
                normTest.withUnsafeMutableBufferPointer { sTe in
                coefTrain.withUnsafeMutableBufferPointer { cTr in
                coefTest.withUnsafeMutableBufferPointer { cTe in
                    // ‖h_j‖ as √(h_jᵀh_j), unscaled as PyTorch's norm (and cheaper than nrm2's scaling);
                    // squares underflow only for entries below ~1e-19 in Float, whose norm is on the floor anyway.
                    for j in 0..<m {
                        let column = H + j * rows
                        sTr[j] = Scalar.dot(nTrain, column, 1, column, 1).squareRoot()
                        cTr[j] = a[j] * gamma[j] / max(sTr[j], floor)
                        if nTest > 0 {
                            sTe[j] = Scalar.dot(nTest, column + nTrain, 1, column + nTrain, 1).squareRoot()
                            cTe[j] = a[j] * gamma[j] / max(sTe[j], floor)
                        }
                    }
                    Scalar.gemv(false, nTrain, m, 1, H, rows, cTr.baseAddress!, 1, 0, F, 1)
                    if nTest > 0 {
                        Scalar.gemv(false, nTest, m, 1, H + nTrain, rows, cTe.baseAddress!, 1, 0, F + nTrain, 1)
                    }
                }}}}
            }
            // r = f − y; losses are sums of squares.
            Scalar.axpy(rows, -1, Y, 1, F, 1)
            trainLoss = Scalar.dot(nTrain, F, 1, F, 1)
            testLoss = nTest > 0 ? Scalar.dot(nTest, F + nTrain, 1, F + nTrain, 1) : 0
        }}}}
    }

    /// ∂L/∂θ of the training loss at the `theta` of the last `forward`, written to `grad`.
    /// Overwrites the training rows of H with ∂L/∂Z.
    func backward(_ theta: UnsafePointer<Scalar>, into grad: UnsafeMutablePointer<Scalar>) {
        let rows = rows, m = m, d = d, nTrain = nTrain, kind = kind
        let floor = Scalar(normalizationFloor)
        x.withUnsafeBufferPointer { xb in
        z.withUnsafeMutableBufferPointer { zb in
        f.withUnsafeBufferPointer { fb in
            // H and ∂L/∂Z share the buffer: each entry is read, then overwritten.
            let X = xb.baseAddress!, G = zb.baseAddress!, H = UnsafePointer(G), R = fb.baseAddress!
            let a = theta + d * m
            let gradA = grad + d * m
            switch kind {
            case .plain, .skip:
                // ∂L/∂a = Hᵀ(2r).
                Scalar.gemv(true, nTrain, m, 2, H, rows, R, 1, 0, gradA, 1)
                if kind == .skip {
                    // ∂L/∂w₀ = 2α₀ Xᵀr and ∂L/∂α₀ = 2 w₀ᵀXᵀr.
                    let w0 = a + m, alpha0 = w0[d], gradW0 = gradA + m
                    Scalar.gemv(true, nTrain, d, 2, X, rows, R, 1, 0, gradW0, 1)
                    gradW0[d] = Scalar.dot(d, w0, 1, gradW0, 1)
                    Scalar.scal(d, alpha0, gradW0, 1)
                }
                // ∂L/∂Z = 1[Z > 0] ⊙ (2r aᵀ).
                nonisolated(unsafe) let (a, H, G, R) = (a, H, G, R)
                threads.forEachChunk(of: m, entriesPerItem: nTrain) { columns in
                    for j in columns {
                        let aj = 2 * a[j], hj = H + j * rows, gj = G + j * rows
                        // Multiply by a 0/1 select so the loop has no branch (LLVM will not if-convert
                        // a conditional load of R[i]) and vectorizes.
                        for i in 0..<nTrain {
                            let active: Scalar = hj[i] > 0 ? 1 : 0
                            gj[i] = active * (aj * R[i])
                        }
                    }
                }
            case .normalized:
                let gamma = a + m, gradGamma = gradA + m
                normTrain.withUnsafeBufferPointer { s in
                coefTrain.withUnsafeBufferPointer { b in
                p.withUnsafeMutableBufferPointer { pb in
                    nonisolated(unsafe) let P = pb.baseAddress!
                    // p_j = N_jᵀ(2r) = h_jᵀ(2r) / c_j.
                    Scalar.gemv(true, nTrain, m, 2, H, rows, R, 1, 0, P, 1)
                    nonisolated(unsafe) let (a, gamma, gradA, gradGamma, H, G, R, s, b) =
                        (a, gamma, gradA, gradGamma, H, G, R, s, b)
                    threads.forEachChunk(of: m, entriesPerItem: nTrain) { columns in
                    for j in columns {
                        let c = max(s[j], floor)
                        P[j] /= c
                        gradA[j] = gamma[j] * P[j]
                        gradGamma[j] = a[j] * P[j]
                        // ∂L/∂h_j = b_j (2r) − e_j h_j with b_j = a_jγ_j/c_j and, off the floor,
                        // e_j = b_j p_j / c_j (the norm's own derivative); on the floor max() is
                        // constant in ‖h_j‖ and e_j = 0.
                        let bj = 2 * b[j]
                        let ej = s[j] >= floor ? b[j] * P[j] / c : 0
                        let hj = H + j * rows, gj = G + j * rows
                        for i in 0..<nTrain {
                            let v = hj[i]
                            let active: Scalar = v > 0 ? 1 : 0
                            gj[i] = active * (bj * R[i] - ej * v)
                        }
                    }
                    }
                }}}
            }
            // ∂L/∂W = Xᵀ ∂L/∂Z.
            Scalar.gemm(true, false, d, m, nTrain, 1, X, rows, G, rows, 0, grad, d)
        }}}
    }

    /// Outputs f(X) (training rows first, then test rows) of the last `forward`.
    func outputs() -> [Scalar] { f.enumerated().map { $0.element + y[$0.offset] } }
}
