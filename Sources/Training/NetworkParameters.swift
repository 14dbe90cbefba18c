import LinearAlgebra
import Vocabulary

/// All trainable numbers of one network in a single flat vector, so the optimizer is one
/// elementwise pass and weight decay one BLAS `scal`.
///
/// Layout of `values` (d = input dimension, m = width):
///
/// | range | parameter |
/// | --- | --- |
/// | `0 ..< d·m` | W, d×m column-major: column j is neuron j's input weights (PyTorch's weight row j) |
/// | `d·m ..< d·m + m` | a, the output weights |
/// | skip: next d, then 1 | w₀, then α₀ |
/// | normalized: next m | γ |
public struct NetworkParameters<Scalar: BLASScalar>: Sendable, Equatable {
    public let kind: NetworkKind
    public let inputDimension: Int
    public let width: Int
    public var values: [Scalar]

    /// Number of parameters of a network of this shape.
    public static func count(kind: NetworkKind, inputDimension d: Int, width m: Int) -> Int {
        switch kind {
        case .plain: return d * m + m
        case .skip: return d * m + m + d + 1
        case .normalized: return d * m + 2 * m
        }
    }

    public init(kind: NetworkKind, inputDimension: Int, width: Int, values: [Scalar]) {
        precondition(inputDimension > 0 && width > 0, "dimension and width must be positive")
        precondition(values.count == Self.count(kind: kind, inputDimension: inputDimension, width: width),
                     "a \(kind) network with d = \(inputDimension), m = \(width) has "
                     + "\(Self.count(kind: kind, inputDimension: inputDimension, width: width)) parameters, got \(values.count)")
        self.kind = kind
        self.inputDimension = inputDimension
        self.width = width
        self.values = values
    }

    /// Assembles a network from its pieces. `w0`/`alpha0` are used only by `.skip`, `gamma` only
    /// by `.normalized` (default: all ones).
    public init(kind: NetworkKind, W: Matrix<Scalar>, a: [Scalar], w0: [Scalar] = [], alpha0: Scalar = 0,
                gamma: [Scalar]? = nil) {
        let d = W.rows, m = W.columns
        precondition(a.count == m, "a must have \(m) entries")
        // append(contentsOf:) rather than `+`: LinearAlgebra may define `+` on arrays elementwise.
        var values = W.storage
        values.append(contentsOf: a)
        switch kind {
        case .plain: break
        case .skip:
            precondition(w0.count == d, "w0 must have \(d) entries")
            values.append(contentsOf: w0)
            values.append(alpha0)
        case .normalized:
            let g = gamma ?? [Scalar](repeating: 1, count: m)
            precondition(g.count == m, "gamma must have \(m) entries")
            values.append(contentsOf: g)
        }
        self.init(kind: kind, inputDimension: d, width: m, values: values)
    }

    /// PyTorch's `nn.Linear` initialization (every weight uniform on ±1/√fan_in, science §5), drawn
    /// from `rng` in this order: W neuron by neuron (fan_in d), a (fan_in m), then for skip w₀
    /// (fan_in d) and α₀ (fan_in 1). γ starts at 1 and draws nothing.
    ///
    /// A uniform is `(next() >> 11) · 2⁻⁵³` in Double, mapped to [−b, b) and then rounded to
    /// `Scalar`, so Float and Double networks from the same stream agree to Float rounding.
    public static func pytorchInitialized(kind: NetworkKind, inputDimension d: Int, width m: Int,
                                          using rng: inout some RandomNumberGenerator) -> NetworkParameters {
        var values: [Scalar] = []
        values.reserveCapacity(count(kind: kind, inputDimension: d, width: m))
        func draw(_ count: Int, fanIn: Int) {
            let bound = 1 / Double(fanIn).squareRoot()
            for _ in 0..<count {
                let u = Double(rng.next() >> 11) * 0x1p-53
                values.append(Scalar(-bound + 2 * bound * u))
            }
        }
        draw(d * m, fanIn: d)
        draw(m, fanIn: m)
        switch kind {
        case .plain: break
        case .skip:
            draw(d, fanIn: d)
            draw(1, fanIn: 1)
        case .normalized:
            values.append(contentsOf: repeatElement(1, count: m))
        }
        return NetworkParameters(kind: kind, inputDimension: d, width: m, values: values)
    }

    // MARK: Views (copies) of the pieces

    /// d×m hidden-layer weights.
    public var W: Matrix<Scalar> {
        Matrix(rows: inputDimension, columns: width, columnMajor: Array(values[0..<(inputDimension * width)]))
    }

    public var a: [Scalar] { Array(values[offsetA..<(offsetA + width)]) }

    /// The skip branch's linear weights (empty unless `.skip`).
    public var w0: [Scalar] {
        kind == .skip ? Array(values[offsetB..<(offsetB + inputDimension)]) : []
    }

    /// The skip branch's scalar output weight (0 unless `.skip`).
    public var alpha0: Scalar { kind == .skip ? values[offsetB + inputDimension] : 0 }

    /// The normalization layer's scales (empty unless `.normalized`).
    public var gamma: [Scalar] { kind == .normalized ? Array(values[offsetB..<(offsetB + width)]) : [] }

    /// α₀ w₀, the linear neuron the skip network learned (compared with w* by `dis_abs`).
    public var effectiveLinearWeight: [Scalar] { w0.scaled(by: alpha0) }

    /// The entries of `values` that belong to neurons J: W's columns J, a_J and (normalized) γ_J.
    func entries(ofNeurons J: Range<Int>) -> [Range<Int>] {
        let d = inputDimension
        var entries = [(J.lowerBound * d)..<(J.upperBound * d), (offsetA + J.lowerBound)..<(offsetA + J.upperBound)]
        if kind == .normalized { entries.append((offsetB + J.lowerBound)..<(offsetB + J.upperBound)) }
        return entries
    }

    /// The skip branch's entries, w₀ then α₀ (empty for the other networks).
    var skipBranchEntries: Range<Int> { kind == .skip ? offsetB..<values.count : values.count..<values.count }

    var offsetA: Int { inputDimension * width }
    /// Start of w₀ (skip) or γ (normalized).
    var offsetB: Int { inputDimension * width + width }
}
