import Foundation

/// The project's one way to write a file: into a temporary file in the destination's folder, then
/// renamed over it, so readers (a parallel shard, a browser, an interrupted run's next attempt)
/// never see half a file. Only a file is ever replaced: a folder in the way is an error, never
/// deleted. It lives in NumpyFiles because that is the lowest module that writes files; every
/// writer above uses it.
public enum AtomicFile {
    /// Why a write was refused: a folder sits where the file should go.
    public static let folderInTheWay = "is a folder, not a file (move or remove it, or pick another output folder)"

    /// Calls `write` with a temporary path beside `url`, then renames that file over `url`. The
    /// temporary file is removed if `write` throws or the rename fails. `failure` turns the reason a
    /// write of data or the rename failed into the caller's own error (default: Foundation's, naming
    /// the file).
    public static func write(to url: URL, failure: ((_ reason: String) -> any Error)? = nil,
                             _ write: (_ temporary: URL) throws -> Void) throws {
        try refuseFolder(at: url, failure: failure)
        let temporary = temporaryPath(beside: url)
        do {
            try write(temporary)
        } catch {
            unlink(temporary.path)
            throw error
        }
        try rename(temporary, over: url, failure: failure)
    }

    /// Writes `data` to `url` atomically: open, write and close a new temporary file with POSIX calls,
    /// then rename it. Foundation's `Data.write` also calls fsync, reads /dev/urandom for its name and
    /// stats the file three times: about 0.3 ms per file, most of a run's cost when it stores 80,000
    /// cheap trials one file each (the Wendel check). There is no fsync here: a crash may leave an
    /// empty or partial file under the final name, never a half-written one while running, and every
    /// reader treats an unreadable file as missing (the cache computes its trial again).
    public static func write(_ data: Data, to url: URL, failure: ((_ reason: String) -> any Error)? = nil) throws {
        try refuseFolder(at: url, failure: failure)
        var temporary = temporaryPath(beside: url)
        var descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        // A leftover of the same name (a reused pid, or another host's writer on a shared file
        // system, as the tasks of a Slurm array): take the next name.
        while descriptor < 0 && errno == EEXIST {
            temporary = temporaryPath(beside: url)
            descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        }
        guard descriptor >= 0 else { throw writeError(url, failure) }
        let complete = data.withUnsafeBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
        let reason = complete ? nil : writeError(url, failure)
        guard close(descriptor) == 0, reason == nil else {
            let error = reason ?? writeError(url, failure)
            unlink(temporary.path)
            throw error
        }
        try rename(temporary, over: url, failure: failure)
    }

    private static func refuseFolder(at url: URL, failure: ((_ reason: String) -> any Error)?) throws {
        var status = stat()
        if stat(url.path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            throw failure?(folderInTheWay) ?? AtomicWriteError(path: url.path, reason: folderInTheWay)
        }
    }

    /// `.NAME.PID.K.tmp` beside `url`: the pid and a per-process counter keep concurrent writers
    /// (threads, shards of a Slurm array on one file system) apart.
    private static func temporaryPath(beside url: URL) -> URL {
        let k = temporaryCounter.withLock { count -> Int in
            count += 1
            return count
        }
        return url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(k).tmp", isDirectory: false)
    }

    private static let temporaryCounter = TemporaryNameCounter()

    private static func rename(_ temporary: URL, over url: URL, failure: ((_ reason: String) -> any Error)?) throws {
        if Foundation.rename(temporary.path, url.path) != 0 {
            let error = writeError(url, failure)
            unlink(temporary.path)
            throw error
        }
    }

    /// The error for errno's reason, in the caller's words when it gave a `failure`.
    private static func writeError(_ url: URL, _ failure: ((_ reason: String) -> any Error)?) -> any Error {
        let reason = String(cString: strerror(errno))
        return failure?(reason) ?? AtomicWriteError(path: url.path, reason: reason)
    }
}

/// The per-process part of temporary names, shared by threads.
private final class TemporaryNameCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func withLock<T>(_ body: (inout Int) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&count)
    }
}

/// A file that could not be written, as one line: `path: reason`.
public struct AtomicWriteError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): \(reason)" }
}
