import Foundation
import Instances

/// A rough cost model, in one place: CPU seconds per instance ≈ k · n²·d, with k per program type.
/// The work per instance is dominated by n×n normal matrices built from n×d blocks (interior-point
/// methods) or by n×(n+1)×d products (training), hence n²·d. The constants come from the timings
/// measured in the top README (2 cores, OpenBLAS SkylakeX kernels, one BLAS thread per worker):
///
/// - skip relaxed: `rec_rate_skip --n 400 --d 100 --sample 5` took ~105 s on 2 cores for
///   Σ n²d = 6.1·10⁹, i.e. 3.4·10⁻⁸ s per n²d; the solver alone (0.034 s at n = 200, d = 50) is
///   half of that, the rest (patterns, the all-ones certificate, drawing) is `overhead`;
/// - the other programs add their solver time at (200, 50) from `neurec bench solver` over
///   200²·50 to the same overhead: normalization relaxed 0.256 s, skip approx 0.90 s,
///   normalization approx 2.60 s (exact forms, not benchmarked, are taken as approx);
/// - training: `neurec bench-training` at (200, 50), 0.07 s for either network, and no patterns;
/// - conditions without a fit (NIC-L, irrepresentability): the overhead alone, doubled for the
///   irrepresentability test's per-pattern factorizations.
///
/// Expect the estimate within a factor of two; it is for deciding whether to start, not a promise.
public enum CostModel {
    static let overhead = 1.7e-8
    static let perN2D = 200.0 * 200 * 50

    /// CPU seconds for one instance of `spec` at (n, d).
    public static func seconds(for spec: ExperimentSpec, n: Int, d: Int) -> Double {
        if spec.drawOrder.skipsCell(n: n, d: d) { return 0 }
        let size = Double(n) * Double(n) * Double(d)
        guard spec.needsFit else {
            return size * overhead * (spec.metrics.contains(.irrepresentability) ? 2 : 1)
        }
        let benchSeconds: Double = switch (spec.fitting, spec.learned) {
        case (.train, _): 0.07
        case (.relaxed, .normalized): 0.256
        case (.relaxed, _): 0.034
        case (_, .normalized): 2.60
        case (_, _): 0.90
        }
        return size * (benchSeconds / perN2D + (spec.fitting == .train ? 0 : overhead))
    }

    /// CPU seconds for one (d, σ) cell of the cluster experiment: `trials` draws of 100 points
    /// in d dimensions, ~2·10⁻⁸ s per entry drawn (measured with `neurec relu_prob`).
    public static func seconds(forCluster spec: ClusterSpec, d: Int) -> Double {
        Double(spec.trials) * 100 * Double(d) * 2e-8
    }
}

/// The line a run prints before it starts: what it computes and about how long that takes.
struct RunPlan {
    let label: String
    let cells: Int
    let instances: Int
    let toCompute: Int
    let cpuSeconds: Double
    let jobs: Int

    var description: String {
        let what = "\(label): \(Self.count(cells)) cells, \(Self.count(instances)) instances"
        guard toCompute > 0 else { return "neurec: \(what), all cached: nothing to compute" }
        let cached = instances - toCompute
        let wall = cpuSeconds / Double(max(1, jobs))
        return "neurec: \(what), \(Self.count(toCompute)) to compute"
            + (cached > 0 ? " (\(Self.count(cached)) cached)" : "")
            + "; estimated \(Self.duration(wall)) on \(jobs) thread\(jobs == 1 ? "" : "s")"
    }

    static func count(_ k: Int) -> String {
        let digits = String(k)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return "under a second" }
        if seconds < 90 { return "\(Int(seconds.rounded())) s" }
        if seconds < 90 * 60 { return "\(Int((seconds / 60).rounded())) min" }
        if seconds < 48 * 3600 { return String(format: "%.1f h", seconds / 3600) }
        return String(format: "%.1f days", seconds / 86400)
    }

    /// Printed on stderr unless the run is quiet.
    func announce(_ style: ProgressStyle) {
        guard style == .automatic else { return }
        FileHandle.standardError.write(Data((description + "\n").utf8))
    }
}
