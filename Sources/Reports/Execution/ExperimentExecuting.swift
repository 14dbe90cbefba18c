import Foundation
import Experiments

/// What the report layer needs from the experiments layer: `RunnerExecutor` puts the cached,
/// parallel `ExperimentRunner` (progress on stderr) behind it; tests use fakes. Sendable: a boundary
/// block's searches probe from several threads at once (`BoundarySpec.run`).
public protocol ExperimentExecuting: Sendable {
    func run(_ spec: ExperimentSpec) throws -> ExperimentResult
    func runCluster(_ spec: ClusterSpec) throws -> ClusterResult
    /// One probe of a boundary search (a one-cell grid run): like `run`, but it need not announce itself.
    func runProbe(_ spec: ExperimentSpec) throws -> ExperimentResult
    /// Before a block's `run`s: computes what its experiments can share (σ panels of one cell), so
    /// that each `run` then finds its trials done. The results are the same either way.
    func prepare(_ specs: [ExperimentSpec]) throws
}

extension ExperimentExecuting {
    public func runProbe(_ spec: ExperimentSpec) throws -> ExperimentResult { try run(spec) }
    public func prepare(_ specs: [ExperimentSpec]) throws {}
}

/// The cached, parallel `ExperimentRunner` behind the protocol. It keeps each result, so a second
/// look at a block's experiments (the figure checks after a build) reads neither the cache nor, with
/// no cache, computes again.
public final class RunnerExecutor: ExperimentExecuting, @unchecked Sendable {
    public let runner: ExperimentRunner
    /// Guards the two result stores: probes arrive from several searches at once.
    private let lock = NSLock()
    private var results: [ExperimentSpec: ExperimentResult] = [:]
    private var clusterResults: [ClusterSpec: ClusterResult] = [:]

    private let probeRunner: ExperimentRunner

    public init(runner: ExperimentRunner) {
        self.runner = runner
        probeRunner = runner.probing()
    }

    /// Through the same cache, quietly: a search makes dozens of probes and logs one line per d.
    public func runProbe(_ spec: ExperimentSpec) throws -> ExperimentResult {
        try remembered(spec) { try probeRunner.run(spec, label: nil) }
    }

    public func prepare(_ specs: [ExperimentSpec]) throws {
        _ = try runner.computeSigmaPanelsTogether(specs.filter { spec in lock.withLock { results[spec] == nil } })
    }

    public func run(_ spec: ExperimentSpec) throws -> ExperimentResult {
        try remembered(spec) { try runner.run(spec, label: nil) }
    }

    /// The kept result, else `compute`'s, kept (computed outside the lock: probes run side by side).
    private func remembered(_ spec: ExperimentSpec, _ compute: () throws -> ExperimentResult) throws -> ExperimentResult {
        if let known = lock.withLock({ results[spec] }) { return known }
        let result = try compute()
        lock.withLock { results[spec] = result }
        return result
    }

    public func runCluster(_ spec: ClusterSpec) throws -> ClusterResult {
        if let known = lock.withLock({ clusterResults[spec] }) { return known }
        let result = try runner.runCluster(spec)
        lock.withLock { clusterResults[spec] = result }
        return result
    }
}
