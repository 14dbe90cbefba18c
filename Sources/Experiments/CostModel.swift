import Foundation
import Instances

/// The one cost model: CPU seconds per instance ≈ a + k · n²·d, with k per program type. It is
/// rough, and used twice: by the line a run prints before it starts (`RunPlan`: seconds, divided
/// among threads) and by `ShardPlan` (only ratios matter there, to balance shards). The work per instance is dominated by n×n normal matrices built from n×d blocks
/// (interior-point methods) or by n×(n+1)×d products (training), hence n²·d; `a` is what every
/// instance with arrangement patterns pays regardless (sampling the patterns, the all-ones
/// certificate search). Calibrated on one core with one BLAS thread (OpenBLAS SkylakeX kernels) from
/// the timings in the top README and a few runs of the commands:
///
/// - `a` = 0.0135 s and skip relaxed k = 3.0·10⁻⁸: `rec_rate_skip --sample 3` on N = 100, D = 50
///   (2.3 s for 150 instances, mostly `a`) and the README's full grid (`--n 400 --d 100 --sample 5`,
///   ~210 CPU s for Σ n²d = 6.1·10⁹);
/// - the other programs: their solver time at (200, 50) in the README (`neurec bench solver`)
///   over 200²·50, plus the skip relaxed run's non-solver share 1.3·10⁻⁸ (normalization relaxed
///   0.256 s, skip approx 0.90 s, normalization approx 2.60 s; exact forms, not benchmarked, are
///   taken as approx);
/// - conditions without a fit: `irr_cond_normal --n 100 --d 50 --sample 3` (3.1 s), k = 9·10⁻⁸;
///   the all-ones pattern alone costs `a` and the non-solver share;
/// - training (no patterns): `ncvx_train_skip --n 100 --d 50 --sample 3` (1.05 s) and
///   `neurec bench-training` at (200, 50) (0.07 s), k = 5·10⁻⁸.
///
/// Expect the estimate within a factor of two (small instances of the approx programs run slower
/// than their n²·d share); it is for deciding whether to start, not a promise.
public enum CostModel {
    static let patternSeconds = 0.0135
    static let nonSolverShare = 1.3e-8
    static let benchSize = 200.0 * 200 * 50

    /// CPU seconds for one instance of `spec` at `cell` (the trial does not matter); none for the
    /// cells its draw order skips.
    public static func seconds(for spec: ExperimentSpec, at cell: Cell) -> Double {
        seconds(for: spec, n: cell.n, d: cell.d)
    }

    /// CPU seconds for one instance of `spec` at (n, d).
    public static func seconds(for spec: ExperimentSpec, n: Int, d: Int) -> Double {
        if spec.drawOrder.skipsCell(n: n, d: d) { return 0 }
        let size = Double(n) * Double(n) * Double(d)
        if spec.fitting == .train && spec.needsFit { return size * 5e-8 }
        guard spec.needsFit else {
            let conditions = spec.metrics.contains(.irrepresentability) || spec.metrics.contains(.nicL)
            return patternSeconds + size * (conditions ? 9e-8 : nonSolverShare)
        }
        let benchSeconds: Double = switch (spec.fitting, spec.learned) {
        case (.relaxed, .normalized): 0.256
        case (.relaxed, _): 0.034
        case (_, .normalized): 2.60
        case (_, _): 0.90
        }
        return patternSeconds + size * (benchSeconds / benchSize + nonSolverShare)
    }

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
