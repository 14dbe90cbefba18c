import ArgumentParser
import Experiments
import Training
import Vocabulary

struct BenchTraining: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training",
        abstract: "Time the original's training work (float32, m = n + 1, a test loss every epoch) against PyTorch.",
        discussion: """
        For each size and network, draws one instance (Gaussian X/√n with a test set of the same law; \
        skip: a planted unit linear neuron, normalized: two planted Gaussian ReLU neurons), trains on \
        it, and reports the best of --repeats wall times. When `python3 -c "import torch"` works, runs \
        --torch-script on the same instance with torch.set_num_threads(--threads) and prints the ratio; \
        otherwise prints neurec's times alone. neurec runs each training on --threads threads too (a \
        block of neurons each, OpenBLAS on one thread). The cpu column is the process CPU time, a \
        steadier figure than wall time on a shared machine.
        """)

    @Option(help: "Comma-separated sizes n×d.")
    var sizes: String = "200x50,400x100"

    @Option(help: "Comma-separated networks.")
    var nets: String = "skip,normalized"

    @Option(help: "Epochs per run.")
    var epochs: Int = 400

    @Option(help: "Runs per measurement; the fastest counts.")
    var repeats: Int = 3

    @Option(help: "Threads for each training, neurec's and PyTorch's (torch.set_num_threads).")
    var threads: Int = 2

    @Option(help: "The PyTorch script doing the original's work.")
    var torchScript: String = "bench/torch_train.py"

    @Flag(help: "Skip PyTorch even when it is installed.")
    var noTorch = false

    @Option(help: "Also train on this many instances per size and network (trials 0..<N of the cell streams) and compare the mean and spread of dis_test with PyTorch's.")
    var distanceTrials: Int = 0

    @Option(help: "Seed of the instances and initializations (the project's cell streams).")
    var seed: UInt32 = 97_006_855

    func validate() throws {
        _ = try parsedSizes()
        _ = try parsedNets()
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard distanceTrials >= 0 else {
            throw ValidationError("--distance-trials must be a non-negative integer, got \(distanceTrials)")
        }
    }

    /// The original's settings at --epochs, on --threads.
    var settings: TrainingSettings { TrainingSettings(epochs: epochs, threads: threads) }

    func parsedSizes() throws -> [(n: Int, d: Int)] {
        try sizes.split(separator: ",").map { part in
            let pieces = part.lowercased().split(separator: "x").compactMap { Int($0) }
            guard pieces.count == 2, (1...ExperimentSpec.maxSize).contains(pieces[0]), (1...ExperimentSpec.maxSize).contains(pieces[1]) else {
                throw ValidationError("--sizes expects comma-separated n×d such as 200x50, each in [1, \(ExperimentSpec.maxSize)], got '\(part)'")
            }
            let bytes = try RunEstimate.trainingBytes(n: pieces[0], d: pieces[1], width: pieces[0] + 1)
            if let memory = RunEstimate.machineMemoryBytes(), bytes > memory {
                throw ValidationError("--sizes \(part): training needs \(bytes / 1_000_000) MB, more than this machine's \(memory / 1_000_000) MB")
            }
            return (pieces[0], pieces[1])
        }
    }

    func parsedNets() throws -> [NetworkKind] {
        try nets.split(separator: ",").map { name in
            guard let kind = NetworkKind(rawValue: String(name)) else {
                let choices = NetworkKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("--nets expects networks among \(choices), got '\(name)'")
            }
            return kind
        }
    }

    func run() throws {
        try TrainingBenchmark(sizes: try parsedSizes(), networks: try parsedNets(), settings: settings, repeats: repeats,
                              torchScript: torchScript, useTorch: !noTorch, distanceTrials: distanceTrials, seed: seed)
            .run { print($0) }
    }
}
