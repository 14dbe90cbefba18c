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

/// body(0..<count), each on a thread of its own, all at once; the results in order. For work that
/// mostly waits (a boundary search waits for its probes' trial permits), where a pool of one thread
/// per core would leave searches queued behind others instead of filling their gaps.
public func onThreadsOfTheirOwn<Result: Sendable>(_ count: Int, name: (Int) -> String,
                                                  _ body: @escaping @Sendable (Int) -> Result) -> [Result] {
    let results = Locked([Result?](repeating: nil, count: count))
    let finished = DispatchGroup()
    for k in 0..<count {
        finished.enter()
        let thread = Thread {
            let result = body(k)
            results.withValue { $0[k] = result }
            finished.leave()
        }
        thread.name = name(k)
        thread.start()
    }
    finished.wait()
    return results.current.map { $0! }
}

/// Runs body(0..<count) on `jobs` threads, handing out indices one at a time (solve times vary by
/// orders of magnitude across the grid, so static chunks would leave threads idle).
func parallelForEach(_ count: Int, jobs: Int, _ body: @escaping @Sendable (Int) -> Void) {
    guard count > 0 else { return }
    let next = Locked(0)
    DispatchQueue.concurrentPerform(iterations: min(jobs, count)) { _ in
        while let k = next.withValue({ k -> Int? in
            guard k < count else { return nil }
            k += 1
            return k - 1
        }) { body(k) }
    }
}
