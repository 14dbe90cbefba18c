import Experiments
import Instances
import Testing

/// A run is refused before it starts when its largest instance, times the workers, needs more memory
/// than the machine has (`RunEstimate.check`); the estimate is a model, held here to peaks that
/// `/usr/bin/time -v` measured.
@Suite struct MemoryEstimateTests {
    /// A normalization program factors every pattern, the Cholesky factor of its Gram matrix (d × d)
    /// each: a σ = 0 relaxed boundary probe of one instance at (800, 200), k = 2, one job, peaked at
    /// 375 MB (2026-12-06; 1.11 GB when every pattern's basis U_i was kept, and a probe that its
    /// bracket doubled further took 18 GB before it was stopped). The model must not fall below the
    /// measured peak (the refusal would come too late, as the machine running out of memory) nor
    /// overstate it more than twice.
    @Test func normalizationProbesCountTheirPatternFactors() throws {
        let grid = InstanceGrid(nValues: [800], dValues: [200], trials: 1)
        let normalized = ExperimentSpec(planted: .normalized, learned: .normalized, fitting: .relaxed, grid: grid,
                                        parameters: InstanceParameters(neurons: 2), metrics: [.recovery])
        let bytes = Double(try RunEstimate(spec: normalized).largestInstanceBytes)
        #expect(bytes >= 0.375e9 && bytes <= 0.75e9, "\(bytes)")
        // The skip network's program keeps no per-pattern factors: the same size is a few dozen MB.
        let skip = ExperimentSpec(planted: .linear, learned: .skip, fitting: .relaxed, grid: grid, metrics: [.recovery])
        #expect(Double(try RunEstimate(spec: skip).largestInstanceBytes) < 0.1e9)
    }
}
