import ArgumentParser
import Experiments
import Foundation
import Instances
import Reports

/// How experiments run: shared by every command that runs them.
struct RunOptions: ParsableArguments {
    @Option(help: "Worker threads (default: all cores). Results do not depend on it.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Cache folder of per-trial results (default: $NEUREC_CACHE or ./.neurec-cache).")
    var cache: String?
    @Flag(help: "Compute everything afresh and store nothing.")
    var noCache = false
    @Option(help: "Compute only shard K of N (K/N, 1-based) into the cache; a run without --shard assembles. Also read from SLURM_ARRAY_TASK_ID/COUNT.")
    var shard: String?
    @Flag(help: "Compute nothing: fail, naming what is missing, unless every trial is in the cache (the assemble step of a cluster job).")
    var requireComplete = false
    @Flag(help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        let shard = try parsedShard()
        if noCache, shard != nil || requireComplete {
            throw ValidationError("--no-cache: a shard (--shard or a Slurm array task) and --require-complete need the cache")
        }
        if let shard, requireComplete {
            throw ValidationError("--require-complete is for the run that assembles, not for shard \(shard) (--shard or a Slurm array task)")
        }
        if let cache, !noCache { try Self.checkWritable(URL(fileURLWithPath: cache), flag: "--cache") }
    }

    func parsedShard() throws -> Shard? {
        guard let shard else {
            do { return try Shard.fromSlurm() } catch { throw ValidationError("\(error) (from SLURM_ARRAY_TASK_ID/COUNT)") }
        }
        let parts = shard.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let k = parts[0], let n = parts[1] else {
            throw ValidationError("--shard must be K/N, e.g. 2/8, got '\(shard)'")
        }
        do { return try Shard(index: k, count: n) } catch { throw ValidationError("\(error)") }
    }

    /// After a sharded run: says so and returns true (the arrays are assembled by a plain run).
    func reportedShard(_ result: ExperimentResult) -> Bool {
        guard let shard = (try? parsedShard()) ?? nil else { return false }
        print(String(format: "shard %@ computed into the cache (%d trials, %.1f s); run again without --shard to assemble the arrays",
                     shard.description, result.computedCount, result.seconds))
        return true
    }

    func runner(details: URL? = nil) throws -> ExperimentRunner {
        let cacheStore = noCache ? nil : ResultCache(directory: cache.map { URL(fileURLWithPath: $0) } ?? ResultCache.defaultDirectory())
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

    /// A folder we can create and write into, checked before any work starts.
    static func checkWritable(_ folder: URL, flag: String) throws {
        let manager = FileManager.default
        do { try manager.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw ValidationError("\(flag) \(folder.path): cannot create the folder (\(error.localizedDescription))")
        }
        guard manager.isWritableFile(atPath: folder.path) else {
            throw ValidationError("\(flag) \(folder.path): the folder is not writable")
        }
    }
}
