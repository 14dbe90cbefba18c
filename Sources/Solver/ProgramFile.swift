import Foundation
import LinearAlgebra
import Vocabulary

/// Why a program file could not be read: the file and the key at fault.
public struct ProgramFileError: Error, CustomStringConvertible {
    public let file: String
    public let key: String
    public let problem: String
    public var description: String { "\(file): key '\(key)': \(problem)" }
}

/// An instance in the fixture format (fixtures/README.md): keys `arch`, `form`, `n`, `d`, `p`,
/// `beta`, `X` (n rows of d), `y` (n), `D` (p rows of n zeros and ones), and optionally the
/// reference `objective` and the planted skip weight `w`.
public struct ProgramFile: Sendable {
    public let program: ConvexProgram
    /// The reference optimum stored with a fixture, if any.
    public let referenceObjective: Double?
    /// The planted skip weight `w` when the file has one of d numbers (`neurec instance` writes it),
    /// for `searchPlantedOptimality`; nil otherwise.
    public let plantedSkip: [Double]?

    public init(program: ConvexProgram, referenceObjective: Double? = nil, plantedSkip: [Double]? = nil) {
        self.program = program
        self.referenceObjective = referenceObjective
        self.plantedSkip = plantedSkip
    }

    public static func load(path: String) throws -> ProgramFile {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProgramFileError(file: path, key: "-", problem: "cannot read the file")
        }
        return try parse(data, file: name)
    }

    public static func parse(_ data: Data, file: String) throws -> ProgramFile {
        func fail(_ key: String, _ problem: String) -> ProgramFileError { ProgramFileError(file: file, key: key, problem: problem) }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw fail("-", "not a JSON object")
        }
        func number(_ v: Any?) -> Double? {
            guard let n = v as? NSNumber else { return nil }
            return n.doubleValue
        }
        func integer(_ key: String) throws -> Int {
            guard let v = number(root[key]), v >= 0, v == v.rounded(), v < 1e9 else { throw fail(key, "expected a non-negative integer") }
            return Int(v)
        }
        func vector(_ v: Any?, _ key: String, count: Int) throws -> [Double] {
            guard let a = v as? [Any] else { throw fail(key, "expected a list of numbers") }
            guard a.count == count else { throw fail(key, "expected \(count) numbers, found \(a.count)") }
            return try a.map { guard let x = number($0) else { throw fail(key, "expected numbers only") }; return x }
        }
        func rows(_ key: String, count: Int, length: Int) throws -> [Double] {
            guard let a = root[key] as? [Any] else { throw fail(key, "missing or not a list of rows") }
            guard a.count == count else { throw fail(key, "expected \(count) rows, found \(a.count)") }
            var flat: [Double] = []
            flat.reserveCapacity(count * length)
            for row in a { flat += try vector(row, key, count: length) }
            return flat
        }
        guard let archName = root["arch"] as? String else { throw fail("arch", "missing") }
        guard let arch = NetworkKind(rawValue: archName) else { throw fail("arch", "'\(archName)' is not skip, plain or normalized") }
        guard let formName = root["form"] as? String else { throw fail("form", "missing") }
        guard let form = ProgramForm(rawValue: formName) else { throw fail("form", "'\(formName)' is not relaxed, exact or approx") }
        let n = try integer("n"), d = try integer("d"), p = try integer("p")
        var beta = 1e-6
        if form == .approx {
            if let b = root["beta"], !(b is NSNull) {
                guard let v = number(b) else { throw fail("beta", "expected a number") }
                beta = v
            }
        }
        let x = try rows("X", count: n, length: d)
        let y = try vector(root["y"], "y", count: n)
        let dRows = try rows("D", count: p, length: n)
        if !dRows.allSatisfy({ $0 == 0 || $0 == 1 }) { throw fail("D", "entries must be 0 or 1") }
        if !x.allSatisfy({ $0.isFinite }) { throw fail("X", "entries must be finite") }
        if !y.allSatisfy({ $0.isFinite }) { throw fail("y", "entries must be finite") }
        let program = ConvexProgram(architecture: arch, form: form, X: Matrix(rows: n, columns: d, rowMajor: x), y: y,
                                    patterns: Matrix(rows: n, columns: p, columnMajor: dRows), beta: beta)
        return ProgramFile(program: program, referenceObjective: number(root["objective"]),
                           plantedSkip: try? vector(root["w"], "w", count: d))
    }

    /// The program in the same format (for benchmarks run by other solvers).
    public func jsonObject() -> [String: Any] {
        let pr = program
        var o: [String: Any] = [
            "arch": pr.architecture.rawValue, "form": pr.form.rawValue, "n": pr.n, "d": pr.d, "p": pr.p,
            "beta": pr.form == .approx ? pr.beta as Any : NSNull(),
            "X": pr.X.rowArrays, "y": pr.y,
            "D": (0..<pr.p).map { pr.patterns.column($0) },
        ]
        if let r = referenceObjective { o["objective"] = r }
        if let w = plantedSkip { o["w"] = w }
        return o
    }
}
