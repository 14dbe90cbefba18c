import Foundation
import LinearAlgebra
import Solver
import Testing
import Vocabulary

/// Ill-posed input ends with a status and a reason, never a trap or a false "optimal".
@Suite struct InvalidInputTests {
    let inst = randomInstance(n: 12, d: 3, directions: 20, seed: 5)

    func program(_ arch: NetworkKind = .skip, _ form: ProgramForm = .relaxed, X: Matrix<Double>? = nil, y: [Double]? = nil,
                 patterns: Matrix<Double>? = nil) -> ConvexProgram {
        ConvexProgram(architecture: arch, form: form, X: X ?? inst.X, y: y ?? inst.y, patterns: patterns ?? inst.patterns)
    }

    func isInvalid(_ r: SolverResult) -> Bool { if case .invalidInput = r.status { return true }; return false }
    func isInfeasible(_ r: SolverResult) -> Bool { if case .primalInfeasible = r.status { return true }; return false }

    @Test func nanOrInfiniteData() {
        var x = inst.X
        x[2, 1] = .nan
        #expect(isInvalid(solve(program(X: x))))
        var y = inst.y
        y[0] = .infinity
        #expect(isInvalid(solve(program(.normalized, .approx, y: y))))
    }

    @Test func emptyPatternSet() {
        let r = solve(program(.plain, .exact, patterns: Matrix(rows: 12, columns: 0)))
        #expect(isInvalid(r))
        #expect(r.status.message?.contains("empty") == true)
    }

    @Test func mismatchedSizes() {
        #expect(isInvalid(solve(program(y: Array(inst.y.prefix(11))))))
        #expect(isInvalid(solve(program(patterns: Matrix(rows: 11, columns: 3, repeating: 1)))))
        var p = inst.patterns
        p[0, 0] = 0.5
        #expect(isInvalid(solve(program(patterns: p))))
        let bad = ConvexProgram(architecture: .skip, form: .approx, X: inst.X, y: inst.y, patterns: inst.patterns, beta: -1)
        #expect(isInvalid(solve(bad)))
    }

    /// Labels outside the span of the blocks: only rows 0…2 are ever active.
    @Test(arguments: [NetworkKind.plain, .normalized], [ProgramForm.relaxed, .exact])
    func labelsOutsideSpan(_ arch: NetworkKind, _ form: ProgramForm) {
        var d = Matrix<Double>(rows: 12, columns: 2)
        for i in 0..<3 { d[i, 0] = 1 }
        for i in 0..<2 { d[i, 1] = 1 }
        let r = solve(program(arch, form, patterns: d))
        #expect(isInfeasible(r), "\(r.status)")
        // …while the approx form is always feasible.
        #expect(solve(program(arch, .approx, patterns: d)).status == .optimal)
    }

    /// y in the span of D X but the sign constraints force w = 0: only a dual ray can tell.
    @Test func signConstraintsMakeExactInfeasible() {
        let x = Matrix<Double>(rows: 2, columns: 1, columnMajor: [1, 1])
        let d = Matrix<Double>(rows: 2, columns: 1, columnMajor: [1, 0])
        let r = solve(ConvexProgram(architecture: .plain, form: .exact, X: x, y: [1, 0], patterns: d))
        #expect(!r.status.isOptimal, "\(r.status)")
        #expect(isInfeasible(r), "\(r.status)")
    }

    @Test func badFileNamesTheKey() throws {
        let good = try loadFixture("skip_relaxed_n20_d5.json")
        var obj = good.jsonObject()
        obj["y"] = [1.0, 2.0]
        var err = try #require(parseError(obj))
        #expect(err.key == "y")
        obj = good.jsonObject()
        obj["arch"] = "resnet"
        err = try #require(parseError(obj))
        #expect(err.key == "arch")
        obj = good.jsonObject()
        obj.removeValue(forKey: "D")
        err = try #require(parseError(obj))
        #expect(err.key == "D")
        #expect(err.description.contains("f.json"))
    }

    @Test func fileRoundTrip() throws {
        let good = try loadFixture("skip_exact_n30_d8.json")
        let data = try JSONSerialization.data(withJSONObject: good.jsonObject())
        let again = try ProgramFile.parse(data, file: "f.json")
        // Foundation may print doubles with fewer digits than a round trip needs.
        #expect(minus(again.program.X.storage, good.program.X.storage).norm <= 1e-13)
        #expect(minus(again.program.y, good.program.y).norm <= 1e-13)
        #expect(again.program.patterns == good.program.patterns)
        #expect(again.plantedSkip == nil)
        // The planted skip weight travels with the program (`neurec bench solver --write-instances`
        // writes it for `neurec solve --planted`).
        let planted = ProgramFile(program: good.program, plantedSkip: (0..<good.program.d).map { 1 / Double($0 + 1) })
        let back = try ProgramFile.parse(try JSONSerialization.data(withJSONObject: planted.jsonObject()), file: "f.json")
        #expect(minus(try #require(back.plantedSkip), try #require(planted.plantedSkip)).norm <= 1e-13)
    }

    func parseError(_ obj: [String: Any]) -> ProgramFileError? {
        do {
            _ = try ProgramFile.parse(try JSONSerialization.data(withJSONObject: obj), file: "f.json")
            return nil
        } catch let e as ProgramFileError { return e } catch { return nil }
    }
}
