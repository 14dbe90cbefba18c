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

/// #19: X entries of 1e39 (beyond float32) used to give `train_loss: null` with exit 0. At unit scale
/// (the default) X × 1e39 is the same run as X: y keeps its units, so the test loss is the same; as
/// given, the run overflows and is refused with one line naming the file and the way out.
@Test
func trainCommandHandlesDataBeyondFloat32() throws {
    let neurec = try neurecExecutable().path
    let folder = try temporaryFolder("train-scale")
    defer { try? FileManager.default.removeItem(at: folder) }
    let original = #"{"X": [[1, 0.5], [-0.5, 1], [0.25, -1], [1, 1]], "y": [1, 0.5, -0.75, 2], "X_test": [[1, 1]], "y_test": [2]}"#
    let scaled = #"{"X": [[1e39, 0.5e39], [-0.5e39, 1e39], [0.25e39, -1e39], [1e39, 1e39]], "y": [1, 0.5, -0.75, 2], "X_test": [[1e39, 1e39]], "y_test": [2]}"#
    func train(_ text: String, _ extra: [String] = []) throws -> (status: Int32, output: String, fields: [String: Double]) {
        let file = folder.appendingPathComponent("instance.json")
        try Data(text.utf8).write(to: file)
        let result = try run(neurec, ["train", file.path, "--net", "skip", "--epochs", "50"] + extra)
        let fields = result.status == 0
            ? try JSONDecoder().decode([String: JSONValue].self, from: Data(result.output.utf8)).compactMapValues(\.number) : [:]
        return (result.status, result.output, fields)
    }
    let unit = try train(original), huge = try train(scaled)
    #expect(unit.status == 0 && huge.status == 0, "\(huge.output)")
    let (a, b) = (try #require(unit.fields["test_loss"]), try #require(huge.fields["test_loss"]))
    #expect(abs(a - b) <= 1e-5 * a, "test loss \(a) at unit scale, \(b) with X × 1e39")
    let refused = try train(scaled, ["--scaling", "as-given"])
    #expect(refused.status == 1)
    #expect(refused.output.contains("instance.json: training diverged") && refused.output.contains("--scaling unit"), "\(refused.output)")
}
