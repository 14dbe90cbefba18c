import Foundation
import Instances
import LinearAlgebra
import Vocabulary

extension ExperimentRunner {
    /// Computes into the cache the missing trials of experiments that differ only in σ (a block's
    /// noise panels), each cell's panels one after the other on one worker, so that the normalized
    /// programs of a cell share their pattern factors (`SharedPatternFactors`): the canonical draw gives
    /// them the same X and patterns. The results are the separate runs' to the last bit; `run` then
    /// assembles each panel from the cache. Returns the trials computed.
    ///
    /// Does nothing (returns 0) where nothing is shared or the cache could not carry the records to
    /// `run`: fewer than two panels, panels that differ in more than σ, networks other than the
    /// normalized one, training, numpy streams, no cache, a shard, `--save_details` or
    /// `--require-complete`.
    public func computeSigmaPanelsTogether(_ specs: [ExperimentSpec], label: String? = nil) throws -> Int {
        guard specs.count >= 2, let cache, shard == nil, details == nil, !requireComplete,
              let first = specs.first, first.learned == .normalized, first.fitting != .train, first.rng == .cell,
              specs.allSatisfy({ Self.sigmaFree($0) == Self.sigmaFree(first) }) else { return 0 }
        for spec in specs { try spec.validate() }
        let cells = first.grid.cells
        let missing = specs.map { Set(missingPositions(of: $0)) }
        let positions = cells.indices.filter { position in missing.contains { $0.contains(position) } }
        guard !positions.isEmpty else { return 0 }
        let costs = positions.map { position in
            specs.indices.reduce(0.0) { $0 + (missing[$1].contains(position) ? CostModel.seconds(for: specs[$1], at: cells[position]) : 0) }
        }
        let cost = costs.reduce(0, +)
        let trials = missing.reduce(0) { $0 + $1.count }
        let name = label ?? "\(describe(first)), \(specs.count) σ panels sharing their pattern factors"
        RunPlan(label: name, cells: first.grid.nValues.count * first.grid.dValues.count, instances: trials,
                toCompute: trials, cpuSeconds: cost, jobs: jobs).announce(progress)
        let reporter = ProgressReporter(label: name, total: positions.count, cost: cost, jobs: jobs, style: progress,
                                        report: reportProgress.block(for: first))
        let evaluations = specs.map { TrialEvaluation(spec: $0) }
        let sources = specs.map { InstanceSource(draws: $0.draws, grid: $0.grid, mode: .cell, seed: $0.seed) }
        let entries = specs.map { cache.entry(for: $0) }
        let failures = Locked<[Error]>([])
        let restoreBLAS = singleThreadedBLAS()
        defer { restoreBLAS() }
        let order = WorkOrder.interleaved(costs: costs)
        parallelForEach(order.count, jobs: jobs) { k in
            let started = DispatchTime.now().uptimeNanoseconds
            let position = positions[order[k]], cell = cells[position]
            let sharing = SharedPatternFactors()
            for s in specs.indices where missing[s].contains(position) {
                let record = sources[s].instance(at: cell).map { evaluations[s].evaluateWithFit($0, sharing: sharing).record }
                    ?? evaluations[s].skippedCell()
                do { try entries[s].store(record, for: cell) } catch { failures.withValue { $0.append(error) } }
            }
            reporter.advance(cost: costs[order[k]], seconds: Self.seconds(since: started))
        }
        if let error = failures.current.first { throw error }
        reporter.finish()
        return trials
    }

    /// The spec with σ set aside: what panels that may share their draws must agree on.
    private static func sigmaFree(_ spec: ExperimentSpec) -> ExperimentSpec {
        var free = spec
        free.parameters.sigma = 0
        free.metrics = []
        return free
    }
}
