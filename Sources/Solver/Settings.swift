import Foundation

/// Every tolerance and limit of the interior-point iteration, with the defaults the
/// fixtures are checked against (science §4 programs; fixtures/README.md: objective within
/// 1e-6 relative, constraint residuals ≤ 1e-8).
public struct SolverSettings: Sendable {
    /// Stop when the scaled primal and dual residuals are below this (relative to 1 + ‖data‖).
    public var feasibilityTolerance: Double = 1e-9
    /// Stop when sᵀz ≤ gapTolerance · max(1, |primal objective|) (objectives as the solver scales them).
    public var gapTolerance: Double = 1e-9
    /// A primal infeasibility certificate is accepted when ‖Aᵀλ + Gᵀz‖ ≤ this · (dual objective of the ray).
    public var infeasibilityTolerance: Double = 1e-9
    /// When the iteration stalls, a point meeting these looser tolerances is still reported optimal.
    public var reducedTolerance: Double = 1e-7
    public var maxIterations: Int = 100
    /// Fraction of the distance to the cone boundary a step may go.
    public var stepFraction: Double = 0.99
    /// Static regularization added to the n×n normal matrix, relative to its largest diagonal entry.
    public var normalRegularization: Double = 1e-13
    /// Iterative-refinement passes on the full Newton system (each costs one more solve, no factorization).
    public var kktRefinementSteps: Int = 3
    /// Refinement stops once the Newton system's residual is below this times its right-hand side.
    public var refinementTolerance: Double = 1e-14
    /// Refinement runs only once max(residuals, relative gap) is below this.
    public var refinementStart: Double = 1e-5
    /// Use the dense reference KKT solver instead of the structured one (small problems only: tests).
    public var denseReferenceKKT: Bool = false

    public init() {}
}

/// How a solve ended; each case carries its reason where one exists.
public enum SolverStatus: Sendable, Equatable, CustomStringConvertible {
    case optimal
    /// The constraints cannot be met (a dual ray certifies it, or y is outside the span of the blocks).
    case primalInfeasible(String)
    case dualInfeasible(String)
    case maxIterations
    case numericalError(String)
    case invalidInput(String)

    public var isOptimal: Bool { self == .optimal }

    /// A short machine-friendly name (the `status` of `neurec solve`).
    public var name: String {
        switch self {
        case .optimal: return "optimal"
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
