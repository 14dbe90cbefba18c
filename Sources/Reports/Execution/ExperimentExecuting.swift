import Experiments

/// What the report layer needs from the experiments layer. The real `ExperimentRunner` (cached,
/// parallel, progress on stderr) conforms to this; tests use fakes.
public protocol ExperimentExecuting {
    func run(_ spec: ExperimentSpec) throws -> ExperimentResult
    func runCluster(_ spec: ClusterSpec) throws -> ClusterResult
}
