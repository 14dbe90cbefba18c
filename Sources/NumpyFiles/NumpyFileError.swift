import Foundation

/// Why a `.npy` file could not be read or written. Every message names the file, so a
/// command line can print `error.description` as its single line of diagnosis.
public enum NumpyFileError: Error, Equatable, Sendable {
    case cannotRead(file: String, reason: String)
    case cannotWrite(file: String, reason: String)
    case badMagic(file: String)
    case unsupportedVersion(file: String, major: Int, minor: Int)
    case malformedHeader(file: String, reason: String)
    case unsupportedDType(file: String, dtype: String)
    case truncatedData(file: String, expectedBytes: Int, actualBytes: Int)

    /// The dtypes `NumpyArray(contentsOf:)` converts to Double ('<' little- or '>' big-endian).
    public static let supportedDTypes = ["<f8", "<f4", "<i8", "<i4", "<i2", "|i1", "<u8", "<u4",
                                         "<u2", "|u1", "|b1"]
}

extension NumpyFileError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case let .cannotRead(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .cannotWrite(file, reason):
            return "\(file): cannot write: \(reason)"
        case let .badMagic(file):
            return "\(file): not a NumPy .npy file (it does not start with \\x93NUMPY)"
        case let .unsupportedVersion(file, major, minor):
            return "\(file): unsupported .npy format version \(major).\(minor) (supported: 1.0, 2.0, 3.0)"
        case let .malformedHeader(file, reason):
            return "\(file): malformed .npy header: \(reason)"
        case let .unsupportedDType(file, dtype):
            return "\(file): unsupported dtype '\(dtype)' (supported: "
                + NumpyFileError.supportedDTypes.joined(separator: ", ") + ", also big-endian '>')"
        case let .truncatedData(file, expected, actual):
            return "\(file): truncated data: the header announces \(expected) bytes of values, the file has \(actual)"
        }
    }

    public var errorDescription: String? { description }
}
