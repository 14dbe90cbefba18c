import Dispatch

/// Splits the elementwise passes (ReLU, masks, AdamW) over the threads a run may use, so they do not
/// stay serial while OpenBLAS runs the products on several cores. Each chunk writes disjoint entries
/// and every entry's arithmetic is the same whatever the split: results do not depend on the count.
struct ElementwiseThreads: Sendable {
    /// Entries below which a pass is not worth a dispatch (~10 µs).
    static let minimumChunk = 16_384

    let count: Int

    init(_ count: Int) { self.count = max(1, count) }

    /// Calls `body` on disjoint ranges covering 0..<items, concurrently when each chunk would hold at
    /// least `minimumChunk` entries (`entriesPerItem` entries per item).
    func forEachChunk(of items: Int, entriesPerItem: Int = 1, _ body: @Sendable (Range<Int>) -> Void) {
        let chunks = min(count, items * entriesPerItem / Self.minimumChunk, items)
        guard chunks > 1 else {
            if items > 0 { body(0..<items) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { k in
            body((k * items / chunks)..<((k + 1) * items / chunks))
        }
    }
}
