import ArgumentParser
import LinearAlgebra

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show the OpenBLAS kernels and threads neurec runs with.")

    @Flag(help: "Print only the OpenBLAS kernel name (for OPENBLAS_CORETYPE in scripts).")
    var blasCore = false

    func run() {
        if blasCore {
            print(BLASRuntime.coreName)
        } else {
            print("OpenBLAS kernel: \(BLASRuntime.coreName)")
            print("OpenBLAS threads: \(BLASRuntime.threadCount)")
        }
    }
}
