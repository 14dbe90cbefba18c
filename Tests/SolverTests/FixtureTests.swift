import Foundation
import LinearAlgebra
import Solver
import Testing

/// Every reference optimum in fixtures/solver (Clarabel, cross-checked with ECOS).
@Suite struct FixtureTests {
    @Test func fixturesArePresent() {
        #expect(solverFixtureNames().count >= 9, "fixtures not found under \(fixturesDirectory.path)")
    }

    @Test(arguments: solverFixtureNames())
    func matchesReferenceOptimum(_ name: String) throws {
        let file = try loadFixture(name)
        let result = solve(file.program)
        #expect(result.status == .optimal, "\(name): \(result.status)")
        let reference = try #require(file.referenceObjective)
        let tolerance = file.program.form == .approx ? 1e-4 : 1e-6
        let relative = abs(result.objective - reference) / abs(reference)
        #expect(relative <= tolerance, "\(name): objective \(result.objective) vs \(reference) (relative \(relative))")
        #expect(result.primalResidual <= 1e-8, "\(name): residual \(result.primalResidual)")
        #expect(result.dualityGap <= 1e-6 * max(1, abs(result.objective)), "\(name): gap \(result.dualityGap)")
        #expect(result.w.count == file.program.p)
        #expect((result.w0 != nil) == (file.program.architecture == .skip))
        #expect((result.v != nil) == (file.program.form != .relaxed))
    }

    /// The truncation rank of D_i X must be the reference's, or the U_i bases differ in size.
    @Test func normalizedRanksMatchFixtures() throws {
        for name in solverFixtureNames() where name.hasPrefix("normalized") {
            let program = try loadFixture(name).program
            let ranks = try fixtureJSON(name)["ranks"] as! [Int]
            #expect(try program.patternFactors().map(\.rank) == ranks, "\(name)")
        }
    }

    /// Norms of the reference blocks are basis independent: compare them with ours.
    @Test func normalizedBlockNormsMatchReference() throws {
        for name in solverFixtureNames() where name.hasPrefix("normalized") {
            let program = try loadFixture(name).program
            let reference = (try fixtureJSON(name)["solution"] as! [String: Any])["W"] as! [[Double]]
            let result = solve(program)
            for (i, w) in result.w.enumerated() {
                #expect(abs(w.norm - reference[i].norm) <= 1e-5, "\(name) block \(i): \(w.norm) vs \(reference[i].norm)")
            }
        }
    }
}
