import COpenBLAS

/// What the loaded OpenBLAS runs: its kernel family and build configuration. A DYNAMIC_ARCH build
/// picks kernels by CPU at load time (or from OPENBLAS_CORETYPE); on a CPU it does not recognise it
/// falls back to a generic family such as Prescott (SSE3), several times slower for sgemm.
public enum OpenBLASInfo {
    /// The kernel family in use, e.g. "Haswell", "SkylakeX", "Prescott".
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// The build configuration line (version, DYNAMIC_ARCH, threading, maximum threads).
    public static var configuration: String {
        guard let config = openblas_get_config() else { return "unknown" }
        return String(cString: config)
    }

    /// Threads OpenBLAS uses for one call.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }
}
