import ArgumentParser
import Experiments
import Foundation
import Instances
import Reports
import Vocabulary

/// How experiments run: shared by every command that runs them.
struct RunOptions: ParsableArguments {
    @Option(help: "Worker threads (default: all cores). Results do not depend on it.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Cache folder of per-trial results (default: $NEUREC_CACHE or ./.neurec-cache).")
    var cache: String?
    @Flag(help: "Compute everything afresh and store nothing.")
    var noCache = false
    @Option(help: "Compute only shard K of N (K/N, 1-based) into the cache: 1/N of the grids, and a part in every boundary search; a run without --shard assembles. Also read from SLURM_ARRAY_TASK_ID/COUNT.")
    var shard: String?
    @Flag(help: "Compute nothing: fail, naming what is missing, unless every trial is in the cache (the assemble step of a cluster job).")
    var requireComplete = false
    @Flag(help: "No progress on stderr.")
    var quiet = false
    @Flag(help: "Run even when the estimate exceeds one core-day (see README: Stated limits).")
    var yes = false
    @Flag(help: "Exit 0 even when some trials reached no optimum (they are still counted and warned about).")
    var allowFailures = false

    func validate() throws {
        if !(1...1024).contains(jobs) { throw ValidationError("--jobs must be in [1, 1024], got \(jobs)") }
        let shard = try parsedShard()
        if noCache, shard != nil || requireComplete {
            throw ValidationError("--no-cache: a shard (--shard or a Slurm array task) and --require-complete need the cache")
        }
        if let shard, requireComplete {
            throw ValidationError("--require-complete is for the run that assembles, not for shard \(shard) (--shard or a Slurm array task)")
        }
        if !noCache { try Self.checkWritable(try cacheDirectory(), flag: cache == nil ? "$NEUREC_CACHE" : "--cache") }
    }

    /// `--cache`, else `$NEUREC_CACHE` (which must not be empty), else ./.neurec-cache.
    func cacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        if let cache {
            guard !cache.isEmpty else { throw ValidationError("--cache must name a folder, got ''") }
            return URL(fileURLWithPath: cache)
        }
        if environment["NEUREC_CACHE"] == "" {
            throw ValidationError("$NEUREC_CACHE is set but empty (unset it for ./.neurec-cache, or name a folder)")
        }
        return ResultCache.defaultDirectory(environment: environment)
    }

    /// Refuses a run that is too large before anything is allocated (see `RunEstimate`); the runner
    /// itself prints the one line saying what it computes.
    func announce(_ estimate: () throws -> RunEstimate, sizeFlags: String) throws {
        let value: RunEstimate
        do { value = try estimate() } catch { throw ValidationError("\(sizeFlags): \(error)") }
        try value.check(allowLong: yes, workers: jobs, sizeFlag: sizeFlags, allowFlag: "--yes")
    }

    func parsedShard() throws -> Shard? {
        guard let shard else {
            let environment = ProcessInfo.processInfo.environment
            for name in ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN"] {
                if let value = environment[name], Int(value) == nil {
                    throw ValidationError("\(name) must be an integer, got '\(value)' (unset it outside a Slurm job array)")
                }
            }
            do { return try Shard.fromSlurm(environment) } catch { throw ValidationError("\(error) (from SLURM_ARRAY_TASK_ID/COUNT)") }
        }
        let parts = shard.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let k = parts[0], let n = parts[1] else {
            throw ValidationError("--shard must be K/N, e.g. 2/8, got '\(shard)'")
        }
        do { return try Shard(index: k, count: n) } catch { throw ValidationError("\(error)") }
    }

    /// After the results are saved: warns with the number of trials whose fit failed, and exits 3
    /// unless --allow-failures, so scripts and CI see it.
    func reportFailures(_ result: ExperimentResult) throws {
        guard let warning = result.failureWarning else { return }
        let consequence = allowFailures ? "" : " (exit 3; --allow-failures accepts them)"
        FileHandle.standardError.write(Data((warning + consequence + "\n").utf8))
        if !allowFailures { throw ExitCode(3) }
    }

    /// After a sharded run: says so and returns true (the arrays are assembled by a plain run).
    func reportedShard(_ result: ExperimentResult) -> Bool {
        guard let shard = (try? parsedShard()) ?? nil else { return false }
        print(String(format: "shard %@ computed into the cache (%d trials, %.1f s); run again without --shard to assemble the arrays",
                     shard.description, result.computedCount, result.seconds))
        return true
    }

    func runner(details: URL? = nil) throws -> ExperimentRunner {
        let cacheStore = noCache ? nil : ResultCache(directory: try cacheDirectory())
        return ExperimentRunner(cache: cacheStore, jobs: jobs, shard: try parsedShard(), progress: quiet ? .quiet : .automatic,
                                details: details, requireComplete: requireComplete)
    }

    /// Before a report is built: a shard's line once its share is computed (build nothing then), or
    /// nil to build. Missing trials under --require-complete end the command with one line.
    func prepare(_ workload: ReportWorkload, runner: ExperimentRunner) throws -> String? {
        do {
            return try workload.prepare(with: runner) { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        } catch let error as IncompleteResults {
            FileHandle.standardError.write(Data("neurec: \(workload.reportName): \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// A folder we can create and write into, checked before any work starts (and created, as the run
    /// would).
    static func checkWritable(_ folder: URL, flag: String) throws {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: folder.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw ValidationError("\(flag) \(folder.path): is a file, not a folder (remove it or pick another folder)")
        }
        // The folder stays once made, even if the run stops later: concurrent tasks (a Slurm array, two
        // runs on one cache) check the same folder, and removing it again deleted what another had begun.
        do { try manager.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw ValidationError("\(flag) \(folder.path): cannot create the folder: \(FileProblem.reason(of: error))")
        }
        // Permission bits say little for root or special file systems (/proc): write a probe file.
        let probe = folder.appendingPathComponent(".neurec-write-test-\(ProcessInfo.processInfo.processIdentifier)")
        guard manager.createFile(atPath: probe.path, contents: Data()) else {
            throw ValidationError("\(flag) \(folder.path): cannot write into this folder (pick a folder you can write to)")
        }
        try? manager.removeItem(at: probe)
    }
}
