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
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw failure?(folderInTheWay) ?? AtomicWriteError(path: url.path, reason: folderInTheWay)
        }
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UUID().uuidString).tmp")
        defer { try? FileManager.default.removeItem(at: temporary) }
        try write(temporary)
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            throw failure?(reason) ?? AtomicWriteError(path: url.path, reason: reason)
        }
    }

    /// Writes `data` to `url` atomically.
    public static func write(_ data: Data, to url: URL, failure: ((_ reason: String) -> any Error)? = nil) throws {
        try write(to: url, failure: failure) { temporary in
            do { try data.write(to: temporary) } catch {
                throw failure?(error.localizedDescription) ?? error
            }
        }
    }
}

/// A file that could not be written, as one line: `path: reason`.
public struct AtomicWriteError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
