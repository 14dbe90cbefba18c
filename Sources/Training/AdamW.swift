import Foundation
import LinearAlgebra

/// AdamW as PyTorch's single-tensor implementation computes it (science §5), over one flat vector:
///
///     θ ← θ·(1 − lr·wd)                      (decoupled weight decay, every parameter)
///     m ← m + (1 − β₁)(g − m)                (PyTorch's lerp)
///     v ← β₂·v + (1 − β₂)·g²
///     θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + eps)
///
/// Scalars that PyTorch computes in Python (1 − lr·wd, the bias corrections with C `pow`, the step
/// size) are computed here in Double and rounded once to `Scalar`, as PyTorch does for float32 tensors.
///
/// In `.reset` mode the moments and the step count are zeroed before every step (the original
/// builds a new optimizer each epoch), so each step is θ(1 − lr·wd) − lr·g/(|g| + eps) up to rounding.
public struct AdamW<Scalar: BLASScalar>: Sendable {
    public let learningRate: Double
    public let weightDecay: Double
    public let beta1: Double, beta2: Double, epsilon: Double
    public let mode: OptimizerMode
    /// First and second moments (zero before the first step).
    public private(set) var firstMoment: [Scalar]
    public private(set) var secondMoment: [Scalar]
    /// Steps taken since the moments were last zeroed.
    public private(set) var stepCount: Int = 0

    public init(parameterCount: Int, learningRate: Double = 2e-3, weightDecay: Double = 1e-6,
                beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, mode: OptimizerMode = .reset) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.mode = mode
        firstMoment = [Scalar](repeating: 0, count: parameterCount)
        secondMoment = firstMoment
    }

    public init(parameterCount: Int, settings: TrainingSettings) {
        self.init(parameterCount: parameterCount, learningRate: settings.learningRate, weightDecay: settings.weightDecay,
                  beta1: settings.beta1, beta2: settings.beta2, epsilon: settings.epsilon, mode: settings.optimizer)
    }

    /// One update of `parameters` with `gradient`.
    public mutating func step(_ parameters: inout [Scalar], gradient: [Scalar]) {
        precondition(parameters.count == firstMoment.count && gradient.count == firstMoment.count,
                     "optimizer holds \(firstMoment.count) parameters")
        let update = update(afterSteps: stepCount)
        stepCount = update.step
        let count = parameters.count
        withMoments { M, V in
            parameters.withUnsafeMutableBufferPointer { p in
                gradient.withUnsafeBufferPointer { g in
                    Self.apply(update, to: p.baseAddress!, gradient: g.baseAddress!, firstMoment: M, secondMoment: V,
                               entries: 0..<count)
                }
            }
        }
    }

    /// The coefficients of one update, fixed before any entry changes so that threads updating
    /// disjoint entries apply the same step.
    struct Update: Sendable {
        /// The step's number t in the bias corrections (always 1 in `.reset` mode).
        let step: Int
        let decay: Scalar, stepSize: Scalar, correction2Sqrt: Scalar
        let oneMinusBeta1: Scalar, beta2: Scalar, oneMinusBeta2: Scalar, epsilon: Scalar
    }

    /// The update following `taken` steps (in `.reset` mode the moments are zeroed first, so every
    /// update is a first step). Scalars PyTorch computes in Python are computed in Double and rounded once.
    func update(afterSteps taken: Int) -> Update {
        let step = mode == .reset ? 1 : taken + 1
        let biasCorrection1 = 1 - Foundation.pow(beta1, Double(step))
        let biasCorrection2 = 1 - Foundation.pow(beta2, Double(step))
        return Update(step: step, decay: Scalar(1 - learningRate * weightDecay),
                      stepSize: Scalar(learningRate / biasCorrection1),
                      correction2Sqrt: Scalar(biasCorrection2.squareRoot()),
                      oneMinusBeta1: Scalar(1 - beta1), beta2: Scalar(beta2), oneMinusBeta2: Scalar(1 - beta2),
                      epsilon: Scalar(epsilon))
    }

    /// The moment buffers, for `apply` calls from several threads on disjoint entries.
    mutating func withMoments<R>(_ body: (UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>) -> R) -> R {
        firstMoment.withUnsafeMutableBufferPointer { M in
            secondMoment.withUnsafeMutableBufferPointer { V in body(M.baseAddress!, V.baseAddress!) }
        }
    }

    /// Applies `update` to θ[entries] with moments M, V (step 1: the moments are overwritten, not read).
    ///
    /// The decay θ(1 − lr·wd) is in the same pass as the Adam step (PyTorch's separate `mul_` rounds
    /// each entry identically; one pass reads θ once). Two loops rather than a per-entry select, and √|v|
    /// rather than √v (equal, as v ≥ 0): the sign is then provably non-negative, so the compiler emits a
    /// vector sqrt instead of libm's sqrtf with its errno branch, and the loop vectorizes.
    static func apply(_ u: Update, to theta: UnsafeMutablePointer<Scalar>, gradient g: UnsafePointer<Scalar>,
                      firstMoment M: UnsafeMutablePointer<Scalar>, secondMoment V: UnsafeMutablePointer<Scalar>,
                      entries: Range<Int>) {
        if u.step == 1 {
            for i in entries {
                let gi = g[i]
                let mi = u.oneMinusBeta1 * gi                       // lerp from 0
                let vi = 0 * u.beta2 + u.oneMinusBeta2 * gi * gi
                M[i] = mi
                V[i] = vi
                let denom = abs(vi).squareRoot() / u.correction2Sqrt + u.epsilon
                theta[i] = theta[i] * u.decay + -u.stepSize * (mi / denom)
            }
        } else {
            for i in entries {
                let gi = g[i], m0 = M[i], v0 = V[i]
                let mi = m0 + u.oneMinusBeta1 * (gi - m0)
                let vi = v0 * u.beta2 + u.oneMinusBeta2 * gi * gi
                M[i] = mi
                V[i] = vi
                let denom = abs(vi).squareRoot() / u.correction2Sqrt + u.epsilon
                theta[i] = theta[i] * u.decay + -u.stepSize * (mi / denom)
            }
        }
    }
}
