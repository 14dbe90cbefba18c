import Foundation
import Testing
import LinearAlgebra

struct AllocatorTuningTests {
    /// Without the tuning glibc maps any block above 32 MiB (its largest dynamic threshold) to fresh
    /// pages; with it, a 40 MiB block comes from the heap (a worker thread's heap holds at most
    /// 64 MiB, so larger blocks are mapped either way). glibc marks a mapped chunk by bit 1
    /// (IS_MMAPPED) of the size word just before the pointer it returns.
    @Test func aLargeBlockComesFromTheHeapNotFromFreshPages() throws {
        #expect(AllocatorTuning.keepFreedMemory())
        let block = try #require(malloc(40 << 20))
        defer { free(block) }
        let sizeWord = block.load(fromByteOffset: -MemoryLayout<Int>.size, as: Int.self)
        #expect(sizeWord & 2 == 0, "a 40 MiB block was mapped, not taken from the heap")
    }
}
