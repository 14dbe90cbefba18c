import Foundation

/// A value that several threads read and change, one at a time: the trial records and failures of a
/// run's workers, the rows of concurrent boundary searches, a report's searched blocks.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    /// Runs `body` on the value with no other thread inside.
    public func withValue<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try lock.withLock { try body(&value) }
    }

    public var current: Value { withValue { $0 } }
}
