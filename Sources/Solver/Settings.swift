import Foundation

/// Every tolerance and limit of the interior-point iteration, with the defaults the
/// fixtures are checked against (science §4 programs; Tests/Fixtures/solver/README.md: objective
/// within 1e-6 relative, constraint residuals ≤ 1e-8). `solve` calls `validate()` first and
/// answers `invalidInput` with its message when a value makes no sense.
public struct SolverSettings: Sendable, Equatable {
    // Scale.

    /// Solve the program with X and y scaled to unit size (X's root-mean-square column norm and ‖y‖;
    /// Equilibration.swift), and map the solution back, so that the verdict does not depend on the
    /// units of the data. Every measure below is taken on the scaled program. True; false solves the
    /// data as given (tests compare the two).
    public var equilibrate: Bool = true
    /// Residuals are measured relative to floor + ‖y‖ (primal) and floor + ‖c‖ (dual), in
    /// equilibrated units. 1: the floor matters only for labels near zero (y = 0 has optimum 0, which
    /// must be met in absolute terms).
    public var residualFloor: Double = 1
    /// The gap is measured relative to max(floor, |objective|), in equilibrated units (the approx
    /// forms' objective divided by β). 1: an objective below 1 in those units is one far below the
    /// data's scale, known to the tolerance times that scale.
    public var gapFloor: Double = 1

    // Termination.

    /// Stop when the primal and dual residuals are below this (relative to `residualFloor` + ‖data‖).
    /// 1e-9: an order inside the fixtures' 1e-8 on residuals.
    public var feasibilityTolerance: Double = 1e-9
    /// Stop when sᵀz ≤ gapTolerance · max(`gapFloor`, |primal objective|) (objectives as the solver
    /// scales them). 1e-9: the objective then agrees with the references to ~1e-8 relative.
    public var gapTolerance: Double = 1e-9
    /// Approx forms stop at this multiple of the two tolerances above: they have no equality to meet
    /// (the residual r is a variable) and need 1e-4 on an O(β) objective, and the tenfold looser stop
    /// saves their last, least stable iterations. 10.
    public var approxToleranceFactor: Double = 10
    /// A primal infeasibility certificate is accepted when ‖Aᵀλ + Gᵀz‖ ≤ this · (dual objective of the ray),
    /// in equilibrated units (so relative to the data's scale). 1e-9, like the feasibility tolerance.
    public var infeasibilityTolerance: Double = 1e-9
    /// When the iteration stalls or runs out of iterations, the best iterate is reported
    /// `almostOptimal` if its residuals and relative gap are all below this (× `approxToleranceFactor`
    /// for approx forms, as their stop). 1e-7: still far inside the 1e-4 at which recovery is judged
    /// (science §7).
    public var reducedTolerance: Double = 1e-7
    /// Rounding has taken over when, after the best iterate met `refinementStart`, the worst of the
    /// residuals and gap grows to this multiple of the best: the iteration stops (`almostOptimal`
    /// if the best met `reducedTolerance`, loosened for approx forms as above). 100: iterates
    /// wander by a few × near the optimum without being lost.
    public var divergenceFactor: Double = 100
    /// Iteration limit. 100: the benchmark's programs take ≤ 31 iterations (Solver/README.md).
    public var maxIterations: Int = 100
    /// The iteration stops with `numericalError` when a step shorter than this is all the cones
    /// allow: the iterates are stuck at the boundary. 1e-10.
    public var minimumStep: Double = 1e-10

    // Steps and start.

    /// Fraction of the distance to the cone boundary a step may go. 0.99, CVXOPT's choice.
    public var stepFraction: Double = 0.99
    /// Gondzio's multiple centrality correctors after Mehrotra's direction, at most this many per
    /// iteration, and only before refinement starts (`refinementStart`): each costs one solve with
    /// the factorization already made, and is kept only when it lengthens the step by a tenth of
    /// `correctorStepGain` (Solver README, "Start and centrality correctors"). 3; 0 turns them off.
    public var centralityCorrectors: Int = 3
    /// A corrector aims at the step α + this. 0.3: fewer iterations than 0.1, 0.2 or 0.5 on the
    /// noisy approx and fig4b instances measured.
    public var correctorStepGain: Double = 0.3
    /// The correctors move the scaled products (their spectral values) into
    /// [low · σμ, high · σμ]: Gondzio's 0.1 and 10.
    public var correctorProductLow: Double = 0.1
    public var correctorProductHigh: Double = 10
    /// The start point's slack and dual are shifted into a cone when they are not inside it by at
    /// least this (CVXOPT's start, cone by cone). 1e-8.
    public var startInteriorMargin: Double = 1e-8

    // Linear algebra of the Newton systems.

    /// Static regularization added to the n×n normal matrix, relative to its largest diagonal entry.
    /// 1e-13: a few hundred ulps of the diagonal; refinement removes its effect.
    public var normalRegularization: Double = 1e-13
    /// When Cholesky of the normal matrix fails, the regularization is multiplied by this and the
    /// factorization retried … 100 …
    public var normalRegularizationGrowth: Double = 100
    /// … until it would reach this (then the KKT system counts as singular). 1e-3: beyond it the
    /// shifted system no longer gives useful directions.
    public var normalRegularizationLimit: Double = 1e-3
    /// Shift, relative to the largest diagonal entry, for a sign-constrained block's Hessian that lost
    /// definiteness to rounding late in the iteration; raised by `normalRegularizationGrowth` while
    /// Cholesky still fails, up to `normalRegularizationLimit`. 1e-12.
    public var blockRegularization: Double = 1e-12
    /// Iterative-refinement passes on the full Newton system (each costs one more solve, no
    /// factorization). 3: each pass must halve the error or refinement stops, so more rarely run.
    public var kktRefinementSteps: Int = 3
    /// More passes, beyond those, while each still shrinks the error below `slowRefinementRatio` of
    /// the last and it stays above `slowRefinementFloor` times the right-hand side.
    public var slowRefinementSteps: Int = 12
    public var slowRefinementRatio: Double = 0.9
    public var slowRefinementFloor: Double = 1e-6
    /// Refinement stops once the Newton system's residual is below this times its right-hand side.
    /// 1e-14: a few ulps.
    public var refinementTolerance: Double = 1e-14
    /// Refinement runs only once max(residuals, relative gap) is below this: far from the optimum the
    /// elimination's rounding (≤ 1e-11 relative) is far below what a step needs. 1e-5.
    public var refinementStart: Double = 1e-5
    /// The same for an iteration continued from another's iterate (a shrink): the dropped blocks
    /// leave an equality residual far above the rest, and unrefined directions lost the path there
    /// (a noisy (400, 90) skip program fell to the cautious rerun: 91 iterations instead of 30).
    public var warmStartRefinementStart: Double = 1e-3
    /// Use the dense reference KKT solver instead of the structured one (small problems only: tests).
    public var denseReferenceKKT: Bool = false
    /// Exact and approx forms: solve the cone-free program first (README "Relax, then verify"). Skip and
    /// plain networks return its minimizer split into cone-feasible blocks when every block's cone holds,
    /// else (with `patternWorkingSet`) the program on a working set of patterns (PatternWorkingSet.swift);
    /// normalization approx, its minimizer when every block meets its cone or the negative one, else
    /// the approx program seeded with the patterns the cone-free minimizer uses and its neurons'
    /// nearest ones (NormalizedConeFreeFirst.swift, `seedRounds`); otherwise the program itself is
    /// solved. False: always the program itself (tests).
    public var relaxThenVerify: Bool = true
    /// Skip and plain exact/approx forms whose cone-free minimizer does not split: try a working set of
    /// patterns before the program itself (README "Relax, then verify", claim 5). False: straight to the
    /// program itself, as before the working set existed (tests, timing comparisons).
    public var patternWorkingSet: Bool = true
    /// Relaxed forms, and the cone-free programs that skip and plain exact/approx solve first: solve on
    /// a working set of patterns first, grown until λ meets every other pattern's dual constraint
    /// (RelaxedWorkingSet.swift; README "Relax, then verify", claim 6).
    /// False: the program itself (tests, timing comparisons).
    public var relaxedWorkingSet: Bool = true
    /// Approx forms solved whole (their sign constraints on): at each stage of `shrinkStages`, once the
    /// iterate's merit is below the stage's, continue from the same iterate on its fraction of the
    /// patterns, those with the largest blocks, and at the end certify the others with sign
    /// multipliers (ShrinkingWorkingSet.swift; Solver README, "Shrinking the approx programs").
    /// False: the program itself to the end.
    public var shrinkingWorkingSet: Bool = true
    /// Merit thresholds, decreasing, and the fraction of all patterns kept from each on. Measured on
    /// noisy programs from (300, 80) to (400, 100): every pattern the minimizer uses ranked within the
    /// top half at a merit of 3e-2 and within the top third, or 1.25× the patterns with large blocks,
    /// at 3e-3. A first stage at 0.3 (3/4 of the patterns) gained another 10 % on most, but dropped
    /// small blocks that the minimizer of `neurec bench solver`'s noisy normalization instance uses.
    /// No shrinking above this n/d: there the minimizer uses half the patterns or more, and a set cut
    /// to half fails its certificate and goes back (measured at (120, 10), (200, 20), (400, 30): 1.4–1.9×
    /// the iterations; at (400, 50), n/d = 8, the shrinking still wins).
    public var shrinkLargestRatio: Double = 8
    public var shrinkStages: [ShrinkStage] = [ShrinkStage(merit: 3e-2, fraction: 0.5, largeBlockMargin: 1.5),
                                              ShrinkStage(merit: 3e-3, fraction: 1.0 / 3, largeBlockMargin: 1.25)]
    /// A seed (`seedPatterns(from:settings:)`, for `solve`'s `seed`) holds the patterns carrying the
    /// neighbouring minimizer and this many times as many in all, those nearest to entering it (by
    /// `SolverResult.dualRatios`) filling the rest. Measured on the σ panels of (400, 100) cells: the
    /// patterns a minimizer uses at σ and at σ/2 differ by a few to a tenth, and 1.5× held them for
    /// the skip network and for most normalized cells.
    public var seedMargin: Double = 1.5
    /// Restricted solves a seeded approx solve makes, each on the last set and the patterns its
    /// certificate failed on, before it solves the program as without a seed. Noiseless normalization
    /// cells seeded by their cone-free minimizer (NormalizedConeFreeFirst.swift) missed one pattern per
    /// round at (150, 50), (200, 70) and (200, 100) and were certified in the third round, 2–5× faster
    /// than the whole program; the noisy panels' seeds are certified in one or two.
    public var seedRounds: Int = 4
    /// Exact and approx forms where `signRowsPerDimension`·d rows are at most `signRowLargestShare`
    /// of n: solve first with each pattern's cone cut to the `signRowsPerDimension`·d rows nearest to
    /// binding, then check every row at the minimizer and add those it violates
    /// (SignRowWorkingSet.swift; Solver README, "Sign rows that never bind"). False: every row from
    /// the start.
    public var signRowWorkingSet: Bool = true
    /// Sign rows per dimension a pattern's cone starts with. The cells of an arrangement of n ≫ d
    /// hyperplanes have about 2(d − 1) facets on average (18 of 400 rows at (400, 10)); on noisy
    /// programs at (400, 10) the minimizer's rows were among the 8d nearest to binding in one or two
    /// rounds (4d took four rounds, 12d one at more rows per iteration).
    public var signRowsPerDimension: Int = 8
    /// The largest share of n the kept rows may be. A round costs about as many iterations as the
    /// whole program, so the set pays only when an iteration on it is much cheaper: noisy approx
    /// programs at d = 10 ran 1.6–1.8× faster for n ≥ 280 (80 rows of 280–400) and no faster below;
    /// at d = 20 (160 rows of 320–400) they ran slower, each second round costing what the first saved.
    public var signRowLargestShare: Double = 0.3
    /// Patterns outside a relaxed working set whose dual norm is within this of their weight,
    /// ‖A_jᵀλ‖ > c_j(1 − margin), join it even though λ is feasible for them: they may carry weight in
    /// a minimizer (ties). 1e-5, the certificates' uniqueness margin: the blocks of a tie's face sit
    /// within 1e-7 of their weight, all others 1e-3 below or further (README "Ties").
    public var workingSetTieMargin: Double = 1e-5
    /// A restricted solve of the relaxed working set pauses at this merit and checks the other
    /// patterns' dual constraints with the λ it has; with offenders it stops there and the set grows,
    /// else it continues from the same iterate to the end (and is checked again). The last four or so
    /// of a round's 10–14 iterations are then paid only by the last round. Measured on fig7's and
    /// fig9's noisy panels at (400, 100), one trial (CPU-s, two runs each): none 160.5 and 167.7,
    /// 1e-5 150.2 and 139.8, 3e-5 134.7 and 136.1, 1e-4 143.9 (a λ that inaccurate flags patterns
    /// that are not needed: one skip (400, 100) set passed p/2 and went direct), 1e-3 153.3.
    /// nil: every round to the end.
    public var workingSetCheckMerit: Double? = 3e-5
    /// A relaxed working-set round that stopped at its check hands its iterate to the next round
    /// (RelaxedWorkingSet.swift's `grown`), every block moved this far off its cone's boundary; nil:
    /// each round starts afresh. With noisy labels a solve takes 4–5 rounds, each 5–9 iterations to its
    /// check and the last 14 to the end; continued, the later rounds take 5–6 and 11. Measured on
    /// fig7's and fig9's σ = 0.05 and 0.2 panels at (400, 100), one trial (CPU-s, two cold runs
    /// against one continued): skip 25.2, 23.0 → 20.8, 21.1; normalization 50.2, 50.0 → 41.7, 43.7;
    /// distances within 7e-6 and as many solves almost optimal. 3e-3 left three times as many
    /// almost optimal; 3e-2 and above gained less.
    public var workingSetWarmShift: Double? = 1e-2
    /// Normalization programs: how many numbers of fixed projectors U_jU_jᵀ the normal matrix keeps
    /// between iterations (NormalizedProjectorSum.swift); the other patterns' projectors are formed
    /// again each iteration. 2²⁶ (512 MiB; each projector kept as its packed lower triangle): every
    /// pattern up to about (n, d) = (800, 200), half of them at (1000, 250) (2.6 GB in all there);
    /// memory stays flat beyond. Results do not depend on it.
    public var normalizedProjectorCache: Int = 1 << 26

    // The span check of equality forms (labels outside the blocks' span make them infeasible).

    /// Eigenvalues of Σ A_jA_jᵀ below this · n · the largest count as zero. 1e-13: rounding of the
    /// n×n eigendecomposition.
    public var spanEigenvalueCutoff: Double = 1e-13
    /// y is outside the span when its distance to it exceeds this relative to ‖y‖ … 1e-7 …
    public var spanRelativeDistance: Double = 1e-7
    /// … and this in absolute terms (labels that are all but zero). 1e-12.
    public var spanAbsoluteDistance: Double = 1e-12

    public init() {}

    /// Why these settings cannot be used, naming the setting and the valid range.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// Throws `Invalid` when a value makes no sense (a non-positive or non-finite tolerance, a
    /// step fraction outside (0, 1), a negative count, …).
    public func validate() throws {
        func require(_ ok: Bool, _ name: String, _ valid: String, _ value: CustomStringConvertible) throws {
            if !ok { throw Invalid(description: "solver setting \(name) = \(value) is invalid: it must be \(valid)") }
        }
        func positive(_ value: Double, _ name: String) throws {
            try require(value.isFinite && value > 0, name, "a finite number > 0", value)
        }
        func belowOne(_ value: Double, _ name: String) throws {
            try require(value.isFinite && value > 0 && value < 1, name, "in (0, 1)", value)
        }
        for (value, name) in [(feasibilityTolerance, "feasibilityTolerance"), (gapTolerance, "gapTolerance"),
                              (infeasibilityTolerance, "infeasibilityTolerance"), (reducedTolerance, "reducedTolerance"),
                              (minimumStep, "minimumStep"), (startInteriorMargin, "startInteriorMargin"),
                              (normalRegularization, "normalRegularization"), (blockRegularization, "blockRegularization"),
                              (refinementTolerance, "refinementTolerance"), (refinementStart, "refinementStart"),
                              (warmStartRefinementStart, "warmStartRefinementStart"),
                              (spanEigenvalueCutoff, "spanEigenvalueCutoff"), (spanRelativeDistance, "spanRelativeDistance"),
                              (spanAbsoluteDistance, "spanAbsoluteDistance"), (residualFloor, "residualFloor"),
                              (gapFloor, "gapFloor")] {
            try positive(value, name)
        }
        try belowOne(stepFraction, "stepFraction")
        try require(centralityCorrectors >= 0, "centralityCorrectors", "≥ 0", centralityCorrectors)
        try require(correctorStepGain.isFinite && correctorStepGain > 0 && correctorStepGain <= 1, "correctorStepGain", "in (0, 1]", correctorStepGain)
        try require(correctorProductLow.isFinite && correctorProductLow > 0 && correctorProductLow < 1, "correctorProductLow", "in (0, 1)", correctorProductLow)
        try require(correctorProductHigh.isFinite && correctorProductHigh > 1, "correctorProductHigh", "a finite number > 1", correctorProductHigh)
        try belowOne(normalRegularizationLimit, "normalRegularizationLimit")
        try require(approxToleranceFactor.isFinite && approxToleranceFactor >= 1, "approxToleranceFactor", "a finite number ≥ 1", approxToleranceFactor)
        try require(divergenceFactor.isFinite && divergenceFactor > 1, "divergenceFactor", "a finite number > 1", divergenceFactor)
        try require(normalRegularizationGrowth.isFinite && normalRegularizationGrowth > 1, "normalRegularizationGrowth", "a finite number > 1", normalRegularizationGrowth)
        try require(normalRegularization < normalRegularizationLimit, "normalRegularization", "below normalRegularizationLimit (\(normalRegularizationLimit))", normalRegularization)
        try require(reducedTolerance >= max(feasibilityTolerance, gapTolerance), "reducedTolerance",
                    "at least feasibilityTolerance and gapTolerance (it is the looser, fallback stop)", reducedTolerance)
        try require(workingSetTieMargin.isFinite && workingSetTieMargin >= 0 && workingSetTieMargin < 1, "workingSetTieMargin", "in [0, 1)", workingSetTieMargin)
        if let shift = workingSetWarmShift {
            try require(shift.isFinite && shift > 0 && shift < 1, "workingSetWarmShift", "in (0, 1), or nil", shift)
        }
        if let merit = workingSetCheckMerit {
            try require(merit.isFinite && merit > 0 && merit < 1, "workingSetCheckMerit", "in (0, 1), or nil", merit)
        }
        try require(maxIterations >= 0, "maxIterations", "≥ 0", maxIterations)
        try require(kktRefinementSteps >= 0, "kktRefinementSteps", "≥ 0", kktRefinementSteps)
        try require(slowRefinementSteps >= 0, "slowRefinementSteps", "≥ 0", slowRefinementSteps)
        try belowOne(slowRefinementRatio, "slowRefinementRatio")
        try require(slowRefinementFloor.isFinite && slowRefinementFloor >= 0, "slowRefinementFloor", "a finite number ≥ 0", slowRefinementFloor)
        try require(normalizedProjectorCache >= 0, "normalizedProjectorCache", "≥ 0", normalizedProjectorCache)
        try positive(shrinkLargestRatio, "shrinkLargestRatio")
        try require(signRowsPerDimension >= 1, "signRowsPerDimension", "≥ 1", signRowsPerDimension)
        try require(signRowLargestShare.isFinite && signRowLargestShare > 0 && signRowLargestShare < 1, "signRowLargestShare", "in (0, 1)", signRowLargestShare)
        for (k, stage) in shrinkStages.enumerated() {
            try belowOne(stage.merit, "shrinkStages[\(k)].merit")
            try require(stage.fraction.isFinite && stage.fraction > 0 && stage.fraction <= 1, "shrinkStages[\(k)].fraction", "in (0, 1]", stage.fraction)
            try require(k == 0 || stage.merit < shrinkStages[k - 1].merit, "shrinkStages[\(k)].merit",
                        "below the previous stage's (\(k > 0 ? shrinkStages[k - 1].merit : 0))", stage.merit)
            if let margin = stage.largeBlockMargin {
                try require(margin.isFinite && margin >= 1, "shrinkStages[\(k)].largeBlockMargin", "a finite number ≥ 1", margin)
            }
        }
        try require(seedMargin.isFinite && seedMargin >= 1, "seedMargin", "a finite number ≥ 1", seedMargin)
        try require(seedRounds >= 0, "seedRounds", "≥ 0", seedRounds)
    }

    /// These settings with `used` iterations taken off the limit: an iteration continued from another's
    /// iterate (a checkpoint, a shrink) shares one limit with it.
    func leaving(iterationsAfter used: Int) -> SolverSettings {
        var settings = self
        settings.maxIterations = max(0, maxIterations - used)
        return settings
    }
}

/// One stage of the approx programs' shrinking (`SolverSettings.shrinkStages`): from the first
/// iterate whose merit is at most `merit`, the iteration continues on the `fraction` of all patterns
/// with the largest epigraph variables t_j, and on at least `largeBlockMargin` times as many as have
/// a t_j of 1 % of the tenth largest or more, when that is set (late in the iteration those are the
/// patterns the minimizer uses, give or take a few).
public struct ShrinkStage: Sendable, Equatable {
    public var merit: Double
    public var fraction: Double
    public var largeBlockMargin: Double?
    public init(merit: Double, fraction: Double, largeBlockMargin: Double? = nil) {
        self.merit = merit
        self.fraction = fraction
        self.largeBlockMargin = largeBlockMargin
    }
}

/// How a solve ended; each case carries its reason where one exists.
public enum SolverStatus: Sendable, Equatable, CustomStringConvertible {
    /// Residuals and relative gap met the tolerances (`feasibilityTolerance`, `gapTolerance`).
    case optimal
    /// The iteration stalled or ran out of iterations, and the best iterate met only
    /// `reducedTolerance`: a usable but less accurate minimizer (Clarabel's "almost solved",
    /// CVXPY's "optimal_inaccurate"). Callers decide whether that is good enough.
    case almostOptimal
    /// The constraints cannot be met (a dual ray certifies it, or y is outside the span of the blocks).
    case primalInfeasible(String)
    case dualInfeasible(String)
    case maxIterations
    case numericalError(String)
    case invalidInput(String)

    /// Met the full tolerances.
    public var isOptimal: Bool { self == .optimal }
    /// Returned a minimizer: optimal or almost optimal.
    public var hasMinimizer: Bool { self == .optimal || self == .almostOptimal }

    /// A short machine-friendly name (the `status` of `neurec solve`).
    public var name: String {
        switch self {
        case .optimal: return "optimal"
        case .almostOptimal: return "almost_optimal"
        case .primalInfeasible: return "primal_infeasible"
        case .dualInfeasible: return "dual_infeasible"
        case .maxIterations: return "max_iterations"
        case .numericalError: return "numerical_error"
        case .invalidInput: return "invalid_input"
        }
    }

    public var message: String? {
        switch self {
        case .optimal, .maxIterations: return nil
        case .almostOptimal: return "the iteration stalled; the best iterate meets only the reduced tolerance"
        case .primalInfeasible(let m), .dualInfeasible(let m), .numericalError(let m), .invalidInput(let m): return m
        }
    }

    public var description: String { message.map { "\(name): \($0)" } ?? name }
}

/// What `solve` returns. Weights are in the program's own coordinates: R^d for skip and
/// plain, the U_i basis (R^{r_i}) for normalized blocks (science §4).
public struct SolverResult: Sendable {
    public var status: SolverStatus
    /// The program's objective (science §4, unscaled: approx forms include β) at the returned point.
    public var objective: Double
    /// Largest violation of the program's constraints at the returned weights: ‖Σ A_i x_i − y‖ for
    /// equality forms, and the most negative entry of the sign constraints (2D_i − I)X… ≥ 0.
    public var primalResidual: Double
    /// |primal − dual objective|, in the program's units.
    public var dualityGap: Double
    public var iterations: Int
    public var seconds: Double
    /// Skip weight w₀ (skip architecture only).
    public var w0: [Double]?
    /// One vector per pattern: w_i.
    public var w: [[Double]]
    /// Second sign block v_i (exact and approx forms).
    public var v: [[Double]]?
    /// Dual variable of the n coupling rows (science §4: max yᵀλ s.t. ‖A_iᵀλ‖ ≤ 1 for relaxed forms);
    /// for approx forms it equals −2r/β, r the residual.
    public var lambda: [Double]?
    /// Multipliers μ ≥ 0 of the sign constraints (2D_i − I)X w_i ≥ 0 (exact and approx forms; nil for
    /// relaxed): one n-vector per w_i, then one per v_i (empty where D_i X = 0), so that
    /// ‖A_iᵀλ + S_iᵀμ_i‖ ≤ 1 is the block's dual constraint (S_i the block's sign matrix).
    public var signMultipliers: [[Double]]?
    /// Time and floating-point operations spent forming and factoring the n×n normal matrix
    /// (the benchmark's GFLOP/s).
    /// For normalized programs: the (U_i, Σ_i, V_i) the solve used (the basis of `w` and `v`), so
    /// callers need not factor D_i X again (same values as `ConvexProgram.patternFactors()`).
    public var patternFactors: [PatternFactor]?
    public var normalMatrixSeconds: Double = 0
    public var normalMatrixFlops: Double = 0
    /// Whether the program itself was solved, or its cone-free relaxation answered it (README
    /// "Relax, then verify").
    public var route: SolveRoute = .direct
    /// Restricted programs the relaxed working set solved on the way (RelaxedWorkingSet.swift; 0 on
    /// every other route).
    public var workingSetRounds = 0
    /// For each pattern, how close its blocks come to carrying weight: the largest over its blocks of
    /// ‖z_w‖/z_t, the cone part of the block's dual multiplier, 1 for a block in use (complementarity)
    /// and ‖A_jᵀλ − S_jᵀμ_j‖/c_j for one at zero, which could enter when y moves. Empty on the routes
    /// that never ran the iteration on the whole program's blocks (relaxed_verified). The relaxed
    /// working set's are ‖A_jᵀλ‖/c_j, those of deferred normalized factors only as far as its check
    /// needs (`DualNormQuestion.exceeds`: lower estimates, each known to be above or below 1 − 10⁻⁵).
    public var dualRatios: [Double] = []
    /// Rounds of the sign-row working set (SignRowWorkingSet.swift) that ended in this answer; 0 when
    /// every cone kept all its rows.
    public var signRowRounds = 0
    /// Approx forms solved whole: the patterns the iteration kept when it shrank to those carrying the
    /// minimizer (ShrinkingWorkingSet.swift); nil when it ran on all of them to the end.
    public var keptPatterns: Int?
    /// The iterate a run paused at (`solveConic`'s checkpoint declined), with where each block starts
    /// in it: the next working-set round continues from it (RelaxedWorkingSet.swift).
    var pausedIterate: (iterate: InteriorPoint.Iterate, blockStarts: [ConicForm.Role: Int])?

    public init(status: SolverStatus, objective: Double = .nan, primalResidual: Double = .nan, dualityGap: Double = .nan,
                iterations: Int = 0, seconds: Double = 0, w0: [Double]? = nil, w: [[Double]] = [], v: [[Double]]? = nil,
                lambda: [Double]? = nil, signMultipliers: [[Double]]? = nil) {
        self.status = status
        self.objective = objective
        self.primalResidual = primalResidual
        self.dualityGap = dualityGap
        self.iterations = iterations
        self.seconds = seconds
        self.w0 = w0
        self.w = w
        self.v = v
        self.lambda = lambda
        self.signMultipliers = signMultipliers
    }
}
