import Foundation

/// The project's one way to write a file: into a temporary file in the destination's folder, then
/// renamed over it, so readers (a parallel shard, a browser, an interrupted run's next attempt)
/// never see half a file. It lives in NumpyFiles because that is the lowest module that writes
/// files; every writer above uses it.
public enum AtomicFile {
    /// Calls `write` with a temporary path beside `url`, then renames that file over `url`. The
    /// temporary file is removed if `write` throws or the rename fails. `failure` turns the reason a
    /// write of data or the rename failed into the caller's own error (default: Foundation's, naming
    /// the file).
    public static func write(to url: URL, failure: ((_ reason: String) -> any Error)? = nil,
                             _ write: (_ temporary: URL) throws -> Void) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UUID().uuidString).tmp")
        defer { try? FileManager.default.removeItem(at: temporary) }
        try write(temporary)
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            throw failure?(reason) ?? CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path,
                                                                               NSLocalizedDescriptionKey: reason])
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
