import Foundation

/// A new, empty folder for one test, `neurec-<label>-<UUID>` in the system's temporary folder, so
/// that tests running in parallel never share files.
public func temporaryFolder(_ label: String = "test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("neurec-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
