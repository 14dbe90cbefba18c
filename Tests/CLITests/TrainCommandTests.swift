import Foundation
import TestSupport
import Testing

/// `neurec train` gives the same numbers on one thread and on two, with OpenBLAS left to its default
/// thread count (all cores): the command must run BLAS single-threaded, since OpenBLAS's threaded
/// kernels round some sums differently.
@Test
func trainCommandResultsDoNotDependOnThreads() throws {
    let neurec = try neurecExecutable().path
    let folder = try temporaryFolder("train")
    defer { try? FileManager.default.removeItem(at: folder) }
    // n = 260: 261 neurons and 260 rows make two blocks each, so two threads really share the run.
    let instance = try run(neurec, ["instance", "--experiment", "ncvx_train_skip", "--n", "260", "--d", "20",
                                    "--cell", "260,20,0"])
    #expect(instance.status == 0, "\(instance.output)")
    let file = folder.appendingPathComponent("instance.json")
    try Data(instance.output.utf8).write(to: file)

    func trained(threads: Int) throws -> [String: Double] {
        let result = try run(neurec, ["train", file.path, "--net", "skip", "--epochs", "30", "--threads", "\(threads)"],
                             environment: ["OPENBLAS_NUM_THREADS": nil])
        #expect(result.status == 0, "\(result.output)")
        let fields = try JSONDecoder().decode([String: JSONValue].self, from: Data(result.output.utf8))
        return fields.compactMapValues(\.number).filter { $0.key != "seconds" }
    }
    let one = try trained(threads: 1), two = try trained(threads: 2)
    #expect(one["train_loss"] != nil && one["dis_test"] != nil && one["dis_abs"] != nil)
    #expect(one == two)
}
