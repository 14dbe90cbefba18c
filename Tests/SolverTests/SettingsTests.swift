import Foundation
import LinearAlgebra
import Solver
import Testing

/// `SolverSettings.validate()` and its use by `solve`.
@Suite struct SettingsTests {
    @Test func defaultsAreValid() throws {
        try SolverSettings().validate()
    }

    static let nonsense: [(String, @Sendable (inout SolverSettings) -> Void)] = [
        ("feasibilityTolerance", { $0.feasibilityTolerance = 0 }),
        ("gapTolerance", { $0.gapTolerance = .nan }),
        ("reducedTolerance", { $0.reducedTolerance = 1e-12 }),   // tighter than the full tolerances
        ("stepFraction", { $0.stepFraction = 1.5 }),
        ("maxIterations", { $0.maxIterations = -1 }),
        ("kktRefinementSteps", { $0.kktRefinementSteps = -2 }),
        ("slowRefinementSteps", { $0.slowRefinementSteps = -1 }),
        ("slowRefinementRatio", { $0.slowRefinementRatio = 1 }),   // would never stop shrinking
        ("slowRefinementFloor", { $0.slowRefinementFloor = -1e-6 }),
        ("divergenceFactor", { $0.divergenceFactor = 0.5 }),
        ("approxToleranceFactor", { $0.approxToleranceFactor = .infinity }),
        ("normalRegularization", { $0.normalRegularization = 1e-2 }),   // above its limit
        ("spanRelativeDistance", { $0.spanRelativeDistance = -1 }),
        ("centralityCorrectors", { $0.centralityCorrectors = -1 }),
        ("correctorStepGain", { $0.correctorStepGain = 0 }),
        ("correctorProductLow", { $0.correctorProductLow = 2 }),
        ("correctorProductHigh", { $0.correctorProductHigh = 0.5 }),
        ("shrinkLargestRatio", { $0.shrinkLargestRatio = 0 }),
        ("shrinkStages[1].merit", { $0.shrinkStages[1].merit = 0.5 }),   // above the stage before
        ("shrinkStages[0].fraction", { $0.shrinkStages[0].fraction = 1.5 }),
        ("workingSetCheckMerit", { $0.workingSetCheckMerit = 0 }),
        ("shrinkStages[1].largeBlockMargin", { $0.shrinkStages[1].largeBlockMargin = 0.5 }),
    ]

    @Test(arguments: 0..<nonsense.count)
    func nonsenseIsRejectedByName(_ k: Int) throws {
        let (name, change) = Self.nonsense[k]
        var settings = SolverSettings()
        change(&settings)
        #expect(throws: SolverSettings.Invalid.self) { try settings.validate() }
        do { try settings.validate() } catch {
            #expect("\(error)".hasPrefix("solver setting \(name) = "), "\(error)")
        }
        // solve reports it instead of iterating.
        let file = try loadFixture("skip_relaxed_n20_d5.json")
        let result = solve(file.program, settings: settings)
        guard case .invalidInput(let message) = result.status else {
            Issue.record("\(name): status \(result.status)")
            return
        }
        #expect(message.contains(name))
        #expect(result.iterations == 0)
    }

    /// A stall at a point that meets only the reduced tolerance is reported as such, not as optimal.
    /// Full tolerances of 1e-15 are below what rounding lets any iterate reach, so the iteration
    /// stalls or runs out of iterations; its best iterate (1e-9 or better) is almost optimal under the
    /// default reduced tolerance (1e-7), and cut off at 12 iterations without any reduced
    /// tolerance it is not a minimizer at all.
    @Test func reducedAccuracyStopHasItsOwnStatus() throws {
        let program = try loadFixture("skip_approx_n30_d8.json").program
        var unattainable = SolverSettings()
        unattainable.feasibilityTolerance = 1e-15
        unattainable.gapTolerance = 1e-15
        let result = solve(program, settings: unattainable)
        #expect(result.status == .almostOptimal)
        #expect(result.status.name == "almost_optimal")
        #expect(result.status.hasMinimizer && !result.status.isOptimal)
        #expect(abs(result.objective - solve(program).objective) <= 1e-7 * abs(result.objective))
        var cut = unattainable
        cut.maxIterations = 12
        cut.reducedTolerance = 1e-15
        // The plain iteration's stop: a shrinking one continues on another path after its pause.
        cut.shrinkingWorkingSet = false
        #expect(solve(program, settings: cut).status == .maxIterations)
    }
}
