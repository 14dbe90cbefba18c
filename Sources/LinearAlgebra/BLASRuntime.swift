import COpenBLAS
import Foundation

/// Which OpenBLAS kernels run, and which would run better.
///
/// Debian's OpenBLAS 0.3.21 does not recognise some newer x86 CPUs and falls back to its oldest
/// kernels ("Prescott", SSE3): dgemm then runs at a quarter of the speed the CPU allows, and dot
/// products round differently from numpy's (whose OpenBLAS is newer). OpenBLAS reads the kernel choice
/// from OPENBLAS_CORETYPE once, when it is loaded, so the fix is for the executable to restart itself
/// with the variable set; a value already in the environment is always respected.
public enum BLASRuntime {
    /// The kernel family OpenBLAS chose at load time.
    public static var coreName: String { String(cString: openblas_get_corename()) }

    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    public static func setThreadCount(_ count: Int) { openblas_set_num_threads(Int32(count)) }

    /// The kernel this CPU supports best, when OpenBLAS fell back to an older one; nil when nothing
    /// would improve or the environment already decides.
    public static func betterCoreType(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil else { return nil }
        let legacy: Set<String> = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Sandybridge"]
        guard legacy.contains(coreName), let flags = cpuFlags() else { return nil }
        if flags.isSuperset(of: ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// Restarts this process (same arguments) with OPENBLAS_CORETYPE set to `betterCoreType()`, when
    /// there is one; call it first thing in `main`. Returns (carrying on with the kernels it has) when
    /// there is nothing better or the restart fails.
    public static func restartWithBetterKernelIfNeeded() {
        guard let core = betterCoreType() else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", arguments)
    }

    private static func cpuFlags() -> Set<String>? {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return nil }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
