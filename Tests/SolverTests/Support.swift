import Foundation
import LinearAlgebra
import Solver
import TestSupport
import Vocabulary

/// Tests/Fixtures, where the reference programs live.
let fixturesDirectory: URL = Fixtures.directory

func solverFixtureNames() -> [String] {
    let dir = fixturesDirectory.appendingPathComponent("solver")
    return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
}

func loadFixture(_ name: String) throws -> ProgramFile {
    try ProgramFile.load(path: fixturesDirectory.appendingPathComponent("solver").appendingPathComponent(name).path)
}

func fixtureJSON(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: fixturesDirectory.appendingPathComponent("solver").appendingPathComponent(name))
    return try JSONSerialization.jsonObject(with: data) as! [String: Any]
}

/// A skip-style random instance: X ~ N(0,1)/√n, a planted unit w*, y = X w*, patterns the
/// distinct columns of 1[X H ≥ 0] for `directions` Gaussian directions (science §2, §4).
func randomInstance(n: Int, d: Int, directions: Int, seed: UInt64, planted: NetworkKind = .skip) -> (X: Matrix<Double>, y: [Double], patterns: Matrix<Double>) {
    var rng = SplitMix64(seed: seed)
    let x = rng.matrix(n, d, scale: 1 / Double(n).squareRoot())
    var w = (0..<d).map { _ in rng.gaussian() }
    w.scale(by: 1 / w.norm)
    let h = rng.matrix(d, directions)
    let xh = Matrix.product(x, h)
    var seen = Set<[Double]>(), cols: [[Double]] = []
    for j in 0..<directions {
        let col = xh.column(j).map { $0 >= 0 ? 1.0 : 0.0 }
        if seen.insert(col).inserted { cols.append(col) }
    }
    var y = x.times(w)
    if planted == .normalized {
        let z = y.map { max($0, 0) }
        y = z.scaled(by: 1 / z.norm)
        let pat = y.map { $0 > 0 ? 1.0 : 0.0 }
        if seen.insert(pat).inserted { cols.append(pat) }
    }
    return (x, y, Matrix(rows: n, columns: cols.count, columnMajor: cols.flatMap { $0 }))
}

/// The blocks' matrices A_i of a program (X, D_i X; U_i for normalized), for certificate checks.
func blockMatrices(_ p: ConvexProgram) throws -> [Matrix<Double>] {
    var out: [Matrix<Double>] = []
    if p.architecture == .skip { out.append(p.X) }
    if p.architecture == .normalized {
        out += try p.patternFactors().map(\.u)
    } else {
        for i in 0..<p.p { out.append(p.X.scalingRows(by: p.patterns.column(i))) }
    }
    return out
}
