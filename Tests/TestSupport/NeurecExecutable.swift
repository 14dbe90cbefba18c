import Foundation

/// The `neurec` executable built beside the test bundle (swift test builds every product), or nil.
public let neurecExecutable: URL? = {
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<3 {
        let candidate = folder.appendingPathComponent("neurec")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        folder = folder.deletingLastPathComponent()
    }
    return nil
}()
