import Experiments
import Foundation

/// Every experiment a report needs, gathered from its blocks before anything is built. A report is
/// only ever built from complete results: a shard (`--shard`, a Slurm array task) computes its share
/// of all blocks' trials into the cache and builds nothing, and `--require-complete` fails on any
/// missing trial instead of computing it.
public struct ReportWorkload: Sendable {
    public let reportName: String
    /// Distinct grid experiments and the blocks that use each, in document order.
    public let specs: [(spec: ExperimentSpec, blocks: [String])]
    public let clusters: [(spec: ClusterSpec, blocks: [String])]
    /// Every block with experiments, in document order (the order they run).
    public let blockNames: [String]
    /// Boundary searches, one per block: their probes are only known by running them.
    public let boundaries: [(spec: BoundarySpec, block: String)]

    public init(_ parsed: ParsedTemplate) {
        var specs: [(spec: ExperimentSpec, blocks: [String])] = []
        var clusters: [(spec: ClusterSpec, blocks: [String])] = []
        boundaries = parsed.directives.compactMap { directive in directive.boundary.map { ($0, directive.id) } }
        for directive in parsed.directives {
            for run in directive.runs {
                switch run {
                case .grid(let spec):
                    if let k = specs.firstIndex(where: { $0.spec == spec }) {
                        if specs[k].blocks.last != directive.id { specs[k].blocks.append(directive.id) }
                    } else {
                        specs.append((spec, [directive.id]))
                    }
                case .cluster(let spec):
                    if let k = clusters.firstIndex(where: { $0.spec == spec }) {
                        clusters[k].blocks.append(directive.id)
                    } else {
                        clusters.append((spec, [directive.id]))
                    }
                }
            }
        }
        reportName = parsed.name
        self.specs = specs
        self.clusters = clusters
        blockNames = parsed.directives.filter { !$0.runs.isEmpty }.map(\.id)
    }

    /// Reads and parses the template (as `ReportBuilder` will) to see its blocks.
    public init(templateAt url: URL, scale: String?, keepGoing: Bool = false) throws {
        self.init(try ReportBuilder.parse(templateAt: url, scale: scale, keepGoing: keepGoing).parsed)
    }

    /// Missing trials per block, in document order (blocks with none left out). A cluster experiment
    /// counts its (d, σ) cells.
    public func missingTrials(in runner: ExperimentRunner) -> [(name: String, trials: Int)] {
        var missing: [(name: String, trials: Int)] = []
        func add(_ count: Int, to blocks: [String]) {
            guard count > 0 else { return }
            // A spec shared by several blocks is charged to the first, so the totals stay true.
            if let k = missing.firstIndex(where: { $0.name == blocks[0] }) { missing[k].trials += count } else { missing.append((blocks[0], count)) }
        }
        for (spec, blocks) in specs { add(runner.missingPositions(of: spec).count, to: blocks) }
        for (spec, blocks) in clusters where !runner.isCached(spec) { add(spec.dValues.count * spec.sigmas.count, to: blocks) }
        // A search replayed from the cache alone stops at its first missing probe: that probe's trials
        // are missing at least (the later probes depend on its outcome).
        let replay = ExperimentRunner(cache: runner.cache, jobs: runner.jobs, progress: .quiet, details: runner.details,
                                      requireComplete: true)
        for (spec, block) in boundaries {
            do { _ = try spec.run { try replay.run($0) } } catch let incomplete as IncompleteResults {
                add(incomplete.missing.reduce(0) { $0 + $1.trials }, to: [block])
            } catch {
                add(1, to: [block])
            }
        }
        return missing
    }

    /// What to do before building, given the runner's settings:
    /// - with a shard, compute its share of every block's missing trials into the cache and return
    ///   the line to print; the report must then not be built;
    /// - with `requireComplete`, throw `IncompleteResults` naming the blocks with missing trials;
    /// - otherwise say on `log` how many trials will be computed, and return nil: build.
    public func prepare(with runner: ExperimentRunner, log: (String) -> Void) throws -> String? {
        if let shard = runner.shard {
            let started = Date()
            let computed = try runner.computeShare(of: specs.map(\.spec), clusters: clusters.map(\.spec),
                                                   boundaries: boundaries.map(\.spec), shard: shard)
            let left = missingTrials(in: runner).reduce(0) { $0 + $1.trials }
            return String(format: "%@: shard %@ computed %d trials into the cache in %.1f s (%d of the report's trials still missing); no report written: assemble with a run without --shard",
                          reportName, shard.description, computed, Date().timeIntervalSince(started), left)
        }
        let missing = missingTrials(in: runner)
        guard !missing.isEmpty else { return nil }
        if runner.requireComplete { throw IncompleteResults(missing: missing) }
        let total = missing.reduce(0) { $0 + $1.trials }
        // Each block's progress then shows the whole report's too (a spec shared by blocks counts in the first).
        runner.planReport(blockNames.map { name in
            (name, specs.filter { $0.blocks[0] == name }.map(\.spec), clusters.filter { $0.blocks[0] == name }.map(\.spec))
        })
        // A boundary search's later probes are unknown until its first missing one is computed.
        let atLeast = boundaries.contains { block in missing.contains { $0.name == block.block } } ? "at least " : ""
        log("neurec: \(reportName): computing \(atLeast)\(total) missing trials of \(missing.count) blocks (\(missing.map(\.name).joined(separator: ", ")))")
        return nil
    }
}
