import Foundation
import Instances

/// The one cost model: CPU seconds per instance. It is rough, and used three times: by the line a run
/// prints before it starts (`RunPlan`: seconds, divided among threads), by `RunEstimate` (refusing a
/// run above a core-day without `--yes`) and by `ShardPlan` (only ratios matter there, to balance
/// shards).
///
/// - **Convex programs.** Each interior-point iteration forms the n×n normal matrix from the n×p
///   patterns (n²p) and the n×d blocks (npd) and factors it (n³/3) (science §4), with p the sampled
///   directions (max(n, 50), plus the planted neurons): `iterationWork`. Since p ≈ n, the cost grows
///   as n³ once n passes d, which an n²·d model would miss by orders of magnitude on tall grids. Per
///   program type the seconds per unit of that work (expressed at (200, 50)) are fitted to the CPU
///   time of whole paper-scale blocks (N = 400, D = 100, 5 trials, 2 jobs, `bench/report_blocks.py`,
///   2026-12-05): skip relaxed 0.024 s (fig4a, 139 CPU-s for 2,000 instances; fig6 predicted within
///   10 %), normalization relaxed 0.10 s (fig5a, 452 CPU-s), skip and plain exact and approx 0.17 s
///   (fig4b, 712 CPU-s: most instances verify the relaxed minimizer, those with n < 2d pay a full
///   solve), normalization approx and exact 1.0 s (`neurec bench solver` at (200, 50), working set).
/// - Every instance with arrangement patterns also pays `a` = 0.0135 s and 3·10⁻⁹ s per n²·d
///   (sampling the patterns, the all-ones decision; 1.3·10⁻⁸ before the decision's LP stopped
///   stalling).
/// - Conditions without a fit: `irr_cond_normal --n 100 --d 50 --sample 3` (3.1 s), 9·10⁻⁸ s per n²·d;
///   the all-ones decision alone, 2 ms per instance (the Wendel block of `reports/quick.md`).
/// - Training (no patterns): 2.9·10⁻⁸ s per n·(n + 1)·d, from the paper-scale fig8 (16,000 runs of
///   400 epochs, 1,400 CPU-s; 5·10⁻⁸ before the test set was evaluated after the last step only).
///
/// Expect the estimate within a factor of two; it is for deciding whether to start, not a promise
/// (the progress line re-calibrates it as a run goes: `RemainingTime`).
public enum CostModel {
    static let patternSeconds = 0.0135
    static let allOnesSeconds = 0.002
    static let nonSolverShare = 3e-9

    /// CPU seconds for one instance of `spec` at `cell` (the trial does not matter); none for the
    /// cells its draw order skips.
    public static func seconds(for spec: ExperimentSpec, at cell: Cell) -> Double {
        seconds(for: spec, n: cell.n, d: cell.d)
    }

    /// CPU seconds for one instance of `spec` at (n, d).
    public static func seconds(for spec: ExperimentSpec, n: Int, d: Int) -> Double {
        if spec.drawOrder.skipsCell(n: n, d: d) { return 0 }
        let size = Double(n) * Double(n) * Double(d)
        if spec.fitting == .train && spec.needsFit { return Double(n) * Double(n + 1) * Double(d) * 2.9e-8 }
        guard spec.needsFit else {
            let conditions = spec.metrics.contains(.irrepresentability) || spec.metrics.contains(.nicL)
            // The all-ones decision alone samples no patterns: the Wendel block of reports/quick.md
            // (6,000 instances, n ≤ 100, d ≤ 40) takes about 14 CPU seconds.
            return conditions ? patternSeconds + size * 9e-8 : allOnesSeconds + size * nonSolverShare
        }
        let benchSeconds: Double = switch (spec.fitting, spec.learned) {
        case (.relaxed, .normalized): 0.10
        case (.relaxed, _): 0.024
        case (_, .normalized): 1.0
        case (_, _): 0.17
        }
        let patterns = (spec.drawOrder.patternDirections(n: n) ?? n) + spec.parameters.neurons
        let work = iterationWork(n: Double(n), d: Double(d), p: Double(patterns))
        return patternSeconds + size * nonSolverShare + benchSeconds * work / benchWork
    }

    /// Flops of one interior-point iteration's normal equations: n²p + npd + n³/3 (science §4).
    static func iterationWork(n: Double, d: Double, p: Double) -> Double {
        n * n * p + n * p * d + n * n * n / 3
    }

    /// `iterationWork` at the benchmark's size, (n, d) = (200, 50) with 200 directions.
    static let benchWork = iterationWork(n: 200, d: 50, p: 201)

    /// CPU seconds for one (d, σ) cell of the cluster experiment: `trials` draws of 100 points in d
    /// dimensions, 3.3·10⁻⁸ s per entry drawn (`relu_prob --sample 1000`: 10.6 s).
    public static func seconds(forCluster spec: ClusterSpec, d: Int) -> Double {
        Double(spec.trials) * 100 * Double(d) * 3.3e-8
    }

    /// CPU seconds for a whole cluster experiment: every (d, σ) cell.
    public static func seconds(forCluster spec: ClusterSpec) -> Double {
        Double(spec.sigmas.count) * spec.dValues.reduce(0) { $0 + seconds(forCluster: spec, d: $1) }
    }
}
