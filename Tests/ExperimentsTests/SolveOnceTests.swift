import Experiments
import Foundation
import Instances
import Testing
import Vocabulary

/// Cell mode draws one canonical instance per planted model, data law, σ and cell (science §3), so
/// experiments that differ only in the metric share one solve per learned network and form.
@Suite struct SolveOnceTests {
    func spec(_ planted: PlantedModel, _ learned: NetworkKind, _ fitting: Fitting, _ metrics: [Metric],
              parameters: InstanceParameters = InstanceParameters(), rng: StreamMode = .cell) -> ExperimentSpec {
        ExperimentSpec(planted: planted, learned: learned, fitting: fitting, grid: InstanceGrid(maxN: 30, maxD: 20, trials: 2),
                       parameters: parameters, rng: rng, metrics: metrics)
    }

    /// The pairs of the paper's figures: 4b and 2 (exact recovery, test distance), 4a and 7's σ = 0
    /// panel (relaxed recovery, absolute distance), 5a and the min-norm σ = 0 panel, cvx_train's two
    /// distances. The second of each pair finds every record and solves nothing.
    @Test(arguments: [
        (PlantedModel.linear, NetworkKind.skip, Fitting.exact, Metric.recovery, Metric.disTest, PlantedWeights.structured, 1),
        (.linear, .skip, .relaxed, .recovery, .disAbs, .structured, 1),
        (.normalized, .normalized, .relaxed, .recovery, .disAbs, .structured, 2),
        (.linear, .skip, .approx, .disAbs, .disTest, .structured, 1),
    ])
    func experimentsThatDifferOnlyInTheMetricShareTheirSolves(planted: PlantedModel, learned: NetworkKind, fitting: Fitting,
                                                              first: Metric, second: Metric, optw: PlantedWeights, k: Int) throws {
        let cache = try temporaryCache()
        let runner = ExperimentRunner(cache: cache, progress: .quiet)
        let parameters = InstanceParameters(plantedWeights: optw, neurons: k)
        let solved = try runner.run(spec(planted, learned, fitting, [first], parameters: parameters))
        #expect(solved.computedCount == solved.instanceCount)
        #expect(solved.instanceCount == 3 * 2 * 2)
        let shared = try runner.run(spec(planted, learned, fitting, [second], parameters: parameters))
        #expect(shared.computedCount == 0)
        // And the shared records are the solves of the same instances: both metrics at once agree.
        let both = try ExperimentRunner(cache: nil, progress: .quiet).run(spec(planted, learned, fitting, [first, second], parameters: parameters))
        #expect(sameArrays(solved, both, first) && sameArrays(shared, both, second))
    }

    /// A different σ, form or learned network is a different solve.
    @Test func anotherSigmaOrFormSolvesAgain() throws {
        let cache = try temporaryCache()
        let runner = ExperimentRunner(cache: cache, progress: .quiet)
        let quiet = try runner.run(spec(.linear, .skip, .relaxed, [.recovery]))
        let noisy = try runner.run(spec(.linear, .skip, .relaxed, [.disAbs], parameters: InstanceParameters(sigma: 0.1)))
        let exact = try runner.run(spec(.linear, .skip, .exact, [.recovery]))
        #expect([quiet, noisy, exact].allSatisfy { $0.computedCount == $0.instanceCount })
    }

    /// The σ panels of a normalized exact experiment computed together (each cell's panels on one
    /// worker, sharing the pattern factors; exact programs are never seeded) give the separate runs'
    /// arrays to the last bit, in every metric; the separate runs then find every trial in the cache.
    /// Skip exact programs and mixed panels share nothing and compute nothing there (relaxed and approx
    /// panels are seeded: below).
    @Test func sigmaPanelsComputedTogetherMatchSeparateRuns() throws {
        let metrics: [Metric] = [.disAbs, .disTest, .recovery, .offPlantedNorm, .iterations]
        let panels = [0, 0.05, 0.2].map { sigma in
            var panel = spec(.normalized, .normalized, .exact, metrics,
                             parameters: InstanceParameters(plantedWeights: .opposite, neurons: 2, sigma: sigma))
            panel.grid = InstanceGrid(nValues: [20, 40], dValues: [4, 8], trials: 2)
            return panel
        }
        let cache = try temporaryCache()
        let runner = ExperimentRunner(cache: cache, progress: .quiet)
        let computed = try runner.computeSigmaPanelsTogether(panels)
        #expect(computed == panels.count * 2 * 2 * 2)
        for panel in panels {
            let together = try runner.run(panel)
            #expect(together.computedCount == 0)
            let separate = try ExperimentRunner(cache: nil, progress: .quiet).run(panel)
            for metric in metrics { #expect(sameArrays(together, separate, metric), "σ = \(panel.parameters.sigma), \(metric)") }
        }
        let skip = [0, 0.1].map { spec(.linear, .skip, .exact, [.disAbs], parameters: InstanceParameters(sigma: $0)) }
        #expect(try runner.computeSigmaPanelsTogether(skip) == 0)
        var otherForm = panels[1]
        otherForm.fitting = .approx
        #expect(try runner.computeSigmaPanelsTogether([panels[0], otherForm]) == 0)
    }

    /// Relaxed and approx panels computed together, largest σ first: each noisy panel after the first
    /// starts from the previous minimizer's patterns (its iterations differ from the separate run's),
    /// and its distances equal the separate runs' to the solver's tolerance (1e-4 relative: a nearly
    /// degenerate normalized program's minimizer moves 10⁻⁵ while its objective moves 10⁻⁹). Where ties are possible
    /// nothing is seeded and the records stay the separate runs' to the last bit: the noise-free panel,
    /// and the skip network's cells with the all-ones pattern (its block ties with w₀).
    @Test(arguments: [(NetworkKind.skip, Fitting.approx), (.skip, .relaxed), (.normalized, .relaxed)])
    func seededPanelsMatchSeparateRunsToTheSolversTolerance(_ learned: NetworkKind, _ fitting: Fitting) throws {
        let panels = [0, 0.1, 0.2].map { sigma in
            var panel = learned == .skip
                ? spec(.linear, .skip, fitting, [.disAbs, .disTest, .iterations, .allOnes], parameters: InstanceParameters(sigma: sigma))
                : spec(.normalized, .normalized, fitting, [.disAbs, .disTest, .iterations],
                       parameters: InstanceParameters(plantedWeights: .opposite, neurons: 2, sigma: sigma))
            panel.grid = InstanceGrid(nValues: [30, 60, 80], dValues: [10, 20], trials: 2)
            return panel
        }
        let cache = try temporaryCache()
        let runner = ExperimentRunner(cache: cache, progress: .quiet)
        #expect(try runner.computeSigmaPanelsTogether(panels) == panels.count * 3 * 2 * 2)
        var seededSomewhere = false, tiedCells = 0
        for panel in panels {
            let together = try runner.run(panel)
            #expect(together.computedCount == 0)
            let separate = try ExperimentRunner(cache: nil, progress: .quiet).run(panel)
            let sigma = panel.parameters.sigma
            if sigma == 0 {
                for metric in panel.metrics { #expect(sameArrays(together, separate, metric), "σ = 0, \(metric)") }
                continue
            }
            for metric in [Metric.disAbs, .disTest] {
                let a = try #require(together.arrays[metric]).values, b = try #require(separate.arrays[metric]).values
                let worst = zip(a, b).map { abs($0 - $1) / max(abs($1), 1e-12) }.max() ?? .nan
                #expect(worst < 1e-4, "\(learned) \(fitting), σ = \(sigma), \(metric): relative difference \(worst)")
            }
            seededSomewhere = seededSomewhere || !sameArrays(together, separate, .iterations)
            if learned == .skip, let allOnes = together.arrays[.allOnes]?.values {
                let a = try #require(together.arrays[.disAbs]).values, b = try #require(separate.arrays[.disAbs]).values
                for k in allOnes.indices where allOnes[k] == 1 {
                    tiedCells += 1
                    #expect(a[k] == b[k], "\(fitting), σ = \(sigma): an all-ones trial was seeded")
                }
            }
        }
        #expect(seededSomewhere, "\(learned) \(fitting): no panel started from its neighbour's patterns")
        #expect(learned != .skip || tiedCells > 0, "no trial with the all-ones pattern to check")
    }

    /// Numpy mode keeps each original script's draw order, hence its own instances: recovery and
    /// the min-norm distance draw differently there and share nothing.
    @Test func numpyModeKeepsTheOriginalsDrawOrders() throws {
        let cache = try temporaryCache()
        let runner = ExperimentRunner(cache: cache, progress: .quiet)
        _ = try runner.run(spec(.linear, .skip, .relaxed, [.recovery], rng: .numpy))
        let minnrm = try runner.run(spec(.linear, .skip, .relaxed, [.disAbs], rng: .numpy))
        #expect(minnrm.computedCount == minnrm.instanceCount)
    }

    /// The irrepresentability condition samples more directions and is evaluated only when asked
    /// for: it has records of its own, and never takes a record that lacks it.
    @Test func conditionsAskedForKeepRecordsOfTheirOwn() throws {
        let cache = try temporaryCache()
        let runner = ExperimentRunner(cache: cache, progress: .quiet)
        let parameters = InstanceParameters(plantedWeights: .structured, neurons: 2)
        _ = try runner.run(spec(.normalized, .normalized, .relaxed, [.recovery], parameters: parameters))
        let irr = try runner.run(spec(.normalized, .normalized, .relaxed, [.irrepresentability], parameters: parameters))
        #expect(irr.computedCount == irr.instanceCount)
        let again = try runner.run(spec(.normalized, .normalized, .relaxed, [.irrepresentability], parameters: parameters))
        #expect(again.computedCount == 0)
    }

    /// Every canonical instance has a test set, so cell mode measures the test distance of the
    /// normalized network's convex programs too; numpy mode keeps the original's refusal.
    @Test func cellModeMeasuresNormalizedTestDistances() throws {
        let parameters = InstanceParameters(plantedWeights: .structured, neurons: 2)
        var tall = spec(.normalized, .normalized, .relaxed, [.disTest, .recovery], parameters: parameters)
        tall.grid = InstanceGrid(nValues: [40, 60], dValues: [4], trials: 3)
        let result = try ExperimentRunner(cache: nil, progress: .quiet).run(tall)
        let distances = try #require(result.arrays[.disTest]).values
        let recovered = try #require(result.arrays[.recovery]).values
        // Where the planted neurons are recovered (to 1e-4) the network is the planted one: its test
        // distance is ≈ 0, where an unrecovered network's is of order 1.
        for (distance, rate) in zip(distances, recovered) where rate == 1 { #expect(distance < 1e-2) }
        #expect(recovered.contains(1))
        #expect(throws: ExperimentSpecError.self) {
            try spec(.normalized, .normalized, .relaxed, [.disTest], parameters: parameters, rng: .numpy).validate()
        }
    }
}
