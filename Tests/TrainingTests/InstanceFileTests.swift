import Foundation
import Testing
import Training
import Vocabulary

private func parse(_ text: String) throws(InstanceFileError) -> Instance {
    try Instance(json: Data(text.utf8), file: "cell.json")
}

private func failure(_ text: String) -> InstanceFileError? {
    do { _ = try parse(text); return nil } catch { return error }
}

@Test func parsesAnInstanceAndIgnoresOtherKeys() throws {
    let instance = try parse("""
        {"X": [[1, 2], [3, 4], [5, 6]], "y": [1, 0, -1], "w": [0.6, 0.8],
         "X_test": [[0, 1]], "y_test": [0.5], "dmat": [[1], [0], [1]], "exist_all_one": false, "trial": 3,
         "note": "unknown keys are ignored"}
        """)
    #expect(instance.X.rows == 3 && instance.X.columns == 2)
    #expect(instance.X[1, 0] == 3 && instance.X[2, 1] == 6)
    #expect(instance.y == [1, 0, -1])
    #expect(instance.XTest?.rowArrays == [[0, 1]] && instance.yTest == [0.5])
    #expect(instance.plantedLinearWeight == [0.6, 0.8])
    #expect(instance.trial == 3)
}

@Test func acceptsPlantedNeuronsAsRowsAndNoTestSet() throws {
    let instance = try parse(#"{"X": [[1, 2, 3]], "y": [1], "w": [[1, 0, 0], [0, 1, 0]]}"#)
    #expect(instance.planted.transposed().rowArrays == [[1, 0, 0], [0, 1, 0]])
    #expect(instance.plantedLinearWeight == nil)
    #expect(instance.XTest == nil && instance.yTest == nil)
}

@Test func badFilesNameTheFileAndTheKey() {
    let cases: [(String, String?)] = [
        (#"{"y": [1]}"#, "X"),
        (#"{"X": [[1]]}"#, "y"),
        (#"{"X": [[1, 2], [3]], "y": [1, 2]}"#, "X"),
        (#"{"X": [[1, 2]], "y": [1, 2]}"#, "y"),
        (#"{"X": [[1, "a"]], "y": [1]}"#, "X"),
        (#"{"X": [[1, 2]], "y": [1], "X_test": [[1, 2]]}"#, "y_test"),
        (#"{"X": [[1, 2]], "y": [1], "y_test": [1]}"#, "X_test"),
        (#"{"X": [[1, 2]], "y": [1], "X_test": [[1]], "y_test": [1]}"#, "X_test"),
        (#"{"X": [[1, 2]], "y": [1], "w": [1, 2, 3]}"#, "w"),
        (#"{"X": [[1, 2]], "y": [1], "trial": -1}"#, "trial"),
        ("[1, 2]", nil),
        ("{not json", nil),
    ]
    for (text, key) in cases {
        let error = failure(text)
        #expect(error != nil, "accepted \(text)")
        #expect(error?.key == key, "\(text)")
        #expect(error?.description.hasPrefix("cell.json") == true)
        if let key { #expect(error?.description.contains("'\(key)'") == true) }
    }
    #expect(throws: InstanceFileError.self) { try Instance(contentsOf: "/nonexistent/cell.json") }
}
