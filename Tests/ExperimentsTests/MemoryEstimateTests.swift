import Experiments
import Instances
import Testing

/// A run is refused before it starts when its largest instance, times the workers, needs more memory
/// than the machine has (`RunEstimate.check`); the estimate is a model, held here to peaks that
/// `/usr/bin/time -v` measured.
@Suite struct MemoryEstimateTests {
    /// A normalization program factors every pattern, the Cholesky factor of its Gram matrix (d × d)
    /// each: a σ = 0 relaxed probe of one instance at (600, 140), k = 2, one job, peaked at 171 MB,
    /// at (800, 200) at 375 MB (2026-12-06; 1.11 GB when every pattern's basis U_i was kept, and a
    /// probe that its bracket doubled further took 18 GB before it was stopped). From d = 300 the
    /// factors are formed only for the working set: six trials at (1750, 500), near the boundary
    /// where the set grows to ~90 patterns, peaked at 1.58 GB (4.5 GB with every factor). The model must not fall below the measured peak (the refusal would
    /// come too late, as the machine running out of memory) nor overstate it more than twice.
    @Test(arguments: [(600, 140, 171e6), (800, 200, 375e6), (1750, 500, 1.58e9)])
    func normalizationProbesCountTheirPatternFactors(n: Int, d: Int, measured: Double) throws {
        let grid = InstanceGrid(nValues: [n], dValues: [d], trials: 1)
        let normalized = ExperimentSpec(planted: .normalized, learned: .normalized, fitting: .relaxed, grid: grid,
                                        parameters: InstanceParameters(neurons: 2), metrics: [.recovery])
        let bytes = Double(try RunEstimate(spec: normalized).largestInstanceBytes)
        #expect(bytes >= measured && bytes <= 2 * measured, "\(bytes)")
        // The skip network's program keeps no per-pattern factors nor a working set's bases.
        let skip = ExperimentSpec(planted: .linear, learned: .skip, fitting: .relaxed, grid: grid, metrics: [.recovery])
        #expect(Double(try RunEstimate(spec: skip).largestInstanceBytes) < bytes / 2)
    }
}
