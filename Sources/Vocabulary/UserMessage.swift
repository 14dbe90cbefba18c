import Foundation

/// The one place where Foundation and POSIX errors become text for a user: one line,
/// `path: what went wrong (what would work)`, never Foundation's `Error Domain=… Code=…` dump.
/// Every command prints errors through `userMessage(for:)`; library code that wraps an error in its
/// own message does so too.
public func userMessage(for error: any Error, path fallbackPath: String? = nil) -> String {
    if let problem = error as? FileProblem { return problem.description }
    let nsError = error as NSError
    let isFileError = error is CocoaError || nsError.domain == NSCocoaErrorDomain || nsError.domain == NSPOSIXErrorDomain
    guard isFileError else {
        let text = "\(error)"
        // Anything else that would still print Foundation's dump gets its readable description.
        return text.contains("Error Domain=") ? nsError.localizedDescription : text
    }
    let path = (nsError.userInfo[NSFilePathErrorKey] as? String)
        ?? (nsError.userInfo[NSURLErrorKey] as? URL)?.path
        ?? fallbackPath
    return FileProblem(path: path ?? "(file)", reason: FileProblem.reason(for: nsError)).description
}

/// A file or folder that cannot be read or written, said in one line.
public struct FileProblem: Error, CustomStringConvertible, Sendable {
    public let path: String
    /// What went wrong and, in parentheses, what would work.
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }


    /// The reason alone (no path), for messages that name the path themselves.
    public static func reason(of error: any Error) -> String {
        if let problem = error as? FileProblem { return problem.reason }
        let nsError = error as NSError
        guard error is CocoaError || nsError.domain == NSCocoaErrorDomain || nsError.domain == NSPOSIXErrorDomain else {
            return userMessage(for: error)
        }
        return reason(for: nsError)
    }

    /// The reason for an errno value.
    public static func reason(errno code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file or folder (check the path, or create its parent folder)"
        case EACCES, EPERM: return "permission denied (pick a path you can read and write)"
        case ENOTDIR: return "part of the path is a file, not a folder (remove that file or pick another path)"
        case EISDIR: return "is a folder, not a file (move or remove it, or pick another path)"
        case EROFS: return "the file system is read-only (pick a writable folder)"
        case ENOSPC, EDQUOT: return "no space left on the device (free some space or pick another disk)"
        case EEXIST: return "already exists (remove it or pick another path)"
        case ENOTEMPTY: return "is a folder that is not empty (move or remove it, or pick another path)"
        case ENAMETOOLONG: return "the name is too long (pick a shorter path)"
        case EINVAL: return "this file system does not accept the operation (pick an ordinary folder)"
        case EIO: return "input/output error (check the disk)"
        default: return String(cString: strerror(code)).lowercased() + " (pick another path)"
        }
    }

    static func reason(for error: NSError) -> String {
        if error.domain == NSPOSIXErrorDomain { return reason(errno: Int32(error.code)) }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return reason(errno: Int32(underlying.code))
        }
        switch CocoaError.Code(rawValue: error.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return reason(errno: ENOENT)
        case .fileReadNoPermission, .fileWriteNoPermission: return reason(errno: EACCES)
        case .fileWriteOutOfSpace: return reason(errno: ENOSPC)
        case .fileWriteVolumeReadOnly: return reason(errno: EROFS)
        case .fileWriteFileExists: return reason(errno: EEXIST)
        case .fileWriteInvalidFileName: return "not a valid file name (pick another name)"
        case .fileReadCorruptFile, .fileReadInapplicableStringEncoding:
            return "cannot be read as text (check that it is the right file)"
        case .fileReadTooLarge: return "too large to read (check that it is the right file)"
        default:
            // Foundation's message without its domain dump, e.g. when it kept errno in its text.
            if let text = error.userInfo[NSLocalizedDescriptionKey] as? String, !text.contains("Error Domain=") {
                return text.lowercased() + " (pick another path)"
            }
            return error.code < 512 ? "cannot be read (check the path and its permissions)"
                : "cannot be written (check the path: every part but the last must be a folder you can write to)"
        }
    }
}
