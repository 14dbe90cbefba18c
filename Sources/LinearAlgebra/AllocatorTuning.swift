import COpenBLAS

/// How the C allocator returns memory, tuned for this workload.
public enum AllocatorTuning {
    /// glibc serves blocks above 128 KiB (or the largest one freed so far) with fresh mmap pages and
    /// trims freed heap tops back to the kernel, so a solver that allocates and frees matrices of a few
    /// hundred KiB per pattern paid for zeroed pages again and again: page faults were 18 % of a noisy
    /// normalization relaxed (400, 100) solve in perf, and a run of fig7's and fig9's noisy panels spent
    /// 5–7 s of system time against 1 s with these settings (top README, "Speed"). Keeping freed memory
    /// for reuse costs no more peak memory than was in use at the peak. Returns whether glibc accepted
    /// both settings.
    @discardableResult
    public static func keepFreedMemory() -> Bool {
        mallopt(M_MMAP_THRESHOLD, 256 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1
    }
}
