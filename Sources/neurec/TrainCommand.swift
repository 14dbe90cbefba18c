import ArgumentParser
import Experiments
import Foundation
import Instances
import Training
import Vocabulary

extension NetworkKind: ExpressibleByArgument {}
extension OptimizerMode: ExpressibleByArgument {}

extension TrainingPrecision: ExpressibleByArgument {}
extension TrainingScaling: ExpressibleByArgument {}

/// The training flags shared by `train` and `bench training`.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Full-batch epochs (one AdamW step each).")
    var epochs: Int = 400

    @Option(help: "reset: a fresh AdamW every epoch, as the original (sign-like steps); persistent: ordinary AdamW.")
    var optimizer: OptimizerMode = .reset

    @Option(name: .customLong("lr"), help: "AdamW learning rate.")
    var learningRate: Double = 2e-3

    @Option(help: "Decoupled weight decay, applied to every parameter.")
    var weightDecay: Double = 1e-6

    @Option(help: "Hidden width m (default: n + 1).")
    var width: Int?

    @Option(help: "float: float32 through sgemm, as the original; double: for checking.")
    var precision: TrainingPrecision = .float

    @Option(help: "unit: train on X and y divided by X's root-mean-square column norm and ‖y‖, and report in the data's units, so results do not depend on the units; as-given: the data as they are, as the original.")
    var scaling: TrainingScaling = .unit

    @Option(help: "Seed of the project's streams: the initialization is drawn from the cell stream (seed, n, d, trial).")
    var seed: UInt32 = 97_006_855

    @Option(help: "Trial index of the initialization stream (default: the file's `trial`, else 0).")
    var trial: Int?

    @Option(help: "Threads sharing the run, each taking a share of the neurons (default: all cores). Results do not depend on it.")
    var threads: Int?

    func validate() throws {
        guard epochs >= 0 else { throw ValidationError("--epochs must be a non-negative integer, got \(epochs)") }
        guard learningRate > 0, learningRate.isFinite else {
            throw ValidationError("--lr must be a positive number, got \(learningRate)")
        }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw ValidationError("--weight-decay must be a non-negative number, got \(weightDecay)")
        }
        if let width, !(1...Self.maxWidth).contains(width) { throw ValidationError("--width must be in [1, \(Self.maxWidth)], got \(width)") }
        guard epochs <= Self.maxEpochs else { throw ValidationError("--epochs must be at most \(Self.maxEpochs), got \(epochs)") }
        if let trial, trial < 0 { throw ValidationError("--trial must be a non-negative integer, got \(trial)") }
        if let threads, !(1...1024).contains(threads) { throw ValidationError("--threads must be in [1, 1024], got \(threads)") }
    }

    /// Hidden widths beyond this are no two-layer network of the paper's kind (README: Stated limits).
    static let maxWidth = 10_000_000
    static let maxEpochs = 100_000_000

    /// Refuses a width whose parameters and activations would not fit in memory.
    func checkMemory(n: Int, d: Int) throws {
        let width = width ?? n + 1
        let bytes: Int
        do { bytes = try RunEstimate.trainingBytes(n: n, d: d, width: width) } catch { throw ValidationError("--width: \(error)") }
        if let memory = RunEstimate.machineMemoryBytes(), bytes > memory {
            throw ValidationError("--width \(width): training needs \(bytes / 1_000_000) MB, more than this machine's \(memory / 1_000_000) MB (use a smaller width)")
        }
    }

    var settings: TrainingSettings {
        TrainingSettings(epochs: epochs, learningRate: learningRate, weightDecay: weightDecay, width: width,
                         optimizer: optimizer, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
                         scaling: scaling)
    }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a two-layer ReLU network on an instance and print losses and distances as JSON.",
        discussion: """
        FILE is an instance as `neurec instance` prints it: X (n rows of d numbers), y, and optionally \
        X_test, y_test and the planted weights w. Training follows science §5: PyTorch's initialization, \
        loss ‖f(X) − y‖², full batch, AdamW (lr 2e-3, weight decay 1e-6), the test loss evaluated after \
        every step. Prints seconds, train_loss, test_loss, dis_abs (skip: ‖α₀w₀ − w*‖), dis_test \
        (√ final test loss); null where the instance lacks what a metric needs.
        """)

    @Argument(help: "The instance JSON file.")
    var file: String

    @Option(name: .customLong("net"), help: "Network: plain, skip or normalized.")
    var network: NetworkKind

    @OptionGroup var options: TrainingOptions

    @Flag(help: "Also print the per-epoch training and test losses.")
    var curves = false

    func run() throws {
        let instance: Instance
        do { instance = try Instance(contentsOf: file) } catch {
            FileHandle.standardError.write(Data("\(userMessage(for: error, path: file))\n".utf8))
            throw ExitCode(1)
        }
        try options.checkMemory(n: instance.n, d: instance.d)
        let trial = options.trial ?? instance.trial ?? 0
        TrainingSettings.useOneBLASThread()
        var rng = CellStreams.initialization(seed: options.seed, n: instance.n, d: instance.d, trial: trial)
        let report = instance.train(network, settings: options.settings, precision: options.precision, using: &rng)
        let record = report.json(precision: options.precision, settings: options.settings, seed: options.seed,
                                 trial: trial, n: instance.n, d: instance.d, curves: curves)
        if !report.trainLoss.isFinite {
            FileHandle.standardError.write(Data("Error: \(file): training diverged: the training loss is not a finite number (the data are too large for \(options.precision.rawValue) arithmetic; use --scaling unit or --precision double)\n".utf8))
            throw ExitCode(1)
        }
        print(record.text)
    }
}
