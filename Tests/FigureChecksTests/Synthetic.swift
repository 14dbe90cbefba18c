import FigureChecks
import Figures
import Foundation
import NumpyFiles
import TestSupport

/// Synthetic results shaped like the experiments' [n, d, trial] arrays: Bernoulli draws from a
/// logistic phase transition around n = 1.5 d + 10, on n ∈ {10,…,120}, d ∈ {10,…,60}, 5 trials.
/// The same seed gives the same uniforms, so a changed transition moves outcomes the way a
/// regression run with the same seed would (common random numbers).
enum Synthetic {
    static let n = stride(from: 10, through: 120, by: 10).map(Double.init)
    static let d = stride(from: 10, through: 60, by: 10).map(Double.init)
    static let trials = 5


    /// Probability of recovery at (n, d) with the transition moved right by `shift` in n.
    static func probability(n: Double, d: Double, shift: Double = 0, ratio: Double = 1.5, offset: Double = 10) -> Double {
        1 / (1 + exp(-(n - ratio * d - offset - shift) / 6))
    }

    static func uniforms(seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        return (0..<(n.count * d.count * trials)).map { _ in generator.uniform() }
    }

    static func recovery(seed: UInt64 = 1, shift: Double = 0, ratio: Double = 1.5, offset: Double = 10,
                         name: String = "recovery", nValues: [Double] = n, dValues: [Double] = d) -> TrialArray {
        var generator = SplitMix64(seed: seed)
        var values: [Double] = []
        for x in nValues {
            for y in dValues {
                let p = probability(n: x, d: y, shift: shift, ratio: ratio, offset: offset)
                for _ in 0..<trials { values.append(generator.uniform() < p ? 1 : 0) }
            }
        }
        return TrialArray(name: name, kind: .rate, nValues: nValues, dValues: dValues,
                          values: NumpyArray(shape: [nValues.count, dValues.count, trials], values: values))
    }

    /// A distance: large (saturated above 1) before the transition, small after it, with
    /// trial-to-trial spread 0.05; cells with n < d are skipped (NaN), as some experiments do.
    static func distance(seed: UInt64 = 2, offset: Double = 0, noise: Double = 0, noiseSeed: UInt64 = 99) -> TrialArray {
        var generator = SplitMix64(seed: seed), perturbation = SplitMix64(seed: noiseSeed)
        var values: [Double] = []
        for x in n {
            for y in d {
                let p = probability(n: x, d: y)
                for _ in 0..<trials {
                    let base = max(0, 1.4 * (1 - p) + 0.05 * generator.gaussian())
                    let value = base + offset + noise * perturbation.gaussian()
                    values.append(x < y ? .nan : value)
                }
            }
        }
        return TrialArray(name: "dis_abs", kind: .continuous, nValues: n, dValues: d,
                          values: NumpyArray(shape: [n.count, d.count, trials], values: values))
    }

    /// Flips `count` trials in cells whose probability is between 0.2 and 0.8 (the boundary),
    /// spread over different cells.
    static func flippingBoundaryTrials(_ array: TrialArray, count: Int) -> TrialArray {
        var copy = array
        var flipped = 0
        for (i, x) in array.nValues.enumerated() {
            for (j, y) in array.dValues.enumerated() where flipped < count {
                let p = probability(n: x, d: y)
                guard p > 0.2 && p < 0.8 else { continue }
                let index = (i * array.dValues.count + j) * array.trials + flipped % array.trials
                copy.values.values[index] = 1 - copy.values.values[index]
                flipped += 1
            }
        }
        precondition(flipped == count, "not enough boundary cells")
        return copy
    }
}
