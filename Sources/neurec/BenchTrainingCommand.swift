import ArgumentParser
import Experiments
import Foundation
import Instances
import LinearAlgebra
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
        let torch = !noTorch && Self.torchAvailable()
        if !torch {
            print(noTorch ? "PyTorch skipped (--no-torch)." : "PyTorch not installed: neurec's own times only.")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurec-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        useOneBLASThreadForTraining()
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first ?? "?"
        print("OpenBLAS kernels: \(BLASRuntime.coreName); training threads: \(threads) (OpenBLAS: \(BLASRuntime.threadCount));"
              + " load average: \(load)"
              + " (times are wall clock: other work on the machine inflates them)")
        print("network     n    d  epochs  neurec (s)  cpu (s)" + (torch ? "  pytorch (s)  speed-up" : ""))
        for (n, d) in try parsedSizes() {
            for kind in try parsedNets() {
                var stream = CellStreams.instance(seed: seed, n: n, d: d, trial: 0)
                let instance = InstanceDraws.trainingBenchmark(n: n, d: d, reluNeurons: kind == .normalized, from: &stream)
                var rng = CellStreams.initialization(seed: seed, n: n, d: d, trial: 0)
                var best = Double.infinity, bestCPU = Double.infinity
                for _ in 0..<repeats {
                    let cpuStart = Self.processCPUSeconds()
                    let report = instance.train(kind, settings: settings, precision: .float, using: &rng)
                    bestCPU = min(bestCPU, Self.processCPUSeconds() - cpuStart)
                    best = min(best, report.seconds)
                }
                var line = "\(kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))"
                    + String(format: " %4d %4d  %6d  %10.4f  %7.4f", n, d, epochs, best, bestCPU)
                if torch {
                    let file = directory.appendingPathComponent("\(kind.rawValue)_\(n)_\(d).json")
                    try Data(instance.json.text.utf8).write(to: file)
                    if let seconds = (try runTorch(file: file.path, kind: kind, repeats: repeats, seed: 0)?["seconds"]
                                      as? NSNumber)?.doubleValue {
                        line += String(format: "  %11.4f  %7.1f×", seconds, seconds / best)
                    } else {
                        line += "  (PyTorch run failed)"
                    }
                }
                print(line)
            }
        }
        if distanceTrials > 0 { try compareDistances(torch: torch, directory: directory) }
    }

    /// Mean ± standard deviation over trials of dis_test, each trial its own instance and initialization.
    private func compareDistances(torch: Bool, directory: URL) throws {
        print("\nnetwork     n    d  trials  neurec dis_test" + (torch ? "      pytorch dis_test" : ""))
        for (n, d) in try parsedSizes() {
            for kind in try parsedNets() {
                var ours: [Double] = [], theirs: [Double] = []
                for trial in 0..<distanceTrials {
                    var stream = CellStreams.instance(seed: seed, n: n, d: d, trial: trial)
                    let instance = InstanceDraws.trainingBenchmark(n: n, d: d, reluNeurons: kind == .normalized, from: &stream)
                    var rng = CellStreams.initialization(seed: seed, n: n, d: d, trial: trial)
                    let summary = instance.train(kind, settings: settings, precision: .float, using: &rng)
                    if let distance = summary.testDistance { ours.append(distance) }
                    if torch {
                        let file = directory.appendingPathComponent("\(kind.rawValue)_\(n)_\(d)_\(trial).json")
                        try Data(instance.json.text.utf8).write(to: file)
                        if let distance = (try runTorch(file: file.path, kind: kind, repeats: 1, seed: trial)?["dis_test"]
                                           as? NSNumber)?.doubleValue {
                            theirs.append(distance)
                        }
                    }
                }
                var line = "\(kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))"
                    + String(format: " %4d %4d  %6d  ", n, d, distanceTrials) + Self.meanAndSpread(ours)
                if torch { line += "  " + Self.meanAndSpread(theirs) }
                print(line)
            }
        }
    }

    private static func meanAndSpread(_ values: [Double]) -> String {
        guard !values.isEmpty else { return String(repeating: " ", count: 11) + "n/a" }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.count > 1
            ? values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1) : 0
        return String(format: "%8.4f ± %-8.4f", mean, variance.squareRoot())
    }

    /// CPU time of all the process's threads (OpenBLAS's too): less sensitive than wall time to other
    /// work on the machine; with one thread it is what the wall time would be on an idle machine.
    private static func processCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    private static func torchAvailable() -> Bool {
        (try? runProcess(["python3", "-c", "import torch"]))?.status == 0
    }

    /// The PyTorch script's JSON line, or nil when it failed.
    private func runTorch(file: String, kind: NetworkKind, repeats: Int, seed: Int) throws -> [String: Any]? {
        let result = try Self.runProcess(["python3", torchScript, file, "--net", kind.rawValue, "--epochs", "\(epochs)",
                                          "--repeats", "\(repeats)", "--threads", "\(threads)", "--seed", "\(seed)"])
        guard result.status == 0 else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
    }

    private static func runProcess(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
