import ArgumentParser
import Experiments
import Foundation
import Reports

/// `neurec slurm`: a batch script that runs a report or an experiment on a Slurm cluster as a job
/// array plus one dependent job that assembles (see `SlurmScript`).
struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Write (and optionally submit) a Slurm batch script: an array of tasks computing shards into a shared cache, then one job assembling the report or arrays.",
        discussion: """
            neurec slurm reports/paper.md --scale paper --tasks 16 --cache /shared/neurec-cache --time 01:00:00
            neurec slurm --experiment "rec_rate_skip --n 400 --d 100" --tasks 16 --cache /shared/neurec-cache
            The script runs the binary that wrote it, from the current folder (--chdir), so both must be on a file system the \
            compute nodes share, like the cache. `bash SCRIPT` submits both parts (--wait waits for the last one).
            """)

    @Argument(help: "A report template, e.g. reports/paper.md (or use --experiment).")
    var template: String?
    @Option(help: "Instead of a report: an experiment command with its flags, e.g. \"rec_rate_skip --n 400 --d 100\" (words split at spaces).")
    var experiment: String?
    @Option(help: "The report's named scale (default: its default scale).")
    var scale: String?
    @Option(help: "Array tasks: each takes part in every boundary search and computes 1/N of the grids by estimated cost.")
    var tasks: Int
    @Option(help: "Slurm partition (default: the cluster's).")
    var partition: String?
    @Option(help: "Wall-time limit per job, e.g. 01:00:00 (default: the partition's).")
    var time: String?
    @Option(help: "CPUs per task; each task runs that many worker threads.")
    var cpusPerTask: Int = 1
    @Option(help: "Cache folder on a file system every node shares (default: $NEUREC_CACHE or ./.neurec-cache).")
    var cache: String?
    @Option(help: "The report's output folder (reports only).")
    var out: String = "out"
    @Option(help: "Where the script goes (default: NAME.slurm.sh in the current folder).")
    var script: String?
    @Flag(help: "Submit it at once (bash SCRIPT) and print the job ids.")
    var submit = false

    func validate() throws {
        guard (template == nil) != (experiment == nil) else {
            throw ValidationError("name a report template or --experiment \"COMMAND FLAGS\", not both and not neither")
        }
        if tasks < 1 { throw ValidationError("--tasks must be at least 1, got \(tasks)") }
        if cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be at least 1, got \(cpusPerTask)") }
        if experiment != nil, scale != nil { throw ValidationError("--scale: for reports only (an experiment takes --n, --d, --sample)") }
    }

    func run() throws {
        let here = FileManager.default.currentDirectoryPath
        let cacheFolder = URL(fileURLWithPath: cache ?? ResultCache.defaultDirectory().path).standardizedFileURL.path
        let shared = ["--cache", cacheFolder]
        let name: String, summary: String, compute: [String], assemble: [String]
        if let template {
            let workload: ReportWorkload
            do { workload = try ReportWorkload(templateAt: URL(fileURLWithPath: template), scale: scale) } catch let error as ReportError {
                throw ValidationError(error.description)
            }
            name = workload.reportName
            let scaleArguments = scale.map { ["--scale", $0] } ?? []
            compute = ["run", template] + scaleArguments + ["--out", out] + shared
            assemble = compute
            summary = "neurec " + (["run", template] + scaleArguments).joined(separator: " ")
        } else {
            let words = experiment!.split(separator: " ").map(String.init)
            try Self.checkExperiment(words)
            name = words[0]
            compute = words + shared
            assemble = compute
            summary = "neurec " + words.joined(separator: " ")
        }
        let scriptURL = URL(fileURLWithPath: script ?? "\(name).slurm.sh").standardizedFileURL
        let job = SlurmScript(name: "neurec-\(name)", summary: summary, executable: SlurmScript.runningExecutable(),
                              computeArguments: compute, assembleArguments: assemble, tasks: tasks, cpusPerTask: cpusPerTask,
                              partition: partition, time: time, workingDirectory: here,
                              logDirectory: scriptURL.deletingLastPathComponent().appendingPathComponent("slurm-logs").path)
        try job.write(to: scriptURL)
        print("wrote \(scriptURL.path)")
        guard submit else { return }
        fflush(nil)  // our line before the script's own
        let status = try SlurmScript.submit(scriptURL)
        if status != 0 { throw ExitCode(status) }
    }

    /// The experiment must be one of the commands that run a grid through the cache, with valid flags.
    static func checkExperiment(_ words: [String]) throws {
        guard let command = words.first else { throw ValidationError("--experiment: name a command, e.g. \"rec_rate_skip --n 400 --d 100\"") }
        let parsed: ParsableCommand
        do { parsed = try Neurec.parseAsRoot(words) } catch {
            throw ValidationError("--experiment \"\(words.joined(separator: " "))\": \(Neurec.message(for: error))")
        }
        guard parsed is any GridExperimentCommand || parsed is any OriginalScriptRunning else {
            throw ValidationError("--experiment: '\(command)' is not an experiment command; use an original script's name (rec_rate_skip, …), experiment or nic")
        }
        if words.contains(where: { ["--shard", "--no-cache", "--cache", "--require-complete"].contains($0) }) {
            throw ValidationError("--experiment: leave out --shard, --cache, --no-cache and --require-complete; the script sets them")
        }
    }
}

/// The original scripts' commands, whatever the script (a generic type cannot be matched with `is`).
protocol OriginalScriptRunning {}
extension OriginalScriptCommand: OriginalScriptRunning {}
