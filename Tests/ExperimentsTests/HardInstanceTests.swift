import Experiments
import Foundation
import Instances
import Testing

/// Instances that once ended in a solver failure, run through the experiment path that met them.
@Suite struct HardInstanceTests {
    /// cvx_train_normal's canonical (40, 40) instance at σ = 0.05 with one Gaussian planted neuron:
    /// late in its approx iteration a block Hessian H_j kept a negative diagonal entry (−0.2 beside
    /// 1.2e4) after the 1e-12 shift, and the trial was a failure; the shift is now raised until the
    /// block factors (Solver README, "One elimination per pattern").
    @Test func noisyNormalizationBlockThatLostDefiniteness() throws {
        let spec = ExperimentSpec(planted: .normalized, learned: .normalized, fitting: .approx,
                                  grid: InstanceGrid(nValues: [40], dValues: [40], trials: 1),
                                  parameters: InstanceParameters(plantedWeights: .gaussian, neurons: 1, sigma: 0.05),
                                  metrics: [.disAbs])
        let result = try ExperimentRunner(cache: nil, progress: .quiet).run(spec)
        #expect(result.failedCount == 0)
        let distance = try #require(result.arrays[.disAbs]).values[0]
        #expect(distance.isFinite)
    }
}
