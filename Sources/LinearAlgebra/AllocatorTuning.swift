import COpenBLAS
import Foundation

/// How the C allocator returns memory, tuned for this workload.
public enum AllocatorTuning {
    /// glibc serves blocks above 128 KiB (or the largest one freed so far) with fresh mmap pages and
    /// trims freed heap tops back to the kernel, so a solver that allocates and frees matrices of a few
    /// hundred KiB per pattern paid for zeroed pages again and again: page faults were 18 % of a noisy
    /// normalization relaxed (400, 100) solve in perf, and a run of fig7's and fig9's noisy panels spent
    /// 5–7 s of system time against 1 s with these settings (docs/measurements.md). Keeping freed memory
    /// for reuse costs no more peak memory than was in use at the peak — per arena: glibc gives threads
    /// their own arenas (up to eight per core), each keeping its own peak, and a report's concurrent
    /// boundary searches compute trials on dozens of threads. So the arenas are capped at one per
    /// core, the trials that can run at once: a normalization search at d = 50 and 100 peaked at
    /// 270 MB with glibc's default and 186 MB with the cap (177 MB searching one d at a time), in the
    /// same time. Returns whether glibc accepted the settings.
    @discardableResult
    public static func keepFreedMemory(cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Bool {
        mallopt(M_MMAP_THRESHOLD, 256 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1
            && mallopt(M_ARENA_MAX, Int32(max(1, cores))) == 1
    }
}
