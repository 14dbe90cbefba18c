import Experiments

/// What the report layer needs from the experiments layer: `RunnerExecutor` puts the cached,
/// parallel `ExperimentRunner` (progress on stderr) behind it; tests use fakes.
public protocol ExperimentExecuting {
    func run(_ spec: ExperimentSpec) throws -> ExperimentResult
    func runCluster(_ spec: ClusterSpec) throws -> ClusterResult
}

/// The cached, parallel `ExperimentRunner` behind the protocol. It keeps each result, so a second
/// look at a block's experiments (the figure checks after a build) reads neither the cache nor, with
/// no cache, computes again.
public final class RunnerExecutor: ExperimentExecuting {
    public let runner: ExperimentRunner
    private var results: [ExperimentSpec: ExperimentResult] = [:]
    private var clusterResults: [ClusterSpec: ClusterResult] = [:]

    public init(runner: ExperimentRunner) { self.runner = runner }

    public func run(_ spec: ExperimentSpec) throws -> ExperimentResult {
        if let known = results[spec] { return known }
        let result = try runner.run(spec, label: nil)
        results[spec] = result
        return result
    }

    public func runCluster(_ spec: ClusterSpec) throws -> ClusterResult {
        if let known = clusterResults[spec] { return known }
        let result = try runner.runCluster(spec)
        clusterResults[spec] = result
        return result
    }
}
