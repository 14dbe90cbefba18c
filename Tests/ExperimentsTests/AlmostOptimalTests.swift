import Experiments
import Foundation
import Instances
import Testing

/// Almost-optimal solves are measured like optimal ones but never silently: marked per trial,
/// counted per run, and asking for the mark changes no other number.
@Suite struct AlmostOptimalTests {
    /// `rec_rate_normal --n 40 --d 30 --sample 2 --neu 2` in numpy mode: two of its solves stall at
    /// the reduced tolerance (NEUREC_SOLVER_TRACE=1 shows them).
    static func script() -> OriginalScript {
        OriginalScript(experiment: .recRateNormal, maxN: 40, maxD: 30, sample: 2,
                       parameters: InstanceParameters(neurons: 2), seed: 97_006_855, rng: .numpy)
    }

    @Test func stopsAreMarkedCountedAndChangeNothingElse() throws {
        let plain = Self.script().spec
        var marked = plain
        marked.metrics.append(.almostOptimal)
        #expect(marked.drawOrder == plain.drawOrder)
        let cache = try temporaryCache()
        let a = try ExperimentRunner(cache: cache, progress: .quiet).run(plain)
        let b = try ExperimentRunner(cache: nil, progress: .quiet).run(marked)
        for metric in plain.metrics { #expect(sameArrays(a, b, metric), "\(metric)") }
        let marks = try #require(b.arrays[.almostOptimal]).values
        #expect(marks.allSatisfy { $0 == 0 || $0 == 1 })
        let count = marks.filter { $0 == 1 }.count
        #expect(count > 0, "this grid is chosen because some of its solves stall")
        #expect(a.almostOptimalCount == count && b.almostOptimalCount == count)
        // Cached records carry the mark too: a re-run from the cache counts the same.
        let again = try ExperimentRunner(cache: cache, progress: .quiet).run(plain)
        #expect(again.computedCount == 0 && again.almostOptimalCount == count)
    }

    @Test func trainingHasNoSolverStop() {
        var spec = Self.script().spec
        spec.fitting = .train
        spec.metrics = [.almostOptimal]
        do {
            try spec.validate()
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".hasPrefix("metric almost_optimal:"), "\(error)")
        }
    }
}
