import Foundation
import NumpyFiles

/// A batch script that runs one neurec command on a Slurm cluster in two parts: an array of `tasks`
/// jobs, each computing its shard into a shared cache (neurec reads SLURM_ARRAY_TASK_ID/COUNT), then
/// one job, started only when every task succeeded (`afterok`), that assembles the results with
/// `--require-complete` and writes the outputs.
///
/// The file is its own driver: `bash FILE` submits both parts and prints their job ids (`bash FILE
/// --wait` also waits for the assembling job and exits with its status); sbatch runs the same file
/// as `FILE compute` in each array task and `FILE assemble` for the last part.
public struct SlurmScript: Sendable, Equatable {
    /// The job name (`--job-name`), e.g. `neurec-paper`.
    public var name: String
    /// What it runs, for the header comment, e.g. `neurec run reports/paper.md --scale ci`.
    public var summary: String
    /// The neurec binary, by absolute path (the compute nodes must see it).
    public var executable: String
    /// Arguments of every array task (the shard comes from the array variables).
    public var computeArguments: [String]
    /// Arguments of the assembling job; `--require-complete` is added.
    public var assembleArguments: [String]
    public var tasks: Int
    public var cpusPerTask: Int
    public var partition: String?
    /// Wall-time limit per job in Slurm's notation (`HH:MM:SS`, `D-HH`, minutes).
    public var time: String?
    /// Where the jobs start (`--chdir`): relative paths in the arguments resolve against it.
    public var workingDirectory: String
    /// Folder of the jobs' stdout/stderr (`NAME-ARRAYID_TASK.out`, `NAME-JOBID-assemble.out`).
    public var logDirectory: String

    public init(name: String, summary: String, executable: String, computeArguments: [String], assembleArguments: [String],
                tasks: Int, cpusPerTask: Int = 1, partition: String? = nil, time: String? = nil,
                workingDirectory: String, logDirectory: String) {
        self.name = name
        self.summary = summary
        self.executable = executable
        self.computeArguments = computeArguments
        self.assembleArguments = assembleArguments
        self.tasks = tasks
        self.cpusPerTask = cpusPerTask
        self.partition = partition
        self.time = time
        self.workingDirectory = workingDirectory
        self.logDirectory = logDirectory
    }

    /// The running binary by absolute path: what the jobs of a script written by neurec run.
    public static func runningExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }

    /// Writes the script, executable, creating its folder.
    public func write(to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(Data(text.utf8), to: url)
        chmod(url.path, 0o755)
    }

    /// Submits a written script (`bash FILE`, which sbatches both parts and prints their job ids);
    /// returns bash's exit status.
    public static func submit(_ url: URL) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [url.path]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The script's text.
    public var text: String {
        let q = Self.shellQuoted
        var header = ["--job-name=\(name)", "--cpus-per-task=\(cpusPerTask)", "--chdir=\(workingDirectory)"]
        if let partition { header.append("--partition=\(partition)") }
        if let time { header.append("--time=\(time)") }
        let logs = logDirectory.hasSuffix("/") ? logDirectory : logDirectory + "/"
        return """
            #!/bin/bash
            # \(summary)
            # on Slurm: \(tasks) array tasks compute their shares into the shared cache, then one job
            # (afterok) assembles them with --require-complete and writes the results.
            # Submit both parts: bash THIS_FILE [--wait]. Logs: \(logs)
            \(header.map { "#SBATCH \($0)" }.joined(separator: "\n"))
            set -euo pipefail
            neurec=\(q(executable))
            case "${1:-}" in
              compute)
                # One array task: its shard of every missing trial, into the cache; no outputs.
                exec "$neurec" \(computeArguments.map(q).joined(separator: " ")) --jobs "${SLURM_CPUS_PER_TASK:-1}" --quiet
                ;;
              assemble)
                # Every task succeeded: fails unless every trial is in the cache, then writes the results.
                exec "$neurec" \(assembleArguments.map(q).joined(separator: " ")) --jobs "${SLURM_CPUS_PER_TASK:-1}" --require-complete
                ;;
              ""|--wait)
                command -v sbatch >/dev/null || { echo "$0: sbatch not found: run this on a Slurm login node" >&2; exit 1; }
                mkdir -p \(q(logs))
                array=$(sbatch --parsable --array=0-\(tasks - 1) --output=\(q(logs + name + "-%A_%a.out")) "$0" compute)
                array=${array%%;*}
                echo "array job $array (\(tasks) tasks)"
                assemble=(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes --output=\(q(logs + name + "-%j-assemble.out")))
                if [ "${1:-}" = --wait ]; then
                  echo "assembling job (waiting for it):"
                  exec "${assemble[@]}" --wait "$0" assemble
                fi
                echo "assembling job $("${assemble[@]}" "$0" assemble)"
                ;;
              *)
                echo "usage: bash $0 [--wait]   (compute and assemble are the jobs' own steps)" >&2
                exit 2
                ;;
            esac

            """
    }

    /// `'…'` with embedded quotes spelled `'\''`; plain words stay bare.
    public static func shellQuoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_./=:,+@%".unicodeScalars.contains($0)
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
