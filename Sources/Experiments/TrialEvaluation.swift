import Foundation
import Instances
import LinearAlgebra
import Solver
import Training
import Vocabulary

/// What one cell's σ panels pass from one solve to the next, on one worker (`computeSigmaPanelsTogether`):
/// the canonical draw gives the panels of a cell the same X and patterns (science §3), only y differs.
///
/// - The pattern factors of a normalized program (a quarter of a (400, 100) solve), computed by the
///   first panel that solves it: they depend on X and the patterns alone, so the panels' records are
///   the separate runs' to the last bit.
/// - The patterns the last relaxed or approx minimizer used and those nearest to entering it
///   (`Solver.seedPatterns`): the next noisy panel's approx program is solved on those first, the
///   others certified, and its relaxed program's working set starts from them (Solver README, "Seeded
///   by the next σ panel"). Its record then equals a separate run's to the solver's tolerance, not to
///   the bit. Not where a program can have several minimizers (ties, science §10), which a different
///   start would resolve differently: σ = 0, and a skip network whose patterns include the all-ones
///   one, whose block is X like w₀'s (with noise, distances of such (70, 30) cells moved by 12–16 %
///   when seeded). Those records stay the separate runs'.
///
/// Checked, not assumed: a program with other X or patterns gets its own factors and no seed.
final class CellPanelSharing {
    /// The X and patterns that what follows belongs to.
    private var data: (X: Matrix<Double>, patterns: Matrix<Double>)?
    /// The normalized program's factors, once computed (nil inside: the factorization failed).
    private var factors: [PatternFactor]??
    private var seed: (form: ProgramForm, members: [Int])?

    func factors(of program: ConvexProgram) -> [PatternFactor]? {
        guard program.architecture == .normalized else { return nil }
        enter(program)
        if let factors { return factors }
        let computed = try? program.patternFactors()
        factors = .some(computed)
        return computed
    }

    /// The patterns to start `program` on: those of the last minimizer of its form on the same X and patterns.
    func seed(for program: ConvexProgram) -> [Int]? {
        enter(program)
        guard program.form != .exact, let seed, seed.form == program.form else { return nil }
        return seed.members
    }

    func remember(_ result: SolverResult, of program: ConvexProgram) {
        guard program.form != .exact, let members = Solver.seedPatterns(from: result) else { return }
        enter(program)
        seed = (program.form, members)
    }

    /// Forgets what belonged to other data than `program`'s.
    private func enter(_ program: ConvexProgram) {
        if let data, data.X == program.X, data.patterns == program.patterns { return }
        data = (program.X, program.patterns)
        factors = nil
        seed = nil
    }
}

/// One trial's numbers: every metric the spec's fit makes available (requested or not — they are
/// cheap next to the fit, and cached together), keyed by metric.
public typealias TrialRecord = [Metric: Double]

/// Evaluates one instance for a spec: fits the learned network (a convex program of science §4 or
/// training of science §5) and measures it (science §6, §7).
struct TrialEvaluation {
    let spec: ExperimentSpec

    /// The record of a cell the experiment skips without drawing (normalization, n < d): the
    /// original saves 0 for probabilities and NaN for distances. Every metric is recorded, so that the
    /// record serves every experiment that shares its cache key, whatever metric each asked for.
    func skippedCell() -> TrialRecord {
        Dictionary(uniqueKeysWithValues: Metric.allCases.map { ($0, $0.isProbability ? 0 : .nan) })
    }

    /// The record, and the fitted solution as JSON (for `--save_details`). `sharing` carries pattern
    /// factors and relaxed and approx minimizers' patterns from one σ panel of the cell to the next
    /// (`CellPanelSharing`).
    func evaluateWithFit(_ instance: Instance, sharing: CellPanelSharing? = nil) -> (record: TrialRecord, fit: JSONText) {
        var record: TrialRecord = [:]
        var fit = JSONText.null
        if let patterns = instance.patterns { record[.allOnes] = patterns.hasAllOnes ? 1 : 0 }
        if spec.metrics.contains(.nicL) { record[.nicL] = NeuralIsometry.nicLHolds(instance) ? 1 : 0 }
        if spec.metrics.contains(.irrepresentability) {
            record[.irrepresentability] = NeuralIsometry.irrepresentabilityHolds(instance) ? 1 : 0
        }
        guard spec.needsFit else { return (record, fit) }
        let fitted = spec.fitting == .train ? train(instance) : solve(instance, sharing: sharing)
        record.merge(fitted.record) { $1 }
        if record[.solverFailed] == 1 {
            // Unknown rather than absent: the record is complete, so an experiment asking for a
            // distance of this fit reads it from the cache instead of failing the same fit again.
            for metric in [Metric.disAbs, .disTest, .cosine, .offPlantedNorm] where record[metric] == nil { record[metric] = .nan }
        }
        fit = fitted.fit
        return (record, fit)
    }

    // MARK: Convex programs

    private func solve(_ instance: Instance, sharing: CellPanelSharing?) -> (record: TrialRecord, fit: JSONText) {
        guard let patterns = instance.patterns else { return ([:], .null) }
        let form: ProgramForm = switch spec.fitting {
        case .exact: .exact
        case .approx: .approx
        default: .relaxed
        }
        let program = ConvexProgram(architecture: spec.learned, form: form, X: instance.X, y: instance.y,
                                    patterns: patterns.matrix)
        let searched = searchWithoutSolving(instance, program: program)
        if let decided = searched.decided { return decided }
        let tiesPossible = spec.parameters.sigma == 0 || (spec.learned == .skip && patterns.hasAllOnes)
        let seed = tiesPossible ? nil : sharing?.seed(for: program)
        var result = Solver.solve(program, settings: Self.settings(noisy: spec.parameters.sigma > 0),
                                  factors: sharing?.factors(of: program), seed: seed)
        sharing?.remember(result, of: program)
        result.seconds += searched.seconds
        var fit: [(String, JSONText)] = [
            ("status", .string(result.status.description)), ("objective", .number(result.objective)),
            ("iterations", .integer(result.iterations)), ("gap", .number(result.dualityGap)),
            ("residual", .number(result.primalResidual)), ("seconds", .number(result.seconds)),
            ("route", .string(result.route.rawValue)),
        ]
        if let w0 = result.w0 { fit.append(("w0", .vector(w0))) }
        fit.append(("w", .rows(result.w)))
        if let v = result.v { fit.append(("v", .rows(v))) }
        var record: TrialRecord = [.seconds: result.seconds, .iterations: Double(result.iterations),
                                   .almostOptimal: result.status == .almostOptimal ? 1 : 0,
                                   .solverFailed: result.status.hasMinimizer ? 0 : 1,
                                   .relaxedVerified: result.route == .relaxedVerified ? 1 : 0]
        // Certified whatever the status: the certificate is checked densely, not taken on trust.
        if let certificate = certify(instance, program: program, result: result) {
            record.merge(certificate.record) { $1 }
            fit.append(("certificate", certificate.json))
        }
        // An almost-optimal point (residuals and gap ≤ 1e-7 instead of 1e-9) is measured like an
        // optimal one: recovery is judged at 1e-4, far above that accuracy, and counting these
        // trials as failures would change the committed figures. The stop is recorded instead and
        // every run warns with the count (ExperimentRunner).
        guard result.status.hasMinimizer else {
            // No trustworthy minimizer: not recovered, distances unknown.
            record[.recovery] = 0
            return (record, .object(fit))
        }
        let factors = spec.learned == .normalized ? (result.patternFactors ?? (try? program.patternFactors())) : nil
        if let testX = instance.XTest, let testY = instance.yTest,
           let output = try? program.networkOutput(result, on: testX, factors: factors) {
            record[.disTest] = output.adding(testY, scaledBy: -1).norm
        }
        let blocks = netBlocks(result)
        switch (spec.planted, spec.learned) {
        case (.linear, .skip):
            let wStar = instance.planted.column(0)
            guard let w0 = result.w0 else { break }
            record[.disAbs] = w0.adding(wStar, scaledBy: -1).norm
            record[.cosine] = w0.dot(wStar) / (w0.norm * wStar.norm)
            record[.offPlantedNorm] = blocks.reduce(0) { $0 + $1.norm }
            let linearRecovered = zip(w0, wStar).allSatisfy { abs($0 - $1) <= 1e-4 + 1e-5 * abs($1) }
            let reluVanishes = (result.w + (result.v ?? [])).allSatisfy { $0.allSatisfy { abs($0) <= 1e-4 } }
            record[.recovery] = linearRecovered && reluVanishes ? 1 : 0
        case (.normalized, .normalized):
            guard let factors else { break }
            let targets = plantedTargets(instance, patterns: patterns, factors: factors)
            var squaredDistance = 0.0, offNorm = 0.0, recovered = true
            for (i, block) in blocks.enumerated() {
                if let target = targets[i] {
                    // A block outside the working set is zeros of length min(n_i, d) when its factor was
                    // never formed (d ≥ 300), which may exceed a rank-deficient target's r_i.
                    let block = block.count == target.count || block.contains(where: { $0 != 0 })
                        ? block : [Double](repeating: 0, count: target.count)
                    squaredDistance += pow(block.adding(target, scaledBy: -1).norm, 2)
                    recovered = recovered && zip(block, target).allSatisfy { abs($0 - $1) <= 1e-4 }
                } else {
                    offNorm += block.norm
                    recovered = recovered && block.allSatisfy { abs($0) <= 1e-4 }
                }
            }
            record[.disAbs] = squaredDistance.squareRoot()
            record[.offPlantedNorm] = offNorm
            record[.recovery] = recovered ? 1 : 0
        default:
            record[.offPlantedNorm] = blocks.reduce(0) { $0 + $1.norm }
        }
        return (record, .object(fit))
    }

    /// The solver's settings for a trial. With noisy labels an exact or approx program does not try its
    /// cone-free minimizer first (Solver README, "Relax, then verify"): that minimizer fits the noise
    /// with blocks that miss their cones, and the attempt (the cone-free solve, and for skip and plain
    /// networks the pattern working set after it) only delays the solve that follows. Measured: none of
    /// the 2,000 skip approx instances of the appendix's σ = 0.05 panel at the paper scale verified, nor
    /// any of 12 noisy normalization approx instances at (300–400, 80–100), where the attempt was 6–13 %
    /// of the solve. The solve that follows is the same, so the records are the same to rounding.
    static func settings(noisy: Bool) -> SolverSettings {
        var settings = SolverSettings()
        if noisy { settings.relaxThenVerify = false }
        return settings
    }

    /// The certified metrics of a skip exact program with a planted skip weight, when they are all
    /// the spec asks for and the dual search decides (Solver's `searchPlantedOptimality`; science
    /// §10): a certificate, or a feasible point cheaper than the planted one, checked densely as a
    /// solver's would be. Otherwise no record, and the seconds the search took (the solve's record
    /// counts them).
    private func searchWithoutSolving(_ instance: Instance, program: ConvexProgram) -> (decided: (record: TrialRecord, fit: JSONText)?, seconds: Double) {
        guard spec.decidesFromTheDual,
              let planted = PlantedPoint(spec: spec, instance: instance, factors: nil), let wStar = planted.skip else { return (nil, 0) }
        let search = searchPlantedOptimality(program, plantedSkip: wStar)
        let point: (objective: Double, residual: Double)
        switch search.decision {
        case .undecided: return (nil, search.seconds)
        case .certified: point = (wStar.norm, 0)
        case .beaten(let objective, let residual), .solvedOnCuts(let objective, let residual): point = (objective, residual)
        }
        guard let certificate = PlantedCertificate(program: program, factors: nil, planted: planted, lambda: search.lambda,
                                                   signMultipliers: search.signMultipliers, solverObjective: point.objective,
                                                   solverResidual: point.residual),
              certificate.plantedOptimal != certificate.optimumBelowPlanted else { return (nil, search.seconds) }
        var record = certificate.record
        record[.seconds] = search.seconds
        let fit: JSONText = .object([("route", .string("planted_search")), ("rounds", .integer(search.rounds)),
                                     ("seconds", .number(search.seconds)), ("certificate", certificate.json)])
        return ((record, fit), search.seconds)
    }

    /// The certificates of science §10, when the spec defines them.
    private func certify(_ instance: Instance, program: ConvexProgram, result: SolverResult) -> PlantedCertificate? {
        guard spec.certificateUnavailability == nil,
              let planted = PlantedPoint(spec: spec, instance: instance, factors: result.patternFactors) else { return nil }
        return PlantedCertificate(program: program, planted: planted, result: result)
    }

    /// w_i − v_i for the sign-constrained forms, w_i for the relaxed ones (science §7).
    private func netBlocks(_ result: SolverResult) -> [[Double]] {
        guard let v = result.v else { return result.w }
        return zip(result.w, v).map { $0.adding($1, scaledBy: -1) }
    }

    /// For each pattern that a planted neuron produced, ŵ of science §7 (summed when neurons share a
    /// pattern: their normalized outputs add).
    private func plantedTargets(_ instance: Instance, patterns: PatternSet, factors: [PatternFactor]) -> [Int: [Double]] {
        var targets: [Int: [Double]] = [:]
        for (j, s) in patterns.plantedPatterns.enumerated() {
            guard let w = factors[s].normalizedCoordinates(of: instance.planted.column(j)) else { continue }
            targets[s] = targets[s].map { $0.adding(w) } ?? w
        }
        return targets
    }

    // MARK: Training

    private func train(_ instance: Instance) -> (record: TrialRecord, fit: JSONText) {
        // Never the numpy stream: a separate stream per cell keeps every later instance the original's.
        var rng = CellStreams.initialization(seed: spec.seed, n: instance.n, d: instance.d, trial: instance.trial ?? 0)
        var settings = TrainingSettings()
        settings.recordsTestCurve = false  // only the final test loss is a metric
        let summary = instance.train(spec.learned, settings: settings, using: &rng)
        var record: TrialRecord = [.seconds: summary.seconds, .solverFailed: summary.trainLoss.isFinite ? 0 : 1]
        if let distance = summary.testDistance { record[.disTest] = distance }
        if let distance = summary.absoluteDistance { record[.disAbs] = distance }
        if let w = summary.linearWeight, spec.planted == .linear {
            let wStar = instance.planted.column(0)
            record[.cosine] = w.dot(wStar) / (w.norm * wStar.norm)
        }
        var fit: [(String, JSONText)] = [
            ("train_loss", .number(summary.trainLoss)), ("test_loss", summary.testLoss.map(JSONText.number) ?? .null),
            ("seconds", .number(summary.seconds)), ("width", .integer(summary.width)),
        ]
        if let w = summary.linearWeight { fit.append(("alpha0_w0", .vector(w))) }
        return (record, .object(fit))
    }
}
