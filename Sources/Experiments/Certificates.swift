import Instances
import LinearAlgebra
import Solver
import Vocabulary

/// Every tolerance of the certified outcomes (science §10), in one place. README "Ties" derives
/// what each one guarantees.
public enum CertificateTolerances {
    /// The planted point counts as feasible when ‖Σ A_i x*_i − y‖ and the most negative entry of its
    /// sign constraints are at most this times ‖y‖ (relative, so the verdict does not depend on the
    /// units of y: Solver/README.md "Scale").
    public static let feasibility = 1e-8
    /// The planted point counts as optimal when the certified lower bound reaches
    /// R* − optimality · R* (relative, like `feasibility`). Ten times the solver's reduced stopping tolerance (1e-7).
    public static let optimality = 1e-6
    /// The minimizer counts as unique only when every block outside the planted support has dual
    /// norm at most 1 − margin. Measured margins (README "Ties") are ≤ 1e-7 on the blocks that carry
    /// a tie's face and ≥ 1e-3 elsewhere.
    public static let margin = 1e-5
}

/// The planted weights as a point of a program (science §7, §10): w₀ = w* (skip, planted linear) or
/// one block per planted pattern (w_{s_j} = w_j, w_j/‖(X w_j)_+‖, or ŵ_j in the U basis), in the
/// w slot of signed forms.
public struct PlantedPoint: Sendable {
    /// w₀; nil when the network has no skip weight or the planted model puts nothing there.
    public var skip: [Double]?
    /// Pattern index → the block's weights, in the program's coordinates.
    public var blocks: [Int: [Double]]

    public init(skip: [Double]?, blocks: [Int: [Double]] = [:]) {
        self.skip = skip
        self.blocks = blocks
    }

    /// The planted point of `instance` in the program of `spec`, or nil when the planted model has
    /// no representation in the learned network's blocks (science §10 covers these combinations).
    init?(spec: ExperimentSpec, instance: Instance, factors: [PatternFactor]?) {
        guard let patterns = instance.patterns else { return nil }
        blocks = [:]
        switch (spec.planted, spec.learned) {
        case (.linear, .skip):
            skip = instance.planted.column(0)
        case (.linear, _):
            return nil
        case (_, .normalized):
            guard let factors, patterns.plantedPatterns.count == instance.planted.columns else { return nil }
            for (j, s) in patterns.plantedPatterns.enumerated() {
                let neuron = instance.planted.column(j)
                // ŵ_j for normalized neurons; C w_j (no normalization) for plain ones.
                let coordinates = spec.planted == .normalized
                    ? factors[s].normalizedCoordinates(of: neuron)
                    : factors[s].coordinateMap.times(neuron)
                guard let coordinates else { return nil }
                blocks[s] = blocks[s].map { $0.adding(coordinates) } ?? coordinates
            }
        case (_, _):
            guard patterns.plantedPatterns.count == instance.planted.columns else { return nil }
            for (j, s) in patterns.plantedPatterns.enumerated() {
                var neuron = instance.planted.column(j)
                if spec.planted == .normalized {
                    let active = instance.X.times(neuron).map { max($0, 0) }.norm
                    guard active > 0 else { return nil }
                    neuron.scale(by: 1 / active)
                }
                blocks[s] = blocks[s].map { $0.adding(neuron) } ?? neuron
            }
        }
    }
}

/// The certificates of science §10 for one program with a planted point, computed densely from the
/// program, the planted point and the solver's dual (λ, and the sign multipliers μ of exact forms),
/// never from the iteration's own residuals.
///
/// Every block j of the program (w₀, each w_i, each v_i) has matrix A_j (X, ±D_iX or ±U_i) and, in
/// exact forms, sign constraints S_j x ≥ 0 with S_j = (2D_i − I)X (times V_iΣ_i⁻¹ for
/// normalization). For any λ and any μ_j ≥ 0, c_j = ‖A_jᵀλ + S_jᵀμ_j‖ bounds λᵀA_j x ≤ c_j‖x‖ on
/// the block's cone, so λ/max_j c_j is dual feasible and R_opt ≥ yᵀλ / max_j c_j.
public struct PlantedCertificate: Sendable {
    /// R*: the objective of the planted point.
    public var plantedObjective: Double
    /// max(‖Σ A_i x*_i − y‖, sign violation) / ‖y‖.
    public var plantedInfeasibility: Double
    /// yᵀλ / max_j c_j (0 when that is negative): every feasible point costs at least this.
    public var lowerBound: Double
    /// max_j c_j, the factor that made λ dual feasible.
    public var dualScale: Double
    /// 1 − max over blocks outside the planted support of c_j / max_j c_j (1 when there are none).
    public var margin: Double
    /// Whether the planted blocks' outputs A_s x*_s are linearly independent (numpy's rank rule).
    public var outputsIndependent: Bool
    /// Whether the solver's own point, feasible to 1e-6, costs less than R* − optimality tolerance.
    public var optimumBelowPlanted: Bool
    /// c_j / max_j c_j of every block in the solver's order (w₀, the w_i, then the v_i; blocks with
    /// D_i X = 0 left out), so a test can compare it with the solver's weights.
    public var scaledDualNorms: [Double]

    /// The planted point is feasible and no feasible point is cheaper (to the tolerances).
    public var plantedOptimal: Bool {
        plantedInfeasibility <= CertificateTolerances.feasibility
            && lowerBound >= plantedObjective - CertificateTolerances.optimality * plantedObjective
    }

    /// Planted optimal, strict dual feasibility off its support and independent planted outputs:
    /// then every minimizer vanishes off the support (strictness) and is the planted point on it
    /// (midpoint argument, README "Ties").
    public var unique: Bool {
        plantedOptimal && margin >= CertificateTolerances.margin && outputsIndependent
    }

    /// The three per-trial metrics and the tie indicator.
    public var record: TrialRecord {
        [.plantedOptimal: plantedOptimal ? 1 : 0, .unique: unique ? 1 : 0, .tie: plantedOptimal && !unique ? 1 : 0,
         .certificateMargin: margin]
    }

    /// The certificate's numbers, for `--save_details`.
    public var json: JSONText {
        .object([("planted_objective", .number(plantedObjective)), ("planted_infeasibility", .number(plantedInfeasibility)),
                 ("lower_bound", .number(lowerBound)), ("dual_scale", .number(dualScale)), ("margin", .number(margin)),
                 ("outputs_independent", .bool(outputsIndependent)), ("optimum_below_planted", .bool(optimumBelowPlanted)),
                 ("planted_optimal", .bool(plantedOptimal)), ("unique", .bool(unique))])
    }

    /// - Parameters:
    ///   - factors: the pattern factors of a normalized program.
    ///   - lambda: the solver's dual of the coupling rows.
    ///   - signMultipliers: the solver's μ (exact forms): 2p vectors, w blocks then v blocks.
    ///   - solverObjective, solverResidual: the solver's point, for `optimumBelowPlanted`.
    public init?(program: ConvexProgram, factors: [PatternFactor]?, planted: PlantedPoint, lambda: [Double],
                 signMultipliers: [[Double]]?, solverObjective: Double, solverResidual: Double) {
        let n = program.n, p = program.p
        guard program.form != .approx, lambda.count == n, lambda.allSatisfy(\.isFinite) else { return nil }
        if program.architecture == .normalized && factors == nil { return nil }
        let signed = program.form == .exact
        let patterns = program.patterns.storage  // column i at i·n
        func pattern(_ i: Int) -> ArraySlice<Double> { patterns[(i * n)..<((i + 1) * n)] }

        // Dual norms c_j of every block (divided by the block's weight in the objective), and whether
        // the block lies in the planted support.
        func weight(_ i: Int) -> Double { program.patternWeight(i) }
        var dualNorms: [(norm: Double, onSupport: Bool)] = []
        if program.architecture == .skip {
            dualNorms.append((program.X.times(lambda, .transpose).norm, planted.skip != nil))
        }
        // Columns σ D_i λ + (2D_i − I) μ (skip, plain) or (2D_i − I) μ (normalized, then mapped by
        // Σ_i⁻¹V_iᵀ), for w blocks then v blocks; Xᵀ of all of them is one product.
        let passes = signed ? [1.0, -1.0] : [1.0]
        var columns = Matrix<Double>(rows: n, columns: passes.count * p)
        for (pass, sign) in passes.enumerated() {
            for i in 0..<p {
                let mu = signed ? (signMultipliers?[pass * p + i] ?? []) : []
                let d = pattern(i)
                for (row, dRow) in d.enumerated() {
                    var value = program.architecture == .normalized ? 0 : sign * dRow * lambda[row]
                    if row < mu.count { value += (2 * dRow - 1) * max(mu[row], 0) }
                    columns[row, pass * p + i] = value
                }
            }
        }
        let images = Matrix.product(program.X, columns, transA: .transpose)  // d × (passes·p)
        // Relaxed normalized blocks whose factors were never formed (from d = 300,
        // `PatternFactor.deferralDimension`, the working set forms only its own) are checked by the
        // solver's conjugate gradients, the largest norm exactly (`DualNormQuestion.largest`): the
        // margin needs no other.
        let unformedRatios = !signed && (factors?.contains { !$0.isFormed } ?? false)
            ? program.dualNormRatios(of: lambda, factors: factors, question: .largest) : nil
        for (pass, sign) in passes.enumerated() {
            for i in 0..<p {
                if let unformedRatios {
                    dualNorms.append((unformedRatios[i], planted.blocks[i] != nil))
                    continue
                }
                var g = images.column(pass * p + i)
                if let factors {
                    let f = factors[i]
                    guard f.rank > 0 else { continue }  // D_i X = 0: no block
                    let mapped = f.basisTransposeTimes(g)
                    g = signed ? mapped : [Double](repeating: 0, count: f.rank)
                    g.add(f.transposeTimes(lambda), scaledBy: sign)
                }
                dualNorms.append((g.norm / weight(i), pass == 0 && planted.blocks[i] != nil))
            }
        }
        let scale = dualNorms.map(\.norm).max() ?? 0
        guard scale > 0, scale.isFinite else { return nil }
        dualScale = scale
        scaledDualNorms = dualNorms.map { $0.norm / scale }
        lowerBound = max(0, program.y.dot(lambda)) / scale
        margin = 1 - (dualNorms.filter { !$0.onSupport }.map(\.norm).max() ?? 0) / scale

        // The planted point: objective, feasibility, and its blocks' outputs.
        var outputs: [[Double]] = []
        var violation = 0.0
        if let w0 = planted.skip, program.architecture == .skip { outputs.append(program.X.times(w0)) }
        for i in planted.blocks.keys.sorted() {
            let x = planted.blocks[i]!
            let d = Array(pattern(i))
            // The neuron's direction in R^d: x itself, or M_i x for normalization.
            let direction: [Double]
            if let factors {
                guard factors[i].rank == x.count else { return nil }
                direction = factors[i].basisTimes(x)
                outputs.append(factors[i].times(x))
            } else {
                direction = x
            }
            let response = program.X.times(direction)
            if factors == nil { outputs.append(zip(d, response).map { $0 * $1 }) }
            if signed {
                for (dRow, value) in zip(d, response) { violation = max(violation, -(2 * dRow - 1) * value) }
            }
        }
        var residual = program.y.scaled(by: -1)
        for output in outputs { residual.add(output) }
        // Relative to ‖y‖ (1 for y = 0, whose planted point is feasible only exactly).
        let yScale = program.y.norm > 0 ? program.y.norm : 1
        plantedInfeasibility = max(residual.norm, violation) / yScale
        plantedObjective = (planted.skip?.norm ?? 0) + planted.blocks.reduce(0) { $0 + weight($1.key) * $1.value.norm }
        let stacked = Matrix(rows: n, columns: outputs.count, columnMajor: outputs.flatMap { $0 })
        outputsIndependent = !outputs.isEmpty && (try? stacked.numericalRank()) == outputs.count
        optimumBelowPlanted = solverResidual <= 1e-6 * yScale
            && solverObjective < plantedObjective - CertificateTolerances.optimality * plantedObjective
    }

    /// The certificate of a solved program (its dual and, for normalized programs, its factors).
    public init?(program: ConvexProgram, planted: PlantedPoint, result: SolverResult) {
        guard let lambda = result.lambda else { return nil }
        self.init(program: program, factors: result.patternFactors, planted: planted, lambda: lambda,
                  signMultipliers: result.signMultipliers, solverObjective: result.objective,
                  solverResidual: result.primalResidual)
    }
}
