import Foundation
import LinearAlgebra
import Vocabulary

/// The three forms of each program (science §4).
public enum ProgramForm: String, Sendable, CaseIterable {
    /// Equality-constrained, no sign constraints: min Σ‖w‖ s.t. Σ A_i w_i = y.
    case relaxed
    /// Equality-constrained with the cone (2D_i − I)X w_i ≥ 0 on every w_i and v_i.
    case exact
    /// The exact form with the equality replaced by the loss ‖·‖² and the norms weighted by β.
    case approx
}

/// D_i X = U_i C_i with U_i an orthonormal basis of its column space, r_i = its numerical rank
/// (science §4, normalization), and M_i a right inverse of C_i, so that U_i = D_i X M_i. The
/// normalized programs depend on U_i only through its column space (‖w_i‖ and the cones are
/// invariant under an orthogonal change of basis), so any such basis gives the same programs; the
/// returned w_i are coordinates in this U_i. Well-conditioned patterns take U_i from the Cholesky
/// factor of their Gram matrix (`GramBasis`), the others from the compact SVD D_i X = U_i Σ_i V_iᵀ
/// truncated to numpy's `matrix_rank` rule (C_i = Σ_i V_iᵀ, M_i = V_i Σ_i⁻¹).
///
/// A pattern with at least d rows factored through its Gram matrix keeps only L_i (d² numbers): U_i,
/// C_i and M_i are formed on request, and the products the dual checks and certificates need are
/// triangular solves. A solve that reads U_i in every iteration takes `materialized()` of the few
/// patterns it works on.
public struct PatternFactor: Sendable {
    /// The rows with D_i = 1, increasing: U_i is zero on every other row.
    public let rows: [Int]
    /// n, the row count of the full U_i.
    public let sampleCount: Int
    private let storage: Storage

    /// r_i. Forms a deferred factor.
    public var rank: Int {
        switch formed {
        case let .gram(_, basis): basis.rank
        case let .explicit(compactU, _, _): compactU.columns
        }
    }

    /// Whether U_i exists yet: false for a deferred factor not yet used.
    public var isFormed: Bool {
        guard case let .deferred(box) = storage else { return true }
        return box.isFormed
    }

    /// min(n_i, d) ≥ r_i, known without forming the factor.
    public var rankBound: Int {
        switch storage {
        case .formed: rank
        case let .deferred(box): min(rows.count, box.x.columns)
        }
    }

    /// Normalization programs with d at least this defer the factors of patterns with at least d rows
    /// to their first use: at (n, d) = (1850, 500) forming all 1,852 took 25.7 s of a 30.8 s relaxed
    /// solve and 4.5 GB, while the working set uses a few dozen of them and the dual checks of the
    /// others need no factor (PatternGramConjugateGradients.swift; 9.5 s and 0.62 GB deferred). The
    /// factors cost ~n²d²/2 per program, the checks ~20·n²d per round, so the checks win only at large
    /// d: at d = 200 sixty trials near the normalization boundary took 116 s of solve with every factor
    /// and 129 s deferred (one (730, 200) solve, away from it, 1.07 against 0.81 s). Below it the
    /// factors stay eager, so that every result there keeps its bits.
    public static let deferralDimension = 300

    /// The largest estimated cond(L_i) = cond(D_i X) of a pattern of rank r factored through its Gram
    /// matrix: U_i = D_i X L_i⁻ᵀ is orthonormal to about ε·cond², so cond ≤ √(10⁻¹²·r/ε) keeps
    /// ‖U_iᵀU_i − I‖_F near 10⁻¹² per column, as the SVD's (477 at r = 50, 674 at r = 100).
    static func gramBasisMaximumCondition(rank r: Int) -> Double { (1e-12 * Double(max(r, 1)) / Double.ulpOfOne).squareRoot() }

    private enum Storage: Sendable {
        case formed(Formed)
        /// Not formed yet: formed on first use, once.
        case deferred(DeferredPatternFactor)
    }

    private enum Formed: Sendable {
        /// X (the whole matrix, shared with the program) and the Gram basis of its `rows`.
        case gram(x: Matrix<Double>, basis: GramBasis)
        /// U_i on `rows` only (n_i×r_i), C_i and M_i.
        case explicit(compactU: Matrix<Double>, coordinateMap: Matrix<Double>, basis: Matrix<Double>)
    }

    /// The factor itself: a deferred one's, formed now if it was not.
    private var formed: Formed {
        switch storage {
        case let .formed(formed): formed
        case let .deferred(box): box.factor.formed
        }
    }

    public init(rows: [Int], compactU: Matrix<Double>, sampleCount: Int, coordinateMap: Matrix<Double>, basis: Matrix<Double>) {
        precondition(compactU.rows == rows.count && coordinateMap.rows == compactU.columns && basis.columns == compactU.columns
                     && coordinateMap.columns == basis.rows)
        self.rows = rows
        self.sampleCount = sampleCount
        storage = .formed(.explicit(compactU: compactU, coordinateMap: coordinateMap, basis: basis))
    }

    /// The factor of X's `rows` (at least d of them) from their Gram basis.
    private init(rows: [Int], x: Matrix<Double>, basis: GramBasis) {
        precondition(basis.isTall && basis.rank == x.columns && rows.count >= x.columns)
        self.rows = rows
        sampleCount = x.rows
        storage = .formed(.gram(x: x, basis: basis))
    }

    /// The factor of X's `rows` (at least d of them), formed on first use.
    public init(deferredRows rows: [Int], x: Matrix<Double>) {
        precondition(rows.count >= x.columns)
        self.rows = rows
        sampleCount = x.rows
        storage = .deferred(DeferredPatternFactor(rows: rows, x: x))
    }

    /// The factor of D_i X for the pattern whose D_i = 1 on `rows` (increasing), formed now.
    init(rows: [Int], of x: Matrix<Double>) throws {
        let n = x.rows, d = x.columns
        // The pattern's rows only (the other rows of D_i X are zero); U gets them back.
        let a = x.rows(rows)
        let m = rows.count
        // Orthonormal to about 1e-12 per entry, as the SVD's: a Gram basis whose L is worse
        // conditioned than `gramBasisMaximumCondition` (or rank deficiency, where the rank rule needs
        // the singular values) gives way to the SVD.
        if let fast = GramBasis(a, maximumCondition: PatternFactor.gramBasisMaximumCondition(rank: min(m, d))) {
            guard fast.isTall else {
                self.init(rows: rows, compactU: fast.q(of: a), sampleCount: n, coordinateMap: fast.coordinates(of: a),
                          basis: fast.rightInverse(of: a))
                return
            }
            self.init(rows: rows, x: x, basis: fast)
            return
        }
        let f = try SVD(a)
        // numpy's matrix_rank rule for the full n×d matrix D_i X.
        let r = f.rank(tolerance: (f.singularValues.first ?? 0) * Double(max(n, d)) * Double.ulpOfOne)
        var basis = Matrix<Double>(rows: d, columns: r), coordinates = Matrix<Double>(rows: r, columns: d)
        for k in 0..<r {
            for b in 0..<d {
                let vbk = f.vt.storage[k + b * f.vt.rows]
                basis[b, k] = vbk / f.singularValues[k]
                coordinates[k, b] = vbk * f.singularValues[k]
            }
        }
        self.init(rows: rows, compactU: Matrix(rows: m, columns: r, columnMajor: Array(f.u.storage.prefix(m * r))),
                  sampleCount: n, coordinateMap: coordinates, basis: basis)
    }

    /// The same factor with U_i, C_i and M_i formed and kept. A deferred factor keeps them itself, so
    /// that the working set's later rounds, which solve on the same patterns and more, find them.
    public func materialized() -> PatternFactor {
        if case let .deferred(box) = storage {
            box.materialize()
            return self
        }
        guard case .gram = formed else { return self }
        return PatternFactor(rows: rows, compactU: compactU, sampleCount: sampleCount, coordinateMap: coordinateMap, basis: basis)
    }

    /// The lower triangle of U_iU_iᵀ on the pattern's rows, packed by columns, from `make`: computed
    /// once for a deferred factor (the working set's rounds), on every call for any other.
    func packedProjector(_ make: () -> [Double]) -> [Double] {
        guard case let .deferred(box) = storage else { return make() }
        return box.packedProjector(make)
    }

    /// U_i on `rows` only (n_i×r_i, orthonormal columns). The full n×r_i matrices of all p patterns
    /// would hold n·d·p numbers (2 GB at (n, d) = (1000, 250)).
    public var compactU: Matrix<Double> {
        switch formed {
        case let .gram(x, basis): basis.q(of: x.rows(rows))
        case let .explicit(compactU, _, _): compactU
        }
    }

    /// C_i (r_i×d): D_i X = U_i C_i, so C_i w is neuron w's output on X in U_i's coordinates.
    public var coordinateMap: Matrix<Double> {
        switch formed {
        case let .gram(_, basis): basis.cholesky.transposed()
        case let .explicit(_, coordinateMap, _): coordinateMap
        }
    }

    /// M_i (d×r_i): U_i = D_i X M_i, so M_i w_i is the neuron of block w_i.
    public var basis: Matrix<Double> {
        switch formed {
        case let .gram(_, basis): basis.choleskyInverseTransposed
        case let .explicit(_, _, basis): basis
        }
    }

    /// M_i w (d numbers): the neuron of block w.
    public func basisTimes(_ w: [Double]) -> [Double] {
        switch formed {
        case let .gram(_, basis): basis.solve(w, transposed: true)
        case let .explicit(_, _, basis): basis.times(w)
        }
    }

    /// M_iᵀ g (r_i numbers) for g in R^d: for g = Xᵀ D_i v, the coordinates U_iᵀ v.
    public func basisTransposeTimes(_ g: [Double]) -> [Double] {
        switch formed {
        case let .gram(_, basis): basis.solve(g, transposed: false)
        case let .explicit(_, _, basis): basis.times(g, .transpose)
        }
    }

    /// U_i, n×r_i with orthonormal columns and zeros outside the pattern, built on each call.
    public var u: Matrix<Double> {
        let n = sampleCount, m = rows.count, r = rank
        var full = [Double](repeating: 0, count: n * r)
        compactU.storage.withUnsafeBufferPointer { c in
            for k in 0..<r { for (kk, row) in rows.enumerated() { full[k * n + row] = c[k * m + kk] } }
        }
        return Matrix(rows: n, columns: r, columnMajor: full)
    }

    /// U_iᵀ v for an n-vector v, with no n×r_i matrix built, as `u` does: from the pattern's rows of
    /// U_i, or as M_iᵀXᵀD_i v for a factor that keeps only L_i.
    public func transposeTimes(_ v: [Double]) -> [Double] {
        precondition(v.count == sampleCount, "U_iᵀ v needs \(sampleCount) numbers")
        switch formed {
        case let .gram(x, basis):
            // U_iᵀ v = M_iᵀ Xᵀ D_i v.
            var masked = [Double](repeating: 0, count: sampleCount)
            for k in rows { masked[k] = v[k] }
            return basis.solve(x.times(masked, .transpose), transposed: false)
        case let .explicit(compactU, _, _):
            return compactU.times(rows.map { v[$0] }, .transpose)
        }
    }

    /// U_i w (n numbers, zero outside the pattern's rows).
    public func times(_ w: [Double]) -> [Double] {
        let onRows: [Double]
        switch formed {
        case let .gram(x, basis): onRows = x.rows(rows).times(basis.solve(w, transposed: true))
        case let .explicit(compactU, _, _): onRows = compactU.times(w)
        }
        var out = [Double](repeating: 0, count: sampleCount)
        for (k, value) in zip(rows, onRows) { out[k] = value }
        return out
    }

    /// ŵ of science §7 for a planted neuron w (d numbers): C w / ‖C w‖, so U ŵ is the neuron's
    /// normalized output on X. Nil when C w vanishes.
    public func normalizedCoordinates(of neuron: [Double]) -> [Double]? {
        let c: [Double]
        switch formed {
        case let .gram(_, basis): c = basis.transposeTimes(neuron)
        case let .explicit(_, coordinateMap, _): c = coordinateMap.times(neuron)
        }
        let norm = c.norm
        return norm > 0 ? c.scaled(by: 1 / norm) : nil
    }
}

/// A pattern factor formed on first use, once, whichever thread asks first.
final class DeferredPatternFactor: @unchecked Sendable {
    let rows: [Int]
    let x: Matrix<Double>
    private let lock = NSLock()
    private var value: PatternFactor?
    private var projector: [Double]?

    init(rows: [Int], x: Matrix<Double>) {
        self.rows = rows
        self.x = x
    }

    var isFormed: Bool { lock.withLock { value != nil } }

    /// Replaces the factor by its materialized form (U_i, C_i, M_i kept).
    func materialize() {
        let materialized = factor.materialized()
        lock.withLock { value = materialized }
    }

    /// `make` runs outside the lock: it reads the factor, which takes the lock.
    func packedProjector(_ make: () -> [Double]) -> [Double] {
        if let known = lock.withLock({ projector }) { return known }
        let made = make()
        lock.withLock { projector = made }
        return made
    }

    var factor: PatternFactor {
        lock.withLock {
            if let value { return value }
            // The Gram route fails only on rank deficiency or a poor condition, and then the SVD
            // decides; LAPACK's SVD of finite data (the program was validated) does not fail to converge
            // in practice, and a deferred factor has no caller left to hand an error to.
            guard let formed = try? PatternFactor(rows: rows, of: x) else {
                preconditionFailure("the SVD of D_i X failed for a pattern of \(rows.count) rows")
            }
            value = formed
            return formed
        }
    }
}

/// One convex program of science §4, as the experiments build it.
public struct ConvexProgram: Sendable {
    public let architecture: NetworkKind
    public let form: ProgramForm
    /// n×d data, rows are samples.
    public let X: Matrix<Double>
    /// n labels.
    public let y: [Double]
    /// n×p of zeros and ones: column i is the diagonal of D_i.
    public let patterns: Matrix<Double>
    /// Weight of the norms in the approx form (science §4 default 1e-6); ignored otherwise.
    public let beta: Double
    /// Optional weight of each pattern's norm terms (‖w_i‖ and ‖v_i‖; w₀ keeps weight 1), so the
    /// objective becomes Σ c_i‖w_i‖: a tiny weight above 1 on some blocks breaks a tie among
    /// minimizers (science §10) away from them. Nil: every weight is 1, the programs of science §4.
    public var patternWeights: [Double]?

    /// c_i, the weight of pattern i's norm terms.
    public func patternWeight(_ i: Int) -> Double { patternWeights?[i] ?? 1 }

    /// The sign rows kept for each pattern's blocks, n×p of zeros and ones like `patterns` (row k of
    /// pattern i's cone (2D_i − I)X w ≥ 0 is kept where it is 1); nil keeps them all. A program with
    /// rows left out is a relaxation of the whole one: the sign-row working set
    /// (SignRowWorkingSet.swift) solves it and checks the rows it left out.
    var signRowMask: Matrix<Double>?

    /// The rows of pattern i's cone that the program keeps, increasing; nil when it keeps all n.
    func keptSignRows(of i: Int) -> [Int]? {
        guard let signRowMask else { return nil }
        return (0..<n).filter { signRowMask.storage[i * n + $0] != 0 }
    }

    /// The same program on the patterns `members` only (a working set): their columns of D and
    /// their weights (and of the sign-row mask), the other blocks fixed at zero.
    func restricted(to members: [Int]) -> ConvexProgram {
        var restricted = ConvexProgram(architecture: architecture, form: form, X: X, y: y,
                                       patterns: patterns.columns(members), beta: beta)
        restricted.patternWeights = patternWeights.map { w in members.map { w[$0] } }
        restricted.signRowMask = signRowMask?.columns(members)
        return restricted
    }

    public init(architecture: NetworkKind, form: ProgramForm, X: Matrix<Double>, y: [Double],
                patterns: Matrix<Double>, beta: Double = 1e-6) {
        self.architecture = architecture
        self.form = form
        self.X = X
        self.y = y
        self.patterns = patterns
        self.beta = beta
    }

    public var n: Int { X.rows }
    public var d: Int { X.columns }
    public var p: Int { patterns.columns }

    /// Why the data cannot define a program, or nil. `solve` reports this as `.invalidInput`.
    public var validationError: String? {
        if n == 0 || d == 0 { return "X is empty (\(n)×\(d))" }
        if y.count != n { return "y has \(y.count) entries but X has \(n) rows" }
        if p == 0 { return "the pattern set D is empty" }
        if patterns.rows != n { return "patterns have \(patterns.rows) rows but X has \(n) rows" }
        if !X.storage.allSatisfy({ $0.isFinite }) { return "X has a NaN or infinite entry" }
        if !y.allSatisfy({ $0.isFinite }) { return "y has a NaN or infinite entry" }
        if !patterns.storage.allSatisfy({ $0 == 0 || $0 == 1 }) { return "D has an entry other than 0 or 1" }
        if form == .approx && !(beta > 0 && beta.isFinite) { return "beta must be positive and finite, is \(beta)" }
        if let weights = patternWeights, weights.count != p || !weights.allSatisfy({ $0 > 0 && $0.isFinite }) {
            return "patternWeights needs \(p) positive finite numbers, one per pattern"
        }
        return nil
    }

    /// The factors (U_i, C_i, M_i) of every pattern, of numerical rank r_i (numpy's `matrix_rank`
    /// rule, as the fixtures' `ranks`). For `normalized` programs these define the coordinates of
    /// the returned w_i. From d = `PatternFactor.deferralDimension` on, the factors of patterns with
    /// at least d rows are formed on first use (the same factors, later).
    public func patternFactors() throws -> [PatternFactor] {
        let defers = d >= PatternFactor.deferralDimension
        return try (0..<p).map { i in
            let rows = patternRowIndices(i)
            return defers && rows.count >= d ? PatternFactor(deferredRows: rows, x: X) : try PatternFactor(rows: rows, of: X)
        }
    }

    /// The rows of pattern i (D_i = 1), increasing, and those rows of X: D_i X without its zero rows.
    public func patternRows(_ i: Int) -> (rows: [Int], x: Matrix<Double>) {
        let rows = patternRowIndices(i)
        return (rows, X.rows(rows))
    }

    /// The rows of pattern i (D_i = 1), increasing.
    public func patternRowIndices(_ i: Int) -> [Int] {
        (0..<n).filter { patterns.storage[i * n + $0] != 0 }
    }

    /// The factor of pattern i alone (`patternFactors` for one pattern, formed now).
    public func patternFactor(_ i: Int) throws -> PatternFactor {
        try PatternFactor(rows: patternRowIndices(i), of: X)
    }

    /// The network of science §4 "Mapping a solution back" evaluated on new data (rows of `xTest`):
    /// skip/plain: X w₀ + Σ[(X w_i)_+ − (X v_i)_+]. For `normalized` each block is the neuron
    /// u_i = M_i w_i with output weight ‖w_i‖ behind a normalization layer evaluated on
    /// `xTest` itself: Σ ‖w_i‖ (X u_i)_+ / ‖(X u_i)_+‖ − (the same for v_i); on the training X this
    /// reproduces Σ U_i (w_i − v_i) whenever the cones hold.
    public func networkOutput(_ result: SolverResult, on xTest: Matrix<Double>,
                              factors: [PatternFactor]? = nil) throws -> [Double] {
        precondition(xTest.columns == d, "test data must have d = \(d) columns")
        var out = [Double](repeating: 0, count: xTest.rows)
        if let w0 = result.w0 { out.add(xTest.times(w0)) }
        let fs = architecture == .normalized ? try (factors ?? patternFactors()) : nil
        func addNeurons(_ blocks: [[Double]], sign: Double) {
            // A zero neuron adds nothing, and a working-set minimizer is zero outside its few
            // patterns: skipping them saved 16 % of a d = 500 boundary probe.
            for (i, wi) in blocks.enumerated() where wi.contains(where: { $0 != 0 }) {
                var u = wi
                if let f = fs?[i] { u = f.basisTimes(u) }
                var z = xTest.times(u)
                for k in z.indices { z[k] = max(z[k], 0) }
                var weight = sign
                if fs != nil {
                    let nz = z.norm
                    guard nz > 0 else { continue }
                    weight *= wi.norm / nz
                }
                out.add(z, scaledBy: weight)
            }
        }
        addNeurons(result.w, sign: 1)
        if let v = result.v { addNeurons(v, sign: -1) }
        return out
    }
}
