import Foundation
import TestSupport
import Testing

/// In cell mode an instance depends on the seed and its cell only: any cell can be printed, such as a
/// boundary search's probe off the grid of steps of 10, and a cell on the grid is the same whatever
/// grid the flags describe.
@Test
func cellModeInstancesNeedNoGrid() throws {
    let neurec = try neurecExecutable().path
    func instance(_ arguments: [String]) throws -> [String: JSONValue] {
        let result = try run(neurec, ["instance", "--experiment", "rec_rate_skip", "--optw", "0"] + arguments)
        #expect(result.status == 0, "\(result.output)")
        return try JSONDecoder().decode([String: JSONValue].self, from: Data(result.output.utf8))
    }
    let probe = try instance(["--cell", "23,7,3"])
    #expect(probe["n"]?.number == 23 && probe["d"]?.number == 7 && probe["trial"]?.number == 3)
    #expect(probe["X"]?.array?.count == 23 && probe["X"]?.array?.first?.array?.count == 7)
    let small = try instance(["--cell", "20,10,1"])
    let large = try instance(["--n", "400", "--d", "100", "--sample", "5", "--cell", "20,10,1"])
    #expect(small["X"] == large["X"] && small["y"] == large["y"] && small["dmat"] == large["dmat"])
    #expect(small["X"] != probe["X"])
}
