import Foundation
import Instances
import LinearAlgebra
import Vocabulary

extension ExperimentRunner {
    /// Computes into the cache the missing trials of experiments that differ only in σ (a block's
    /// noise panels), each cell's panels one after the other on one worker, largest σ first, passing
    /// what they can share (`CellPanelSharing`; the canonical draw gives them the same X and patterns):
    /// a normalized program's pattern factors, which leave the records the separate runs' to the last
    /// bit, and a relaxed or approx minimizer's patterns, from which the next noisy panel's program
    /// starts (its record then equals a separate run's to the solver's tolerance). `run` then
    /// assembles each panel from the cache. Returns the trials computed.
    ///
    /// Does nothing (returns 0) where nothing is shared or the cache could not carry the records to
    /// `run`: fewer than two panels, panels that differ in more than σ, skip and plain networks' exact
    /// programs, training, numpy streams, no cache, `--save_details` or `--require-complete`.
    ///
    /// `positions`: only those cells (a shard's share, `ShardPlan` giving each cell's panels one owner);
    /// without it every cell, and a runner with a shard computes nothing here.
    public func computeSigmaPanelsTogether(_ panels: [ExperimentSpec], positions owned: [Int]? = nil, label: String? = nil) throws -> Int {
        let specs = Self.onePerSigma(panels)
        guard specs.count >= 2, let cache, shard == nil || owned != nil, details == nil, !requireComplete,
              let first = specs.first, Self.sharesAcrossPanels(first),
              specs.allSatisfy({ Self.sigmaFree($0) == Self.sigmaFree(first) }) else { return 0 }
        for spec in specs { try spec.validate() }
        let cells = first.grid.cells
        let missing = specs.map { Set(missingPositions(of: $0, among: owned)) }
        let positions = cells.indices.filter { position in missing.contains { $0.contains(position) } }
        guard !positions.isEmpty else { return 0 }
        let costs = positions.map { position in
            specs.indices.reduce(0.0) { $0 + (missing[$1].contains(position) ? CostModel.seconds(for: specs[$1], at: cells[position]) : 0) }
        }
        let cost = costs.reduce(0, +)
        let trials = missing.reduce(0) { $0 + $1.count }
        let name = label ?? "\(describe(first)), \(specs.count) σ panels computed together"
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
        // Largest σ first: its minimizer uses the most patterns, and the smaller σ's are among them or
        // nearest to entering it (the other way round, normalized seeds missed a few and solved twice).
        let byLargestSigma = specs.indices.sorted { specs[$0].parameters.sigma > specs[$1].parameters.sigma }
        parallelForEach(order.count, jobs: jobs) { k in
            let started = DispatchTime.now().uptimeNanoseconds
            let position = positions[order[k]], cell = cells[position]
            let sharing = CellPanelSharing()
            for s in byLargestSigma where missing[s].contains(position) {
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

    /// The specs of `specs` that `computeSigmaPanelsTogether` takes together, by index: those whose
    /// programs share something across panels and differ only in σ and the metric, with at least two
    /// σ values. For `ShardPlan`, which gives each cell's panels one owner: every spec of a group,
    /// since one with a σ already in it (another metric) reads the same records and must not compute
    /// them apart from the others in another shard.
    static func sigmaPanelGroups(_ specs: [ExperimentSpec]) -> [[Int]] {
        var groups: [ExperimentSpec: [Int]] = [:], order: [ExperimentSpec] = []
        for (k, spec) in specs.enumerated() where sharesAcrossPanels(spec) {
            let key = sigmaFree(spec)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(k)
        }
        return order.compactMap { groups[$0] }.filter { group in Set(group.map { specs[$0].parameters.sigma }).count >= 2 }
    }

    /// The first spec of each σ: another with the same σ (and another metric) has the same records.
    static func onePerSigma(_ specs: [ExperimentSpec]) -> [ExperimentSpec] {
        var sigmas = Set<Double>()
        return specs.filter { sigmas.insert($0.parameters.sigma).inserted }
    }

    /// Whether a spec's σ panels have something to pass on (`CellPanelSharing`): normalized pattern
    /// factors, relaxed and approx minimizers' patterns; on cell-mode streams, where the panels share X.
    private static func sharesAcrossPanels(_ spec: ExperimentSpec) -> Bool {
        (spec.learned == .normalized || spec.fitting == .approx || spec.fitting == .relaxed) && spec.fitting != .train && spec.rng == .cell
    }

    /// The spec with σ set aside: what panels that may share their draws must agree on.
    private static func sigmaFree(_ spec: ExperimentSpec) -> ExperimentSpec {
        var free = spec
        free.parameters.sigma = 0
        free.metrics = []
        return free
    }
}
