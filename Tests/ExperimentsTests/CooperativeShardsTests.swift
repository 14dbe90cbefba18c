import Experiments
import Foundation
import Instances
import TestSupport
import Testing
import Vocabulary

/// Shards that share trials (every array task takes part in every boundary search): each trial is
/// computed once, by whichever shard claims it, and read by the others from the cache.
@Suite struct CooperativeShardsTests {
    /// A cheap real search (skip relaxed recovery, Gaussian planted neuron, d = 6 and 9).
    static let search = BoundarySpec(
        experiment: ExperimentSpec(planted: .linear, learned: .skip, fitting: .relaxed,
                                   grid: InstanceGrid(nValues: [20], dValues: [10], trials: 1),
                                   parameters: InstanceParameters(plantedWeights: .gaussian), metrics: [.recovery]),
        metric: .recovery, dValues: [6, 9], settings: BoundarySearchSettings(levels: [0.5], initialTrials: 8, maxTrials: 32))

    /// A second search of the same experiment at another d, for the shards' searches of several blocks.
    static let otherSearch: BoundarySpec = {
        var spec = search
        spec.dValues = [7]
        return spec
    }()

    /// Three shards at once, one thread each, on one cache, each searching two blocks at once (as array
    /// tasks of a report do): together they compute every trial exactly once (the counts add up to the
    /// records stored: every trial the rows list, and the next look's trials that a shard computed while
    /// waiting for a look that then decided), more than one of them takes part, and the assembling run,
    /// which may compute nothing, finds the rows of each search alone.
    @Test func threeShardsSearchTogetherAndComputeEachTrialOnce() throws {
        let cache = try temporaryCache()
        let shards = try (1...3).map { try Shard(index: $0, count: 3) }
        let searches = [Self.search, Self.otherSearch]
        let computed = onThreadsOfTheirOwn(shards.count, name: { "shard \($0 + 1)" }) { k in
            Result { try ExperimentRunner(cache: cache, jobs: 1, progress: .quiet).computeShare(of: [], boundaries: searches, shard: shards[k]) }
        }
        let counts = try computed.map { try $0.get() }
        let assembler = ExperimentRunner(cache: cache, jobs: 1, progress: .quiet, requireComplete: true).probing()
        let alone = ExperimentRunner(cache: try temporaryCache(), jobs: 1, progress: .quiet).probing()
        var instances = 0
        for search in searches {
            let assembled = try search.run { try assembler.run($0) }
            let reference = try search.run { try alone.run($0) }
            #expect(assembled.rows.map(\.estimates) == reference.rows.map(\.estimates))
            #expect(assembled.rows.map(\.probes) == reference.rows.map(\.probes))
            instances += reference.rows.reduce(0) { $0 + $1.instances }
        }
        let stored = try FileManager.default.subpathsOfDirectory(atPath: cache.directory.path)
            .filter { $0.hasSuffix(".json") && ($0 as NSString).lastPathComponent.hasPrefix("n") }
        #expect(counts.reduce(0, +) == stored.count, "\(counts)")
        #expect(stored.count >= instances)
        #expect(counts.filter { $0 > 0 }.count >= 2, "\(counts)")
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: cache.directory.path).filter { $0.hasSuffix(".claim") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// One cell of `trials` trials of the cheap search, run plainly into a cache of its own, and an
    /// empty cache whose folder for that cell's experiment exists, with a claim for `claimedTrial`
    /// holding `holder`: the setting of the tests below.
    struct ClaimedCell {
        let spec: ExperimentSpec
        let plain: ExperimentResult
        let plainFolder: URL
        let shared: ResultCache
        let sharedFolder: URL
        let claim: URL

        init(trials: Int, claimedTrial: Int, holder: String) throws {
            spec = CooperativeShardsTests.search.probeSpec(n: 14, d: 6, trials: trials)
            let plainCache = try temporaryCache()
            plain = try ExperimentRunner(cache: plainCache, jobs: 1, progress: .quiet).run(spec)
            plainFolder = try CooperativeShardsTests.recordFolder(in: plainCache)
            shared = try temporaryCache()
            sharedFolder = shared.directory.appendingPathComponent(plainFolder.lastPathComponent)
            try FileManager.default.createDirectory(at: sharedFolder, withIntermediateDirectories: true)
            claim = sharedFolder.appendingPathComponent("n14_d6_t\(claimedTrial).claim")
            try Data("\(holder)\n".utf8).write(to: claim)
        }

        /// A cooperative run on the shared cache.
        func runCooperatively() throws -> ExperimentResult {
            try ExperimentRunner(cache: shared, jobs: 1, progress: .quiet).probing(cooperative: true).run(spec)
        }
    }

    /// One cell of 4 trials whose trial 2 another process has claimed: a cooperative run computes the
    /// other three, waits, and reads trial 2's record once it appears (here copied in after 0.5 s from a
    /// plain run's cache, the claim then removed); the arrays are the plain run's.
    @Test func aTrialClaimedElsewhereIsWaitedForAndRead() throws {
        let cell = try ClaimedCell(trials: 4, claimedTrial: 2, holder: "elsewhere 1")
        let other = Thread {
            Thread.sleep(forTimeInterval: 0.5)
            try? FileManager.default.copyItem(at: cell.plainFolder.appendingPathComponent("n14_d6_t2.json"),
                                              to: cell.sharedFolder.appendingPathComponent("n14_d6_t2.json"))
            try? FileManager.default.removeItem(at: cell.claim)
        }
        other.start()
        let started = Date()
        let result = try cell.runCooperatively()
        #expect(Date().timeIntervalSince(started) >= 0.5)
        #expect(result.computedCount == 3)
        #expect(sameArrays(result, cell.plain, .recovery))
    }

    /// A claim older than `staleClaimSeconds` (its process died) is taken over: the trial is computed
    /// here and the claim is gone.
    @Test func aStaleClaimIsTakenOver() throws {
        let cell = try ClaimedCell(trials: 3, claimedTrial: 1, holder: "died 1")
        // Two hours old: past any trial's allowance at this size (5 minutes).
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: cell.claim.path)
        let result = try cell.runCooperatively()
        #expect(result.computedCount == 3)
        #expect(sameArrays(result, cell.plain, .recovery))
        #expect(!FileManager.default.fileExists(atPath: cell.claim.path))
    }

    /// A claim made on this machine by a process that has exited (a run interrupted and started
    /// again) is taken over at once, not after `staleClaimSeconds`.
    @Test func aClaimOfAnExitedProcessOnThisMachineIsTakenOverAtOnce() throws {
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        let cell = try ClaimedCell(trials: 3, claimedTrial: 0, holder: "\(ProcessInfo.processInfo.hostName) \(exited.processIdentifier)")
        let started = Date()
        let result = try cell.runCooperatively()
        #expect(Date().timeIntervalSince(started) < 60)
        #expect(result.computedCount == 3)
        #expect(sameArrays(result, cell.plain, .recovery))
        #expect(!FileManager.default.fileExists(atPath: cell.claim.path))
    }

    /// The folder of the one experiment a cache holds.
    static func recordFolder(in cache: ResultCache) throws -> URL {
        let folders = try FileManager.default.contentsOfDirectory(at: cache.directory, includingPropertiesForKeys: nil)
        return try #require(folders.count == 1 ? folders[0] : nil, "\(folders)")
    }
}
