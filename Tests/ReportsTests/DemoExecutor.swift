import Experiments
import Foundation
import Instances
import Reports
import Vocabulary

/// Fabricates plausible results (logistic phase transitions) without solving anything, so the
/// report layer can be exercised and its pages looked at. Counts the runs it was asked for.
final class DemoExecutor: ExperimentExecuting, @unchecked Sendable {
    /// The runs asked for, and the probes in progress per metric with the most metrics (boundary
    /// blocks) probed at once: a report's searches probe from several threads.
    private let runs = Locked((grid: [ExperimentSpec](), cluster: [ClusterSpec]()))
    private let probing = Locked((inProgress: [Metric: Int](), mostMetrics: 0))
    var gridRuns: [ExperimentSpec] { runs.current.grid }
    var clusterRuns: [ClusterSpec] { runs.current.cluster }
    var mostBoundaryMetricsAtOnce: Int { probing.current.mostMetrics }
    /// Seconds each boundary probe takes, so that probes of concurrent searches overlap.
    var probeDelay: TimeInterval = 0
    var failOn: ((ExperimentSpec) -> Bool)?
    /// Trials per run reported as reaching no optimum (`solver_failed`).
    var failedTrialsPerRun = 0

    struct Failure: Error {}

    /// A reproducible number in [0, 1) from the cell.
    static func uniform(_ a: Int, _ b: Int, _ c: Int, _ salt: Int) -> Double {
        var h: UInt64 = 1469598103934665603
        for v in [a, b, c, salt] { h = (h ^ UInt64(bitPattern: Int64(v))) &* 1099511628211; h ^= h >> 29 }
        return Double(h % 1_000_003) / 1_000_003
    }

    func run(_ spec: ExperimentSpec) throws -> ExperimentResult {
        if let failOn, failOn(spec) { throw Failure() }
        runs.withValue { $0.grid.append(spec) }
        let g = spec.grid
        var arrays: [Metric: TrialGrid] = [:]
        let slope = 2.0 + Double(spec.parameters.dataLaw.rawValue) * 0.4 + Double(spec.parameters.neurons - 1) * 0.8
        for metric in spec.metrics {
            var a = TrialGrid(nValues: g.nValues.map(Double.init), dValues: g.dValues.map(Double.init), trials: g.trials)
            for (i, n) in g.nValues.enumerated() {
                for (j, d) in g.dValues.enumerated() {
                    for t in 0..<g.trials {
                        let u = Self.uniform(n, d, t, metric.rawValue.unicodeScalars.map { Int($0.value) }.reduce(0, +))
                        let p = 1 / (1 + exp(-(Double(n) - slope * Double(d)) / (0.25 * Double(d))))
                        switch metric {
                        case .allOnes:
                            a[i, j, t] = u < AllOnesPattern.wendelProbability(n: n, d: d) ? 1 : 0
                        case .disAbs, .disTest:
                            a[i, j, t] = (1 - p) * 1.2 + spec.parameters.sigma * 3 + 0.05 * u
                        default:
                            a[i, j, t] = u < p ? 1 : 0
                        }
                    }
                }
            }
            arrays[metric] = a
        }
        var result = ExperimentResult(spec: spec, arrays: arrays, instanceCount: g.cells.count, seconds: 0.01 * Double(g.cells.count))
        result.failedCount = failedTrialsPerRun
        return result
    }

    func runProbe(_ spec: ExperimentSpec) throws -> ExperimentResult {
        let metric = spec.metrics[0]
        probing.withValue {
            $0.inProgress[metric, default: 0] += 1
            $0.mostMetrics = max($0.mostMetrics, $0.inProgress.values.filter { $0 > 0 }.count)
        }
        defer { probing.withValue { $0.inProgress[metric, default: 0] -= 1 } }
        if probeDelay > 0 { Thread.sleep(forTimeInterval: probeDelay) }
        return try run(spec)
    }

    func runCluster(_ spec: ClusterSpec) throws -> ClusterResult {
        runs.withValue { $0.cluster.append(spec) }
        let p = spec.dValues.map { d in spec.sigmas.map { s in 1 / (1 + exp(-(s - 2 - Double(d) / 30) * 1.5)) } }
        return ClusterResult(spec: spec, probability: p)
    }
}
