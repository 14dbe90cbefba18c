import Foundation
import Instances
import Solver

/// The one cost model: CPU seconds per instance. It is rough, and used three times: by the line a run
/// prints before it starts (`RunPlan`: seconds, divided among threads), by `RunEstimate` (refusing a
/// run above a core-day without `--yes`) and by `ShardPlan` (only ratios matter there, to balance
/// shards).
///
/// - **Convex programs.** Each interior-point iteration forms the n×n normal matrix from the n×p
///   patterns (n²p) and the n×d blocks (npd) and factors it (n³/3) (science §4), with p the sampled
///   directions (max(n, 50), plus the planted neurons): `iterationWork`. Since p ≈ n, the cost grows
///   as n³ once n passes d, which an n²·d model would miss by orders of magnitude on tall grids.
///   Relaxed programs (and the cone-free start of exact ones) are solved on a working set of
///   patterns (Solver README, claim 6): a dozen or two restricted solves' worth of n³/3 plus one
///   d×n×p product per round for the dual check, `relaxedWork`; normalization programs first factor
///   every pattern (a Gram matrix of n/2 rows and d columns each, `factorSeconds`), or from d = 300
///   only their working set's, checking the others by conjugate gradients (`deferredCheckSeconds`). The seconds per unit
///   of work are fitted to single solves and to paper-scale blocks (`bench/report_blocks.py`; README
///   "Speed" and docs/measurements.md), last to the main figures of reports/paper.md on 2026-12-07
///   (`PaperEstimateTests` holds each block within 1.25× of what it took then):
///   relaxed skip and plain 5·10⁻¹⁰ s, normalization's restricted solves 3·10⁻⁹ s per unit (its factors
///   are timed apart, `factorSeconds`), the solver part of noisy relaxed programs ×6 (skip) and ×1.5
///   (normalization); skip and plain exact 0.07 s and approx 0.1 s per (200, 50) unit of the full
///   iteration with σ = 0 (fig4b: those with n < 2d pay a full solve), normalization exact 1.0 s
///   (`neurec bench solver` at (200, 50)) and approx 0.3 s (seeded by its cone-free minimizer,
///   `noiselessNormalizedApproxSeconds`); skip exact trials that the planted
///   search decides from the dual, 2.3·10⁻⁸ s per n·d·p (`plantedSearchSeconds`). With noisy labels
///   (σ > 0) skip and plain exact and approx pay the full solve nearly always: 1.4 s per unit
///   (`noisySignConstrainedSeconds`); normalization approx, about 1.45 s (`noisyNormalizedSeconds`).
/// - Every instance with arrangement patterns also pays `a` = 0.003 s and 3·10⁻⁹ s per n²·d
///   (sampling the patterns, the all-ones decision, storing the record).
/// - Conditions without a fit: the paper-scale fig10 (irrepresentability, 1,775 instances, 33 CPU-s),
///   4.5·10⁻⁹ s per n²·d; the all-ones decision alone, 0.2 ms per instance and the n²·d share.
/// - Training (no patterns): 2.4·10⁻⁸ s per n·(n + 1)·d, from the paper-scale fig8 (16,000 runs of
///   400 epochs, 1,163 CPU-s on 2026-12-07).
///
/// Expect the estimate within a factor of two; it is for deciding whether to start, not a promise
/// (the progress line re-calibrates it as a run goes: `RemainingTime`).
public enum CostModel {
    static let patternSeconds = 0.003
    static let allOnesSeconds = 0.0002
    static let nonSolverShare = 3e-9
    /// Relaxed programs with σ > 0, on their solver part: the working set takes four or five rounds
    /// instead of one or two, seeded or not (paper scale, 2026-12-07: fig7's noisy panels 40 ms of
    /// solve per instance against fig4a's 15, fig9's 71 against its σ = 0 panel's 28, the fit below).
    static let noisyRelaxedSkipFactor = 6.0
    static let noisyRelaxedNormalizedFactor = 1.5
    /// Skip and plain exact and approx programs with σ > 0, per (200, 50) unit of the full iteration:
    /// the paper-scale σ = 0.05 panel of the appendix's cvx_train_skip (skip approx), 4.7 CPU-s per
    /// instance over its first 167 instances, where the grid's mean unit count is 2.0 (2.3 s per
    /// unit); since the centered start and the centrality correctors, the 50 costliest cells of that
    /// panel take 1/1.165 of the time (both binaries side by side, 2026-12-06): 2.0; since one
    /// elimination per pattern and the approx programs' reduced stop, 1/1.45 of that on the largest
    /// cells (n ≥ 340, d ≥ 80; Solver README): 1.4. Programs that shrink to the minimizer's patterns
    /// (n ≤ 8d; Solver README, "Shrinking the approx programs") take 1/1.31 of that on the same
    /// cells: 1.05. With the σ panels seeded by one another and no cone-free attempt with noise, the
    /// paper-scale app_cvx_skip_abs took 8,976 solver-seconds where these priced 14,480 (2026-12-07):
    /// 0.9 and 0.67.
    static let noisySignConstrainedSeconds = 0.9
    static let noisyShrunkSignConstrainedSeconds = 0.67
    /// Normalization approx and exact with σ > 0: the cone-free start misses a cone and the approx
    /// program is solved whole, 74 iterations, ~20 s at (400, 100) σ = 0.05 (2.5 s per unit); since
    /// the centered start and the correctors 1/1.4 of that (a 100-instance (200, 50) σ = 0.05 block:
    /// 66.5 → 47.4 CPU-s; the bench's (400, 100) instance: 36.5 → 24.8 s): 1.8; since one elimination
    /// per pattern, 1/1.25 of that on the largest cells: 1.45; shrinking (n ≤ 8d), and no working set
    /// tried for a noisy cone-free minimizer, 1/1.55 of that on the largest cells: 0.95.
    static let noisyNormalizedSeconds = 1.45
    static let noisyShrunkNormalizedSeconds = 0.95
    /// Skip exact trials decided by the planted search (`ExperimentSpec.decidesFromTheDual`), per
    /// n·d·p: its rounds are cone searches over every block, products of n×d by d×(blocks). Fitted to
    /// the 4,510 trials of reports/scaling.md's @skipexact at scale paper (d ≤ 200, 403 CPU-s of
    /// search; 2.3·10⁻⁸ at each of d = 50, 100, 200, the smaller d below the fixed costs).
    static let plantedSearchSeconds = 2.3e-8
    /// Normalization approx with σ = 0, seeded by its cone-free minimizer where that misses a cone
    /// (Solver README, "Normalization approx: cone-free first", claim 2): the σ = 0 panel of the
    /// appendix's cvx_train_normal, trial 0 of its 400 cells, took 242 solver-s against the 809 that
    /// 1.0 per unit priced (2026-12-07, evening).
    static let noiselessNormalizedApproxSeconds = 0.3

    /// CPU seconds for one instance of `spec` at `cell` (the trial does not matter); none for the
    /// cells its draw order skips.
    public static func seconds(for spec: ExperimentSpec, at cell: Cell) -> Double {
        seconds(for: spec, n: cell.n, d: cell.d)
    }

    /// CPU seconds for one instance of `spec` at (n, d).
    public static func seconds(for spec: ExperimentSpec, n: Int, d: Int) -> Double {
        if spec.drawOrder.skipsCell(n: n, d: d) { return 0 }
        let size = Double(n) * Double(n) * Double(d)
        if spec.fitting == .train && spec.needsFit { return Double(n) * Double(n + 1) * Double(d) * 2.4e-8 }
        guard spec.needsFit else {
            let conditions = spec.metrics.contains(.irrepresentability) || spec.metrics.contains(.nicL)
            // The all-ones decision alone samples no patterns: the paper report's Wendel block (80,000
            // instances, n ≤ 78, d ≤ 20) takes about 28 CPU seconds, most of it drawing X.
            return conditions ? patternSeconds + size * 4.5e-9 : allOnesSeconds + size * nonSolverShare
        }
        let patterns = Double((spec.drawOrder.patternDirections(n: n) ?? n) + spec.parameters.neurons)
        let nonSolver = patternSeconds + size * nonSolverShare
        let (nn, dd) = (Double(n), Double(d))
        if spec.decidesFromTheDual { return nonSolver + plantedSearchSeconds * nn * dd * patterns }
        switch (spec.fitting, spec.learned) {
        case (.relaxed, .normalized):
            let noise = spec.parameters.sigma > 0 ? noisyRelaxedNormalizedFactor : 1
            let patternSeconds = Int(dd) >= PatternFactor.deferralDimension
                ? deferredCheckSeconds(n: nn, d: dd, p: patterns) : factorSeconds(n: nn, d: dd, p: patterns)
            return nonSolver + noise * 3e-9 * relaxedWork(n: nn, d: dd, p: patterns) + patternSeconds
        case (.relaxed, _):
            let noise = spec.parameters.sigma > 0 ? noisyRelaxedSkipFactor : 1
            return nonSolver + noise * 5e-10 * relaxedWork(n: nn, d: dd, p: patterns)
        default:
            // Noisy labels spread the minimizer over most patterns: the cone-free split and the working
            // set fail, and the whole program is solved, 30–40 iterations (~15 s at (400, 100)).
            let noisy = spec.parameters.sigma > 0
            let shrinks = spec.fitting == .approx && dd * SolverSettings().shrinkLargestRatio >= nn
            let perUnit: Double
            switch (spec.learned == .normalized, noisy, spec.fitting) {
            case (true, true, _): perUnit = shrinks ? noisyShrunkNormalizedSeconds : noisyNormalizedSeconds
            case (true, false, .approx): perUnit = noiselessNormalizedApproxSeconds
            case (true, false, _): perUnit = 1.0
            case (false, true, _): perUnit = shrinks ? noisyShrunkSignConstrainedSeconds : noisySignConstrainedSeconds
            case (false, false, .exact): perUnit = 0.07
            case (false, false, _): perUnit = 0.1
            }
            return nonSolver + perUnit * iterationWork(n: nn, d: dd, p: patterns) / benchWork
        }
    }

    /// A relaxed program on its working set: the restricted solves' n×n factorizations and the dual
    /// checks' d×n×p products, a few rounds of each (Solver README, claim 6).
    static func relaxedWork(n: Double, d: Double, p: Double) -> Double {
        n * n * n / 3 + n * d * p
    }

    /// Factoring every pattern of a normalization program: per pattern a Gram matrix of about n/2 rows
    /// (syrk, (n/2)·d² per unit) and its Cholesky factor, and a fixed 30 µs. From the factor times
    /// `NEUREC_SOLVER_TRACE` prints for one rec_rate_normal trial (k = 2) at each of (100, 20), (200, 50),
    /// (400, 100), (730, 200), (1000, 250), (1850, 500): 2 ms, 10.5 ms, 84 ms, 0.69 s, 1.7 s, 25.7 s
    /// (2026-12-07, night). A least-squares fit (21 µs, 6.3·10⁻¹¹) is within 0.7–1.17× of each; these
    /// round numbers price them at 1.6, 0.96, 0.91, 1.27, 1.49, 1.34×, so that fig5a and fig5b, where
    /// the mid sizes dominate, stay within `PaperEstimateTests`' 1.25× (1.11 and 0.83). The single
    /// rate of 1.5·10⁻¹⁰ s per unit used before was fitted at d ≤ 100 and priced (1850, 500) at 64 s.
    static func factorSeconds(n: Double, d: Double, p: Double) -> Double {
        p * (3e-5 + 8e-11 * (n / 2) * d * d)
    }

    /// The dual checks of a normalization program whose factors are deferred (d ≥
    /// `PatternFactor.deferralDimension`): conjugate gradients of two n×d×p products per step, about
    /// ten steps per check, four or five checks with the certificate's. Measured at (1850, 500): 5.3 s
    /// of such checks per trial (2026-12-07), 3.1·10⁻⁹ s per n·d·p.
    static func deferredCheckSeconds(n: Double, d: Double, p: Double) -> Double {
        3e-9 * n * d * p
    }

    /// Flops of one interior-point iteration's normal equations: n²p + npd + n³/3 (science §4).
    static func iterationWork(n: Double, d: Double, p: Double) -> Double {
        n * n * p + n * p * d + n * n * n / 3
    }

    /// `iterationWork` at the benchmark's size, (n, d) = (200, 50) with 200 directions.
    static let benchWork = iterationWork(n: 200, d: 50, p: 201)

    /// Where a boundary search's crossing sits, n*/d, for pricing its probes before it runs (the
    /// probes cluster there, and an instance's cost grows as n²d or faster): nil where neither science
    /// nor a measured search says. The all-ones pattern and the skip network's relaxed recovery cross
    /// at Wendel's n = 2d (science §6, the probability ½ at n = 2d); skip exact certified recovery at
    /// 1.14d and normalization relaxed recovery with k = 2 planted neurons at 3.6d (the fitted limits
    /// of reports/scaling.md at scale paper, README "Boundary search"). Pricing normalization at the
    /// bracket's start, n = 2d, put the report's estimate at 39 core-minutes for a run of 105.
    public static func expectedBoundaryRatio(for search: BoundarySpec) -> Double? {
        let spec = search.experiment, parameters = spec.parameters
        if search.metric == .allOnes { return 2 }
        // The measured searches: Gaussian data and planted weights, noise-free labels.
        guard parameters.sigma == 0, parameters.dataLaw == .gaussian, parameters.plantedWeights == .gaussian else { return nil }
        switch (search.metric, spec.planted, spec.learned, spec.fitting) {
        case (.recovery, .linear, .skip, .relaxed): return 2
        case (.unique, .linear, .skip, .exact), (.plantedOptimal, .linear, .skip, .exact): return 1.14
        case (.recovery, .normalized, .normalized, .relaxed) where parameters.neurons == 2: return 3.6
        default: return nil
        }
    }

    /// CPU seconds for one (d, σ) cell of the cluster experiment: `trials` draws of 100 points in d
    /// dimensions, 2·10⁻⁸ s per entry drawn (the paper report's cluster block, 320,000 draws: 31 CPU-s
    /// on 2026-12-07; 3.3·10⁻⁸ from `relu_prob --sample 1000` on the Intel machine).
    public static func seconds(forCluster spec: ClusterSpec, d: Int) -> Double {
        Double(spec.trials) * 100 * Double(d) * 2e-8
    }

    /// CPU seconds for a whole cluster experiment: every (d, σ) cell.
    public static func seconds(forCluster spec: ClusterSpec) -> Double {
        Double(spec.sigmas.count) * spec.dValues.reduce(0) { $0 + seconds(forCluster: spec, d: $1) }
    }
}
