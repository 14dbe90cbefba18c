import Foundation
import Instances
import LinearAlgebra

/// The cluster pattern probability of science §6 (the original's ReLU/prob script): how often the
/// direction u = μ₁/‖μ₁‖ − μ₂/‖μ₂‖ separates two clusters of 50 points, 1[Xu ≥ 0] being 1 on the
/// first and 0 on the second.
extension ExperimentRunner {
    public func runCluster(_ spec: ClusterSpec) throws -> ClusterResult {
        guard spec.trials >= 1, !spec.dValues.isEmpty, !spec.sigmas.isEmpty,
              spec.dValues.allSatisfy({ (1...ExperimentSpec.maxSize).contains($0) }),
              spec.sigmas.allSatisfy({ $0 > 0 && $0 <= InstanceParameters.maxSigma }) else {
            throw ExperimentSpecError("cluster: needs trials ≥ 1, dimensions in [1, \(ExperimentSpec.maxSize)] and noise levels σ in (0, \(Int(InstanceParameters.maxSigma))]")
        }
        try RunEstimate(cluster: spec).check(allowLong: true, workers: jobs, sizeFlag: "cluster", allowFlag: "")
        let cells = spec.dValues.indices.flatMap { i in spec.sigmas.indices.map { (i, $0) } }
        let cached = cache?.clusterProbability(for: spec)
        if cached == nil, requireComplete {
            throw IncompleteResults(missing: [("cluster option \(spec.means.rawValue)", cells.count)])
        }
        RunPlan(label: "cluster option \(spec.means.rawValue)", cells: cells.count, instances: cells.count * spec.trials,
                toCompute: cached == nil ? cells.count * spec.trials : 0,
                cpuSeconds: cells.reduce(0) { $0 + CostModel.seconds(forCluster: spec, d: spec.dValues[$1.0]) },
                jobs: jobs).announce(progress)
        if let cached { return ClusterResult(spec: spec, probability: cached) }
        let table = RecordTable()
        let reporter = ProgressReporter(label: "cluster option \(spec.means.rawValue)", total: cells.count,
                                        cost: CostModel.seconds(forCluster: spec), jobs: jobs, style: progress,
                                        report: reportProgress.block(for: spec))
        parallelForEach(cells.count, jobs: jobs) { k in
            let started = DispatchTime.now().uptimeNanoseconds
            let (i, j) = cells[k]
            // One stream per (d, σ) cell, RandomState([seed, d, σ index]): independent of the list lengths.
            var stream = NumpyRandomState(key: [spec.seed, UInt32(spec.dValues[i]), UInt32(j)])
            var hits = 0
            for _ in 0..<spec.trials where Self.clusterSeparated(d: spec.dValues[i], sigma: spec.sigmas[j],
                                                                 means: spec.means, stream: &stream) {
                hits += 1
            }
            table.set([.recovery: Double(hits) / Double(spec.trials)], at: k)
            reporter.advance(cost: CostModel.seconds(forCluster: spec, d: spec.dValues[i]), seconds: Self.seconds(since: started))
        }
        reporter.finish()
        let probability = spec.dValues.indices.map { i in
            spec.sigmas.indices.map { j in table.get(i * spec.sigmas.count + j)?[.recovery] ?? .nan }
        }
        try cache?.storeClusterProbability(probability, for: spec)
        return ClusterResult(spec: spec, probability: probability)
    }

    /// Whether the cluster experiment's probabilities are in the cache.
    public func isCached(_ spec: ClusterSpec) -> Bool { cache?.clusterProbability(for: spec) != nil }

    static func clusterSeparated(d: Int, sigma: Double, means: ClusterMeans, stream: inout NumpyRandomState) -> Bool {
        var mu1: [Double], mu2: [Double]
        switch means {
        case .opposite:
            mu1 = [Double](repeating: 1, count: d)
            mu2 = [Double](repeating: -1, count: d)
        case .gaussian, .unitGaussian:
            mu1 = stream.randn(d)
            mu2 = stream.randn(d)
            if means == .unitGaussian {
                mu1.scale(by: 1 / mu1.norm)
                mu2.scale(by: 1 / mu2.norm)
            }
        }
        let u = mu1.scaled(by: 1 / mu1.norm).adding(mu2, scaledBy: -1 / mu2.norm)
        // Rows μ + g/σ: (μ + g/σ)·u = μ·u + (g·u)/σ, so one product of the noise with u suffices.
        let noise1 = stream.randn(50, d).times(u), noise2 = stream.randn(50, d).times(u)
        let center1 = mu1.dot(u), center2 = mu2.dot(u)
        return noise1.allSatisfy { center1 + $0 / sigma >= 0 } && noise2.allSatisfy { center2 + $0 / sigma < 0 }
    }
}
