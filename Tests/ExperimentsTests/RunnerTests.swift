import Experiments
import Foundation
import Instances
import Solver
import TestSupport
import Testing
import Vocabulary

/// A fresh cache folder per test.
func temporaryCache() throws -> ResultCache {
    ResultCache(directory: try temporaryFolder("cache"))
}

func recoverySpec(rng: StreamMode = .cell, maxN: Int = 40, maxD: Int = 20, trials: Int = 2) -> ExperimentSpec {
    ExperimentSpec(planted: .linear, learned: .skip, fitting: .relaxed, grid: InstanceGrid(maxN: maxN, maxD: maxD, trials: trials),
                   parameters: InstanceParameters(plantedWeights: .gaussian), rng: rng, metrics: [.recovery, .disAbs])
}

/// Arrays equal, NaN matching NaN.
func sameArrays(_ a: ExperimentResult, _ b: ExperimentResult, _ metric: Metric) -> Bool {
    guard let x = a.arrays[metric], let y = b.arrays[metric], x.shape == y.shape else { return false }
    return zip(x.values, y.values).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
}

@Suite struct RunnerTests {
    /// `rec_rate_skip --n 60 --d 30 --sample 2 --optw 0 --optx 0` in numpy mode gives the original's
    /// verdicts on the fixture instances.
    @Test func numpyModeMatchesTheOriginalVerdicts() throws {
        let script = OriginalScript(experiment: .recRateSkip, maxN: 60, maxD: 30, sample: 2,
                                    parameters: InstanceParameters(plantedWeights: .gaussian), seed: 97_006_855, rng: .numpy)
        let result = try ExperimentRunner(cache: nil, progress: .quiet).run(script.spec)
        let rates = try #require(result.arrays[.recovery])
        #expect(rates.shape == [6, 3, 2])
        for (file, n, d, trial) in [("n10_d10_w0_X0_sample0", 0, 0, 0), ("n10_d10_w0_X0_sample1", 0, 0, 1),
                                    ("n20_d10_w0_X0_sample0", 1, 0, 0)] {
            let fixture = try Fixtures.json("instances/rec_rate_skip_\(file).json")
            #expect(rates[n, d, trial] == (fixture.bool("rec") ? 1 : 0), "\(file)")
        }
        #expect(script.outputFiles.map(\.name) == ["rec_rate_skip_n60_d30_w0_X0_sample2.npy"])
    }

    @Test(arguments: [StreamMode.cell, .numpy])
    func resultsDoNotDependOnTheThreadCount(rng: StreamMode) throws {
        let one = try ExperimentRunner(cache: nil, jobs: 1, progress: .quiet).run(recoverySpec(rng: rng))
        let two = try ExperimentRunner(cache: nil, jobs: 2, progress: .quiet).run(recoverySpec(rng: rng))
        let three = try ExperimentRunner(cache: nil, jobs: 3, progress: .quiet).run(recoverySpec(rng: rng))
        #expect(sameArrays(one, two, .recovery) && sameArrays(one, two, .disAbs))
        #expect(sameArrays(one, three, .disAbs))
        // Something was actually computed: recovery succeeds somewhere and fails somewhere.
        let rates = one.arrays[.recovery]!.values
        #expect(rates.contains(1) && rates.contains(0))
    }

    @Test func aRepeatedRunComputesNothing() throws {
        let cache = try temporaryCache()
        let runner = ExperimentRunner(cache: cache, progress: .quiet)
        let first = try runner.run(recoverySpec())
        #expect(first.computedCount == first.instanceCount)
        let second = try runner.run(recoverySpec())
        #expect(second.computedCount == 0)
        #expect(sameArrays(first, second, .recovery) && sameArrays(first, second, .disAbs))
    }

    @Test func anExtendedGridComputesOnlyTheNewCells() throws {
        let cache = try temporaryCache()
        let runner = ExperimentRunner(cache: cache, progress: .quiet)
        let small = try runner.run(recoverySpec(maxN: 30, maxD: 20))
        let large = try runner.run(recoverySpec(maxN: 50, maxD: 20))
        #expect(large.computedCount == large.instanceCount - small.instanceCount)
        for i in 0..<3 { for j in 0..<2 { for t in 0..<2 {
            #expect(large.arrays[.disAbs]![i, j, t] == small.arrays[.disAbs]![i, j, t])
        } } }
    }

    @Test func shardsThenAssembleEqualsOneRun() throws {
        let cache = try temporaryCache()
        for k in 1...3 {
            let shard = try Shard(index: k, count: 3)
            let partial = try ExperimentRunner(cache: cache, shard: shard, progress: .quiet).run(recoverySpec(rng: .numpy))
            #expect(partial.computedCount > 0)
        }
        let assembled = try ExperimentRunner(cache: cache, progress: .quiet).run(recoverySpec(rng: .numpy))
        #expect(assembled.computedCount == 0)
        let single = try ExperimentRunner(cache: nil, progress: .quiet).run(recoverySpec(rng: .numpy))
        #expect(sameArrays(assembled, single, .recovery) && sameArrays(assembled, single, .disAbs))
    }

    /// What a killed run leaves behind: some complete records, a stray temporary file, a truncated
    /// record, and after a crash of the machine an empty one (records are renamed into place without
    /// fsync). The next run reuses the complete ones and recomputes the rest.
    @Test func resumesAfterAnInterruptedRun() throws {
        let cache = try temporaryCache()
        let spec = recoverySpec()
        let full = try ExperimentRunner(cache: cache, progress: .quiet).run(spec)
        let folder = try #require(try FileManager.default.contentsOfDirectory(at: cache.directory, includingPropertiesForKeys: nil).first)
        let records = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasPrefix("n") }.sorted { $0.path < $1.path }
        for url in records.prefix(5) { try FileManager.default.removeItem(at: url) }
        try Data("{\"recov".utf8).write(to: records[5])
        try Data().write(to: records[6])
        try Data("partial".utf8).write(to: folder.appendingPathComponent(".n10_d10_t0.json.123.tmp"))
        let resumed = try ExperimentRunner(cache: cache, progress: .quiet).run(spec)
        #expect(resumed.computedCount == 7)
        #expect(sameArrays(full, resumed, .recovery) && sameArrays(full, resumed, .disAbs))
    }

    @Test func skippedNormalizationCellsAreZeroOrNaN() throws {
        let spec = ExperimentSpec(planted: .normalized, learned: .normalized, fitting: .relaxed,
                                  grid: InstanceGrid(nValues: [10], dValues: [20], trials: 1),
                                  parameters: InstanceParameters(plantedWeights: .structured, neurons: 1),
                                  metrics: [.recovery, .disAbs])
        let result = try ExperimentRunner(cache: nil, progress: .quiet).run(spec)
        #expect(result.arrays[.recovery]!.values == [0])
        #expect(result.arrays[.disAbs]!.values[0].isNaN)
    }

    @Test func everyOriginalScriptKeepsItsDrawOrder() {
        for experiment in OriginalExperiment.allCases {
            let script = OriginalScript(experiment: experiment, maxN: 20, maxD: 10, sample: 1,
                                        parameters: InstanceParameters(sigma: 0.1), seed: 1, rng: .numpy)
            #expect(script.spec.drawOrder == experiment, "\(experiment)")
            #expect((try? script.spec.validate()) != nil, "\(experiment)")
        }
    }

    @Test func invalidSpecsNameTheProblem() throws {
        var spec = recoverySpec()
        spec.learned = .plain
        #expect(throws: ExperimentSpecError.self) { try spec.validate() }
        spec = recoverySpec()
        spec.metrics = [.irrepresentability]
        #expect((try? spec.validate()) == nil)
        #expect(throws: ExperimentSpecError.self) { try Shard(index: 4, count: 3) }
        #expect(try Shard.fromSlurm(["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"]) == (try Shard(index: 3, count: 4)))
    }
}

@Suite struct DetailsTests {
    @Test func saveDetailsWritesOneRecordPerTrial() throws {
        let folder = try temporaryFolder("details")
        let spec = recoverySpec(maxN: 20, maxD: 10, trials: 1)
        _ = try ExperimentRunner(cache: nil, progress: .quiet, details: folder).run(spec)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files == ["minnrm_skip_n10_d10_t0.json", "minnrm_skip_n20_d10_t0.json"])
        let data = try Data(contentsOf: folder.appendingPathComponent(files[1]))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let solution = try #require(object["solution"] as? [String: Any])
        #expect((object["instance"] as? [String: Any])?["X"] != nil)
        #expect(solution["w0"] != nil && solution["status"] as? String == "optimal")
        #expect((object["metrics"] as? [String: Any])?["recovery"] != nil)
    }
}

/// With noisy labels an exact or approx trial goes straight to its solve (`TrialEvaluation.settings`):
/// the cone-free attempt it skips would have failed and been followed by the same solve, so its
/// record is the default settings' solve, to rounding.
@Suite struct NoisySolveTests {
    @Test func noisySkipApproxTrialsSkipTheConeFreeAttempt() throws {
        let folder = try temporaryFolder("details")
        let spec = ExperimentSpec(planted: .linear, learned: .skip, fitting: .approx,
                                  grid: InstanceGrid(nValues: [40, 60], dValues: [20], trials: 2),
                                  parameters: InstanceParameters(plantedWeights: .gaussian, sigma: 0.1), metrics: [.disAbs])
        _ = try ExperimentRunner(cache: nil, progress: .quiet, details: folder).run(spec)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files.count == 4)
        for file in files {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let solution = try #require(object["solution"] as? [String: Any])
            #expect(solution["route"] as? String == "direct", "\(file)")
            let instance = try Instance(json: try JSONSerialization.data(withJSONObject: try #require(object["instance"])), file: file)
            let patterns = try #require(instance.patterns)
            let program = ConvexProgram(architecture: .skip, form: .approx, X: instance.X, y: instance.y, patterns: patterns.matrix)
            let byDefault = Solver.solve(program)
            // The default settings tried the cone-free minimizer, which missed a cone, and then solved.
            #expect(byDefault.route == .fallback, "\(file)")
            // The same iterations; the last bit may differ (BLAS kernels round with the alignment of
            // the arrays they are handed, which the skipped attempt's allocations shift).
            let objective = try #require(solution["objective"] as? Double)
            #expect(abs(objective - byDefault.objective) <= 1e-12 * byDefault.objective, "\(file)")
            #expect(solution["iterations"] as? Int == byDefault.iterations, "\(file)")
            let w0 = try #require(solution["w0"] as? [Double]), reference = try #require(byDefault.w0)
            #expect(zip(w0, reference).allSatisfy { abs($0 - $1) <= 1e-12 }, "\(file)")
        }
    }
}
