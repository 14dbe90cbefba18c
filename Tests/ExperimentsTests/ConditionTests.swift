import Experiments
import Foundation
import Instances
import Testing

@Suite struct ConditionTests {
    /// With the all-ones pattern D = I among the patterns, Xᵀ I X (XᵀX)⁻¹ w* = w* has norm 1, so
    /// NIC-L can never hold — and recovery by the skip program fails too (science §4).
    @Test func nicLFailsWheneverTheAllOnesPatternExists() throws {
        let spec = ExperimentSpec(planted: .linear, learned: .skip, fitting: .relaxed,
                                  grid: InstanceGrid(maxN: 60, maxD: 20, trials: 3),
                                  parameters: InstanceParameters(plantedWeights: .gaussian), metrics: [.nicL, .allOnes, .recovery])
        let result = try ExperimentRunner(cache: nil, progress: .quiet).run(spec)
        let nic = result.arrays[.nicL]!.values, ones = result.arrays[.allOnes]!.values
        let recovery = result.arrays[.recovery]!.values
        for k in nic.indices where ones[k] == 1 {
            #expect(nic[k] == 0)
            #expect(recovery[k] == 0)
        }
        // NIC-L is sufficient for recovery: wherever it holds, the program recovers w*.
        for k in nic.indices where nic[k] == 1 { #expect(recovery[k] == 1) }
        #expect(nic.contains(1))
    }

    /// Rows are μ + g/σ: at large σ (little noise) u separates the clusters almost always, at σ = 1
    /// (noise of norm ≈ √d around unit-norm centres) almost never.
    @Test func clusterProbabilityRisesWithSigma() throws {
        let spec = ClusterSpec(means: .unitGaussian, dValues: [20], sigmas: [1, 8.5], trials: 300, seed: 18_116_275)
        let result = try ExperimentRunner(cache: nil, progress: .quiet).runCluster(spec)
        #expect(result.probability[0][0] < 0.05)
        #expect(result.probability[0][1] > 0.95)
    }

    /// The cluster cache is keyed by the encoded spec: the centres keep encoding as the original's
    /// `--opt` integer under the name `option`, so earlier cached results stay valid.
    @Test func clusterMeansEncodeAsTheOriginalOption() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let spec = ClusterSpec(means: .gaussian, dValues: [5], sigmas: [2], trials: 7, seed: 3)
        #expect(String(decoding: try encoder.encode(spec), as: UTF8.self)
                == #"{"dValues":[5],"option":2,"seed":3,"sigmas":[2],"trials":7}"#)
    }

    @Test func clusterResultsAreCached() throws {
        let cache = try temporaryCache()
        let spec = ClusterSpec(means: .opposite, dValues: [5, 10], sigmas: [2, 4], trials: 50, seed: 3)
        let first = try ExperimentRunner(cache: cache, progress: .quiet).runCluster(spec)
        let stored = try FileManager.default.contentsOfDirectory(atPath: cache.directory.path)
        #expect(stored.count == 1 && stored[0].hasPrefix("cluster-"))
        let again = try ExperimentRunner(cache: cache, progress: .quiet).runCluster(spec)
        #expect(again.probability == first.probability)
        var other = spec
        other.trials = 60
        _ = try ExperimentRunner(cache: cache, progress: .quiet).runCluster(other)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.directory.path).count == 2)
    }
}
