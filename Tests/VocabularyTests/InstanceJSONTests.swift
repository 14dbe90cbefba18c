import Foundation
import LinearAlgebra
import Testing
import Vocabulary

private func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }
private func bits(_ matrix: Matrix<Double>?) -> [UInt64]? { matrix.map { bits($0.storage) } }

/// Doubles whose decimal form is easy to get wrong: subnormals (the smallest, and one with few
/// significant bits), sums that are not the decimal they look like, signed zero, the ends of the range.
private let awkward: [Double] = [
    Double.leastNonzeroMagnitude, 2.5e-320, 0.1 + 0.2, -0.0, 1e308, Double.greatestFiniteMagnitude,
    Double.leastNormalMagnitude, 1 / 3, -2.0 / 3, 5e-324 * 3, 123456789.123456789, 0.30000000000000004.nextUp,
]

@Test func anInstanceRoundTripsBitForBit() throws {
    let X = Matrix(rows: 4, columns: 3, columnMajor: awkward)
    let y = Array(awkward.prefix(4).reversed())
    let planted = Matrix(rows: 3, columns: 2, columnMajor: Array(awkward.suffix(6)))
    let XTest = Matrix(rows: 2, columns: 3, columnMajor: Array(awkward.reversed().prefix(6)))
    let patterns = PatternSet(matrix: Matrix([[1, 0], [1, 1], [0, 1], [1, 1]]), plantedPatterns: [1, 0], hasAllOnes: true)
    let original = Instance(experiment: "rec_rate_normal", trial: 2, X: X, y: y, planted: planted, plantsReLUNeurons: true,
                            XTest: XTest, yTest: [-0.0, 0.1 + 0.2], patterns: patterns)
    let text = original.json.text
    let read = try Instance(json: Data(text.utf8))
    #expect(bits(read.X) == bits(original.X))
    #expect(bits(read.y) == bits(original.y))
    #expect(bits(read.planted) == bits(original.planted))
    #expect(bits(read.XTest) == bits(original.XTest))
    #expect(read.yTest.map(bits) == original.yTest.map(bits))
    #expect(read.patterns == original.patterns)
    #expect(read.experiment == "rec_rate_normal" && read.trial == 2 && read.plantsReLUNeurons)
    #expect(read == original)
    // Writing what was read gives the same text: nothing drifts over repeated round trips.
    #expect(read.json.text == text)
}

@Test func aLinearNeuronIsWrittenAsOneVector() throws {
    let instance = Instance(X: Matrix([[1, 2], [3, 4]]), y: [0.5, -0.0], planted: Matrix(column: [0.6, 0.8]))
    let text = instance.json.text
    #expect(text.contains(#""w": [0.6, 0.8]"#))
    #expect(text.contains("-0.0"))
    let read = try Instance(json: Data(text.utf8))
    #expect(!read.plantsReLUNeurons && read.plantedLinearWeight == [0.6, 0.8])
    #expect(read.y[1].sign == .minus)
}
