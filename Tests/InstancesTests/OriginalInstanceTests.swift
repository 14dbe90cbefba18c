import Foundation
import Instances
import LinearAlgebra
import TestSupport
import Testing
import Vocabulary

/// Instances drawn in numpy mode against the ones the original script drew (fixtures/instances).
@Suite struct OriginalInstanceTests {
    static let files = ["rec_rate_skip_n10_d10_w0_X0_sample0", "rec_rate_skip_n10_d10_w0_X0_sample1",
                        "rec_rate_skip_n20_d10_w0_X0_sample0"]

    /// The fixtures were drawn by `rec_rate_skip --n 60 --d 30 --sample 2 --optw 0 --optx 0`.
    static let source = InstanceSource(
        draws: InstanceDraws(experiment: .recRateSkip, parameters: InstanceParameters()),
        grid: InstanceGrid(maxN: 60, maxD: 30, trials: 2), mode: .numpy, seed: 97_006_855)

    static func cell(of file: String) -> Cell {
        let numbers = file.split(separator: "_").compactMap { part -> Int? in
            for prefix in ["n", "d", "sample"] where part.hasPrefix(prefix) { return Int(part.dropFirst(prefix.count)) }
            return nil
        }
        return Cell(n: numbers[0], d: numbers[1], trial: numbers[2])
    }

    @Test(arguments: files)
    func reproducesTheOriginalInstance(file: String) throws {
        let fixture = try Fixtures.json("instances/\(file).json")
        let instance = try #require(Self.source.instance(at: Self.cell(of: file)))
        #expect(instance.X.rowArrays == fixture.rows("X"))
        // w/‖w‖ and y = X·w round as numpy's do only when OpenBLAS runs the same dot-product kernels as
        // numpy's OpenBLAS (see BLASRuntime; the test command selects them). Debian's fallback kernels
        // may differ in the last bits.
        let w = fixture.doubles("w"), y = fixture.doubles("y")
        if BLASRuntime.betterCoreType(environment: [:]) == nil {
            #expect(instance.planted.column(0) == w, "OpenBLAS kernel \(BLASRuntime.coreName)")
            #expect(instance.y == y, "OpenBLAS kernel \(BLASRuntime.coreName)")
        } else {
            #expect(withinUlps(instance.planted.column(0), w))
            #expect(zip(instance.y, y).allSatisfy { abs($0 - $1) <= 1e-15 })
        }
        let patterns = try #require(instance.patterns)
        #expect(patterns.hasAllOnes == fixture.bool("exist_all_one"))
        // The same set of patterns (the original may list the all-ones column twice).
        let ours = Set(patterns.matrix.transposed().rowArrays)
        let theirs = Set(Matrix(fixture.rows("dmat")).transposed().rowArrays)
        #expect(ours == theirs)
        // Sampled columns come in numpy's lexicographic order.
        let sampled = patterns.matrix.transposed().rowArrays
        let original = Matrix(fixture.rows("dmat")).transposed().rowArrays
        #expect(Array(sampled.prefix(original.count - (patterns.hasAllOnes ? 1 : 0)))
                == Array(original.prefix(original.count - (patterns.hasAllOnes ? 1 : 0))))
    }

    @Test func drawingInOrderEqualsReplayingToACell() throws {
        var sequential: [Cell: Instance] = [:]
        Self.source.forEachInstance { _, cell, instance in
            if cell.n <= 20 { sequential[cell] = instance }
        }
        let cell = Cell(n: 20, d: 30, trial: 1)
        let replayed = try #require(Self.source.instance(at: cell))
        #expect(replayed.X == sequential[cell]?.X && replayed.y == sequential[cell]?.y)
    }
}

private func withinUlps(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 4 * $1.ulp }
}
