import Foundation
import TestSupport
import Testing

/// A report is only ever written from complete results: shards (by flag or Slurm array variables)
/// compute into the cache and write nothing; `--require-complete` fails while trials are missing.
@Suite
struct ShardedReportTests {
    static let template = """
        ---
        title: Shards
        scales:
          ci: {N: 40, D: 20, trials: 2, wendel_trials: 20}
        ---

        The ratio is {{ skip.threshold_ratio }}.

        ```neurec
        id: skip
        experiment: {planted: linear, learned: skip, form: relaxed, metric: recovery, optw: 0, optx: 0}
        figure: {caption: "Recovery."}
        table: boundary
        ```

        ```neurec
        id: stream
        experiment: {planted: linear, learned: skip, form: relaxed, metric: dis_abs, optw: 1, optx: 0, rng: numpy}
        figure: {caption: "Distance, one shared stream."}
        ```
        """

    func neurecRun(_ arguments: [String], environment: [String: String?] = [:]) throws -> (status: Int32, output: String) {
        try run(try neurecExecutable().path, arguments + ["--quiet"], environment: environment)
    }

    @Test func shardsWriteNoReportAndTheAssembledOneEqualsAPlainRun() throws {
        let root = try temporaryFolder("shards")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let template = root.appendingPathComponent("shards.md")
        try Data(Self.template.utf8).write(to: template)
        let cache = root.appendingPathComponent("cache").path, out = root.appendingPathComponent("out")

        // Before any shard ran: the assemble step refuses, naming the blocks and the missing trials.
        let early = try neurecRun(["run", template.path, "--cache", cache, "--out", out.path, "--require-complete"])
        #expect(early.status != 0)
        #expect(early.output.contains("--require-complete: 32 trials are not in the cache: skip (16), stream (16)"), "\(early.output)")

        // Task 1 of 2 by flag, task 2 as a Slurm array task (ids from 0): each says what it computed, writes nothing.
        let first = try neurecRun(["run", template.path, "--cache", cache, "--out", out.path, "--shard", "1/2"])
        let second = try neurecRun(["check", template.path, "--cache", cache, "--out", out.path, "--baselines", root.path],
                                   environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2"])
        for task in [first, second] {
            #expect(task.status == 0)
            #expect(task.output.contains("no report written"), "\(task.output)")
        }
        #expect(first.output.contains("shard 1/2 computed") && second.output.contains("shard 2/2 computed"))
        // The refused assemble step made the folder (checking it is writable); nothing may be in it.
        let written = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        #expect(written.isEmpty, "a shard wrote into the output folder: \(written)")

        let assembled = try neurecRun(["run", template.path, "--cache", cache, "--out", out.path, "--require-complete", "--format", "md"])
        #expect(assembled.status == 0, "\(assembled.output)")
        let plainOut = root.appendingPathComponent("plain")
        let plain = try neurecRun(["run", template.path, "--no-cache", "--out", plainOut.path, "--format", "md"])
        #expect(plain.status == 0)
        #expect(plain.output.contains("computing 32 missing trials of 2 blocks (skip, stream)"), "\(plain.output)")
        let a = try String(contentsOf: out.appendingPathComponent("shards.md"), encoding: .utf8)
        let b = try String(contentsOf: plainOut.appendingPathComponent("shards.md"), encoding: .utf8)
        #expect(a == b)
    }

    @Test func aShardNeedsTheCache() throws {
        let result = try neurecRun(["run", "reports/quick.md", "--no-cache", "--shard", "1/2"])
        #expect(result.status != 0 && result.output.contains("--no-cache"))
    }
}
