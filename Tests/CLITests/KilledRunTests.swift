import Foundation
import NumpyFiles
import TestSupport
import Testing

@Suite struct KilledRunTests {
    /// kill -9 in the middle of a run, then run again: the finished cells are kept, nothing is
    /// corrupt, and the arrays equal those of an uninterrupted run.
    @Test func aKilledRunResumes() throws {
        let neurec = try neurecExecutable()
        let root = try temporaryFolder("kill")
        let cache = root.appendingPathComponent("cache"), output = root.appendingPathComponent("out")
        let arguments = ["rec_rate_skip", "--n", "120", "--d", "40", "--sample", "3", "--optw", "0", "--quiet",
                         "--jobs", "2", "--save_folder", output.path]
        let process = Process()
        process.executableURL = neurec
        process.arguments = arguments + ["--cache", cache.path]
        try process.run()
        var stored = 0
        let deadline = Date().addingTimeInterval(60)
        while stored < 20 && process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
            stored = recordCount(in: cache)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let survivors = recordCount(in: cache)
        #expect(survivors >= 20 && survivors < 144, "the run should be killed midway (records: \(survivors))")

        let resumed = Process()
        resumed.executableURL = neurec
        resumed.arguments = arguments + ["--cache", cache.path]
        try resumed.run()
        resumed.waitUntilExit()
        #expect(resumed.terminationStatus == 0)
        #expect(recordCount(in: cache) == 144)

        let fresh = Process()
        fresh.executableURL = neurec
        fresh.arguments = arguments.map { $0 == output.path ? root.appendingPathComponent("fresh").path : $0 } + ["--no-cache"]
        try fresh.run()
        fresh.waitUntilExit()
        let name = "rec_rate_skip_n120_d40_w0_X0_sample3.npy"
        let a = try NumpyArray(contentsOf: output.appendingPathComponent(name))
        let b = try NumpyArray(contentsOf: root.appendingPathComponent("fresh").appendingPathComponent(name))
        #expect(a == b)
        #expect(a.shape == [12, 4, 3])
    }

    private func recordCount(in cache: URL) -> Int {
        guard let folders = try? FileManager.default.contentsOfDirectory(at: cache, includingPropertiesForKeys: nil) else { return 0 }
        return folders.reduce(0) { total, folder in
            total + ((try? FileManager.default.contentsOfDirectory(atPath: folder.path))?
                .filter { $0.hasPrefix("n") && $0.hasSuffix(".json") }.count ?? 0)
        }
    }
}
