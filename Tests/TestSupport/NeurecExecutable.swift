import Foundation

/// The `neurec` executable that `swift build` puts beside the test bundle. A test that needs it
/// fails when it is missing (a command-line test that skips would pass without testing anything).
public func neurecExecutable() throws -> URL {
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    var searched: [String] = []
    for _ in 0..<3 {
        let candidate = folder.appendingPathComponent("neurec")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        searched.append(folder.path)
        folder = folder.deletingLastPathComponent()
    }
    throw MissingExecutable(searched: searched)
}

public struct MissingExecutable: Error, CustomStringConvertible {
    public let searched: [String]

    public var description: String {
        "the neurec executable is not built (looked in \(searched.joined(separator: ", "))): build it with "
            + "`swift build -c release --build-tests` before `swift test -c release --skip-build`, "
            + "or run `swift test`, which builds it"
    }
}
