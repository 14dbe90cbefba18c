import Foundation
import LinearAlgebra

/// AdamW as PyTorch's single-tensor implementation computes it (SPEC §5), over one flat vector:
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
    /// How the update pass is split over threads (set by the trainer).
    var threads = ElementwiseThreads(1)

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
        parameters.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in step(p.baseAddress!, gradient: g.baseAddress!) }
        }
    }

    mutating func step(_ theta: UnsafeMutablePointer<Scalar>, gradient g: UnsafePointer<Scalar>) {
        let count = firstMoment.count
        guard count > 0 else { return }
        if mode == .reset { stepCount = 0 }
        stepCount += 1
        let fresh = stepCount == 1

        Scalar.scal(count, Scalar(1 - learningRate * weightDecay), theta, 1)
        let biasCorrection1 = 1 - Foundation.pow(beta1, Double(stepCount))
        let biasCorrection2 = 1 - Foundation.pow(beta2, Double(stepCount))
        let stepSize = Scalar(learningRate / biasCorrection1)
        let correction2Sqrt = Scalar(biasCorrection2.squareRoot())
        let oneMinusBeta1 = Scalar(1 - beta1), beta2s = Scalar(beta2), oneMinusBeta2 = Scalar(1 - beta2)
        let eps = Scalar(epsilon)
        firstMoment.withUnsafeMutableBufferPointer { mb in
            secondMoment.withUnsafeMutableBufferPointer { vb in
                nonisolated(unsafe) let M = mb.baseAddress!, V = vb.baseAddress!, theta = theta, g = g
                // Two loops rather than a per-entry select, and √|v| rather than √v (equal, as v ≥ 0):
                // the sign is then provably non-negative, so the compiler emits a vector sqrt instead
                // of libm's sqrtf with its errno branch, and the loop vectorizes.
                if fresh {
                    threads.forEachChunk(of: count) { range in
                    for i in range {
                        let gi = g[i]
                        let mi = oneMinusBeta1 * gi                       // lerp from 0
                        let vi = 0 * beta2s + oneMinusBeta2 * gi * gi
                        M[i] = mi
                        V[i] = vi
                        let denom = abs(vi).squareRoot() / correction2Sqrt + eps
                        theta[i] += -stepSize * (mi / denom)
                    }
                    }
                } else {
                    threads.forEachChunk(of: count) { range in
                    for i in range {
                        let gi = g[i], m0 = M[i], v0 = V[i]
                        let mi = m0 + oneMinusBeta1 * (gi - m0)
                        let vi = v0 * beta2s + oneMinusBeta2 * gi * gi
                        M[i] = mi
                        V[i] = vi
                        let denom = abs(vi).squareRoot() / correction2Sqrt + eps
                        theta[i] += -stepSize * (mi / denom)
                    }
                    }
                }
            }
        }
    }
}
