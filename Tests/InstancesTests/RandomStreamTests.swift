import Foundation
import Instances
import TestSupport
import Testing

/// numpy's legacy RandomState, checked against vectors numpy printed (fixtures/rng.txt).
@Suite struct RandomStreamTests {
    /// The numbers after `label` on the fixture line that starts with `prefix`.
    func fixtureNumbers(_ prefix: String, after label: String) throws -> [String] {
        let line = try #require(try Fixtures.text("rng.txt").split(separator: "\n").first { $0.hasPrefix(prefix) })
        let range = try #require(line.range(of: label))
        return line[range.upperBound...].split(separator: " ").map(String.init)
    }

    @Test func rawOutputsMatchNumpy() throws {
        var stream = NumpyRandomState(seed: 97_006_855)
        let expected = try fixtureNumbers("seed 97006855 random_raw", after: "outputs):").compactMap { UInt32($0) }
        #expect(expected.count == 5)
        #expect((0..<5).map { _ in stream.next32() } == expected)
    }

    @Test func uniformDoublesMatchNumpy() throws {
        var stream = NumpyRandomState(seed: 97_006_855)
        let expected = try fixtureNumbers("seed 97006855 random_sample", after: "):").compactMap { Double($0) }
        #expect(expected.count == 3)
        #expect((0..<3).map { _ in stream.randomSample() } == expected)
    }

    @Test(arguments: [("seed 97006855 randn(10)", UInt32(97_006_855), 10), ("seed 0 randn(5)", 0, 5)])
    func gaussiansMatchNumpyBitForBit(prefix: String, seed: UInt32, count: Int) throws {
        var stream = NumpyRandomState(seed: seed)
        let expected = try fixtureNumbers(prefix, after: "):").compactMap { Double($0) }
        #expect(expected.count == count)
        #expect(stream.randn(count) == expected)
    }

    @Test func cachedGaussianSurvivesAcrossCalls() throws {
        let numbers = try fixtureNumbers("seed 1 randn(3) then randn(2)", after: "randn(2):").filter { $0 != "|" }.compactMap { Double($0) }
        var stream = NumpyRandomState(seed: 1)
        #expect(stream.randn(3) + stream.randn(2) == numbers)
    }

    /// Cell streams are `RandomState([seed, n, d, trial])`; numbers printed by numpy 2.4.
    @Test func cellStreamIsNumpysInitByArray() {
        var stream = CellStreams.instance(seed: 97_006_855, n: 20, d: 10, trial: 3)
        #expect(stream.randn(4) == [1.4171464037108852, -0.748769896647448, -0.5075578259151854, 0.8515320710537484])
        #expect(stream.randomSample() == 0.27784261433890634)
    }

    @Test func cellStreamsAreDistinct() {
        var a = CellStreams.instance(seed: 1, n: 20, d: 10, trial: 0)
        var b = CellStreams.instance(seed: 1, n: 20, d: 10, trial: 1)
        var c = CellStreams.initialization(seed: 1, n: 20, d: 10, trial: 0)
        let first = a.next32()
        #expect(first != b.next32() && first != c.next32())
    }
}
