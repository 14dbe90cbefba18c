import Experiments
import Foundation
import Instances
import Vocabulary

/// What a block computed, reduced to what the report shows: per-panel mean grids, boundary rows,
/// run statistics and named summary numbers for `{{ id.name }}`.
public struct BlockOutcome: Sendable {
    public var directive: Directive
    public var results: [ExperimentResult]
    public var clusterResult: ClusterResult?
    public var values: [String: Double]
    public var boundaryResult: BoundaryResult? = nil
}

enum BlockSummary {
    /// Rate-like metrics reach their boundary from below (≥ level); distances from above (≤ level).
    static func isRate(_ metric: Metric) -> Bool {
        [.recovery, .nicL, .irrepresentability, .allOnes, .cosine, .plantedOptimal, .unique, .tie].contains(metric)
    }

    /// For each d: the smallest n whose mean meets the boundary (nil where none does).
    static func boundary(_ array: TrialGrid, metric: Metric, level: Double) -> [(d: Int, n: Int?)] {
        let means = array.trialMeans
        return array.dValues.enumerated().map { j, d in
            let hit = array.nValues.indices.first { i in
                let v = means[i * array.dValues.count + j]
                return !v.isNaN && (isRate(metric) ? v >= level - 1e-12 : v <= level + 1e-12)
            }
            return (Int(d), hit.map { Int(array.nValues[$0]) })
        }
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Median over d of (smallest n meeting the boundary) / d.
    static func thresholdRatio(_ array: TrialGrid, metric: Metric, level: Double) -> Double {
        median(boundary(array, metric: metric, level: level).compactMap { row in row.n.map { Double($0) / Double(row.d) } })
    }

    /// `ties` (trials that were ties, never NaN) and, where recorded, the three rates of science §10.
    static func certifiedValues(_ result: ExperimentResult) -> [String: Double] {
        var v: [String: Double] = [:]
        if let ties = result.arrays[.tie] { v["ties"] = Double(ties.values.filter { $0 == 1 }.count) }
        if let rates = CertifiedRates(result.arrays) {
            v["unique_rate"] = rates.rate(rates.unique)
            v["planted_optimal_rate"] = rates.rate(rates.plantedOptimal)
            if let recovered = rates.recovered { v["recovered_rate"] = rates.rate(recovered) }
            if let count = rates.recoveredNotUnique { v["recovered_not_unique"] = Double(count) }
            if let count = rates.uniqueNotRecovered { v["unique_not_recovered"] = Double(count) }
        }
        return v
    }

    static func values(for directive: Directive, results: [ExperimentResult], cluster: ClusterResult?) -> [String: Double] {
        var v: [String: Double] = [:]
        v["instances"] = Double(results.map(\.instanceCount).reduce(0, +))
        v["seconds"] = results.map(\.seconds).reduce(0, +)
        v["panels"] = Double(results.count)
        let level = directive.figure?.boundary ?? 0.9
        for (k, result) in results.enumerated() {
            guard let metric = result.spec.metrics.first, let array = result.arrays[metric] else { continue }
            let ratio = thresholdRatio(array, metric: metric, level: level)
            let mean = array.gridMean
            if k == 0 {
                v["threshold_ratio"] = ratio
                v["mean"] = mean
                v["N"] = array.nValues.max() ?? 0
                v["D"] = array.dValues.max() ?? 0
                v["trials"] = Double(array.trials)
            }
            v["threshold_ratio_\(k + 1)"] = ratio
            v["mean_\(k + 1)"] = mean
            for (name, value) in certifiedValues(result) {
                if k == 0 { v[name] = value }
                v["\(name)_\(k + 1)"] = value
            }
        }
        if directive.kind == .wendel, let result = results.first, let array = result.arrays[.allOnes] {
            let means = array.trialMeans
            var worst = 0.0
            for (i, n) in array.nValues.enumerated() {
                for (j, d) in array.dValues.enumerated() where !means[i * array.dValues.count + j].isNaN {
                    let wendel = AllOnesPattern.wendelProbability(n: Int(n), d: Int(d))
                    worst = max(worst, abs(means[i * array.dValues.count + j] - wendel))
                }
            }
            v["max_abs_error"] = worst
            v["trials"] = Double(array.trials)
        }
        if let cluster {
            v["trials"] = Double(cluster.spec.trials)
            v["max_probability"] = cluster.probability.flatMap { $0 }.max() ?? .nan
            v["min_probability"] = cluster.probability.flatMap { $0 }.min() ?? .nan
        }
        return v
    }

    /// A number as prose shows it: integers plainly, others with three significant digits.
    static func format(_ x: Double) -> String {
        if x.isNaN { return "n/a" }
        if x.isInfinite { return x > 0 ? "∞" : "−∞" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        let magnitude = abs(x)
        let decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3
        var text = String(format: "%.\(decimals)f", x)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
