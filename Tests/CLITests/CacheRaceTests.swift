import Foundation
import NumpyFiles
import TestSupport
import Testing

/// The cache on a shared file system: tasks that write the same record at once, or die while
/// writing, leave whole records only (each is written to a temporary file and renamed).
@Suite
struct CacheRaceTests {
    let arguments = ["rec_rate_skip", "--n", "80", "--d", "30", "--sample", "2", "--optw", "0", "--quiet", "--jobs", "1"]

    func start(_ extra: [String]) throws -> Process {
        let process = Process()
        process.executableURL = try neurecExecutable()
        process.arguments = arguments + extra
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Two tasks computing the same cells into one cache at the same time.
    @Test func twoTasksRacingOnTheSameCellsLeaveWholeRecords() throws {
        let root = try temporaryFolder("race")
        let cache = root.appendingPathComponent("cache")
        let tasks = try ["a", "b"].map { try start(["--cache", cache.path, "--save_folder", root.appendingPathComponent($0).path]) }
        // Read records while both write: a reader never sees part of one.
        var seen = 0
        while tasks.contains(where: \.isRunning) {
            for record in recordFiles(in: cache) {
                guard let data = try? Data(contentsOf: record) else { continue }
                #expect(isWholeRecord(data), "\(record.lastPathComponent) read half-written")
                seen += 1
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        for task in tasks { task.waitUntilExit(); #expect(task.terminationStatus == 0) }
        #expect(seen > 0)
        let records = recordFiles(in: cache)
        #expect(records.count == 8 * 3 * 2)
        #expect(records.allSatisfy { isWholeRecord((try? Data(contentsOf: $0)) ?? Data()) })
        #expect(temporaryFiles(in: cache).isEmpty)
        let name = "rec_rate_skip_n80_d30_w0_X0_sample2.npy"
        let a = try NumpyArray(contentsOf: root.appendingPathComponent("a").appendingPathComponent(name))
        let b = try NumpyArray(contentsOf: root.appendingPathComponent("b").appendingPathComponent(name))
        #expect(a == b)
    }

    /// kill -9 at several moments while records are being written: what is left is whole, and a
    /// run afterwards completes the cache.
    @Test func aTaskKilledMidWriteLeavesWholeRecordsOnly() throws {
        let root = try temporaryFolder("killed")
        let cache = root.appendingPathComponent("cache")
        let extra = ["--cache", cache.path, "--save_folder", root.appendingPathComponent("out").path]
        for stop in [3, 10, 20] {
            let task = try start(extra)
            let deadline = Date().addingTimeInterval(60)
            while recordFiles(in: cache).count < stop && task.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.002) }
            kill(task.processIdentifier, SIGKILL)
            task.waitUntilExit()
            let records = recordFiles(in: cache)
            #expect(records.count < 48, "killed after the run had finished")
            for record in records { #expect(isWholeRecord((try? Data(contentsOf: record)) ?? Data()), "\(record.lastPathComponent)") }
        }
        let finish = try start(extra)
        finish.waitUntilExit()
        #expect(finish.terminationStatus == 0)
        #expect(recordFiles(in: cache).count == 48)
    }

    private func recordFiles(in cache: URL) -> [URL] {
        let folders = (try? FileManager.default.contentsOfDirectory(at: cache, includingPropertiesForKeys: nil)) ?? []
        return folders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
                .filter { $0.lastPathComponent.hasPrefix("n") && $0.pathExtension == "json" }
        }
    }

    private func temporaryFiles(in cache: URL) -> [String] {
        let folders = (try? FileManager.default.contentsOfDirectory(at: cache, includingPropertiesForKeys: nil)) ?? []
        return folders.flatMap { ((try? FileManager.default.contentsOfDirectory(atPath: $0.path)) ?? []).filter { $0.hasSuffix(".tmp") } }
    }

    /// A record is a JSON object of metric → number or null with both metrics of the experiment.
    private func isWholeRecord(_ data: Data) -> Bool {
        guard let record = try? JSONDecoder().decode([String: Double?].self, from: data) else { return false }
        return record.keys.contains("recovery")
    }
}
