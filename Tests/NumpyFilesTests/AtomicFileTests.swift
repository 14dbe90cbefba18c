import Foundation
import NumpyFiles
import TestSupport
import Testing

/// The one writer every module uses: a reader sees the old file or the new one, never part of one,
/// and nothing is left beside the file.
@Suite struct AtomicFileWrites {
    @Test func replacesAFileAndLeavesNothingBeside() throws {
        let folder = try temporaryFolder("atomic")
        let url = folder.appendingPathComponent("record.json")
        try AtomicFile.write(Data("old".utf8), to: url)
        try AtomicFile.write(Data("new, and longer".utf8), to: url)
        #expect(try Data(contentsOf: url) == Data("new, and longer".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["record.json"])
        // Created like any file the user writes: the umask applies, not a private mode.
        let mode = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        let mask = umask(0o022)
        umask(mask)
        #expect(mode == 0o666 & ~Int(mask))
    }

    @Test func writesAnEmptyFile() throws {
        let url = try temporaryFolder("atomic").appendingPathComponent("empty")
        try AtomicFile.write(Data(), to: url)
        #expect(try Data(contentsOf: url).isEmpty)
    }

    @Test func refusesToReplaceAFolder() throws {
        let folder = try temporaryFolder("atomic")
        let inTheWay = folder.appendingPathComponent("out.png")
        try FileManager.default.createDirectory(at: inTheWay, withIntermediateDirectories: false)
        let error = #expect(throws: AtomicWriteError.self) { try AtomicFile.write(Data("x".utf8), to: inTheWay) }
        #expect(error?.description == "\(inTheWay.path): \(AtomicFile.folderInTheWay)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.png"])
    }

    @Test func aMissingFolderIsOneLineNamingTheFile() throws {
        let url = try temporaryFolder("atomic").appendingPathComponent("absent/record.json")
        let error = #expect(throws: AtomicWriteError.self) { try AtomicFile.write(Data("x".utf8), to: url) }
        #expect(error?.description == "\(url.path): No such file or directory")
        // The caller's own error type when it gives one.
        struct Mine: Error { let reason: String }
        let mine = #expect(throws: Mine.self) { try AtomicFile.write(Data("x".utf8), to: url, failure: { Mine(reason: $0) }) }
        #expect(mine?.reason == "No such file or directory")
    }

    @Test func aThrowingWriterLeavesNoTemporaryFile() throws {
        let folder = try temporaryFolder("atomic")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try AtomicFile.write(to: folder.appendingPathComponent("figure.png")) { temporary in
                try Data("half".utf8).write(to: temporary)
                throw Stop()
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func concurrentWritersLeaveOneCompleteFile() throws {
        let folder = try temporaryFolder("atomic")
        let url = folder.appendingPathComponent("shared.json")
        let contents = (0..<64).map { Data(String(repeating: "\($0 % 10)", count: 10_000 + $0).utf8) }
        DispatchQueue.concurrentPerform(iterations: contents.count) { k in
            try? AtomicFile.write(contents[k], to: url)
        }
        #expect(contents.contains(try Data(contentsOf: url)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["shared.json"])
    }
}
