import Foundation
import LinearAlgebra

/// One problem instance (science §2): data, labels, planted weights, and what the experiments need
/// besides. Drawn by Instances, solved by Solver, trained on by Training, printed by `neurec
/// instance` and read back by `neurec train` through one JSON codec (`json`, `init(json:file:)`)
/// that reproduces every double bit for bit.
public struct Instance: Sendable, Equatable {
    /// The original script whose draws produced it (its name, e.g. `rec_rate_skip`), when known.
    public var experiment: String?
    /// The trial index of the cell it was drawn for, when known.
    public var trial: Int?
    /// n×d data.
    public var X: Matrix<Double>
    public var y: [Double]
    /// d×k planted weights, unit columns: the linear neuron w* (k = 1) or the ReLU neurons w_j;
    /// k = 0 when the instance names none.
    public var planted: Matrix<Double>
    /// Whether `planted` holds ReLU neurons (normalization experiments) rather than one linear neuron:
    /// decides how `w` is written (rows of d numbers, or one vector).
    public var plantsReLUNeurons: Bool
    /// A fresh X of the same law with noise-free labels from the same planted weights; together or not at all.
    public var XTest: Matrix<Double>?
    public var yTest: [Double]?
    /// The arrangement patterns of science §4; nil where the experiment needs none (training).
    public var patterns: PatternSet?

    public init(experiment: String? = nil, trial: Int? = nil, X: Matrix<Double>, y: [Double],
                planted: Matrix<Double>? = nil, plantsReLUNeurons: Bool = false,
                XTest: Matrix<Double>? = nil, yTest: [Double]? = nil, patterns: PatternSet? = nil) {
        precondition((XTest == nil) == (yTest == nil), "X_test and y_test come together")
        self.experiment = experiment
        self.trial = trial
        self.X = X
        self.y = y
        self.planted = planted ?? Matrix(rows: X.columns, columns: 0)
        self.plantsReLUNeurons = plantsReLUNeurons
        self.XTest = XTest
        self.yTest = yTest
        self.patterns = patterns
    }

    public var n: Int { X.rows }
    public var d: Int { X.columns }

    /// The single planted linear neuron w* (the skip experiments' `w`), if there is exactly one planted neuron.
    public var plantedLinearWeight: [Double]? {
        planted.columns == 1 ? planted.column(0) : nil
    }
}

// MARK: JSON

extension Instance {
    /// The instance as `neurec instance` prints it (and `--save_details` records it): `experiment`,
    /// `n`, `d`, `trial`, `X` (n rows), `w`, `y`, with patterns `dmat` (n×p, 0/1), `exist_all_one`
    /// (and `planted_patterns` for ReLU neurons), with a test set `X_test`, `y_test`. Doubles are
    /// written with their shortest round-tripping digits.
    public var json: JSONText {
        var pairs: [(String, JSONText)] = []
        if let experiment { pairs.append(("experiment", .string(experiment))) }
        pairs += [("n", .integer(n)), ("d", .integer(d))]
        if let trial { pairs.append(("trial", .integer(trial))) }
        pairs.append(("X", .rows(X.rowArrays)))
        if planted.columns > 0 {
            // A linear neuron is one vector; k ReLU neurons are k rows of d numbers (the fixtures' layout).
            pairs.append(("w", plantsReLUNeurons ? .rows(planted.transposed().rowArrays) : .vector(planted.column(0))))
        }
        pairs.append(("y", .vector(y)))
        if let patterns {
            pairs.append(("dmat", .rows(patterns.matrix.rowArrays)))
            pairs.append(("exist_all_one", .bool(patterns.hasAllOnes)))
            if plantsReLUNeurons {
                pairs.append(("planted_patterns", .array(patterns.plantedPatterns.map(JSONText.integer))))
            }
        }
        if let XTest, let yTest {
            pairs.append(("X_test", .rows(XTest.rowArrays)))
            pairs.append(("y_test", .vector(yTest)))
        }
        return .object(pairs)
    }

    /// Reads and validates an instance file.
    public init(contentsOf path: String) throws(InstanceFileError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InstanceFileError(file: path, key: nil, problem: "cannot be read")
        }
        try self.init(json: data, file: path)
    }

    /// Parses an instance with `JSONDecoder`, which reads every double exactly; errors name `file`
    /// and the offending key. Keys other than those `json` writes are ignored.
    public init(json data: Data, file: String = "<input>") throws(InstanceFileError) {
        do {
            self = try JSONDecoder().decode(Instance.self, from: data)
        } catch let error as InstanceFileError {
            throw InstanceFileError(file: file, key: error.key, problem: error.problem)
        } catch DecodingError.dataCorrupted {
            throw InstanceFileError(file: file, key: nil, problem: "is not valid JSON")
        } catch {
            throw InstanceFileError(file: file, key: nil, problem: "is not a JSON object")
        }
    }
}

extension Instance: Decodable {
    private enum Key: String, CodingKey {
        case experiment, trial, X, y, w, dmat, X_test, y_test, exist_all_one, planted_patterns
    }

    /// Throws `InstanceFileError`s whose file `init(json:file:)` fills in.
    public init(from decoder: any Decoder) throws {
        func fail(_ key: Key?, _ problem: String) -> InstanceFileError {
            InstanceFileError(file: "<input>", key: key?.rawValue, problem: problem)
        }
        guard let c = try? decoder.container(keyedBy: Key.self) else { throw fail(nil, "is not a JSON object") }
        func value<T: Decodable>(_ type: T.Type, _ key: Key, _ problem: String) throws -> T? {
            do { return try c.decodeIfPresent(type, forKey: key) } catch { throw fail(key, problem) }
        }
        func vector(_ key: Key) throws -> [Double]? { try value([Double].self, key, "must be a list of numbers") }
        func matrix(_ key: Key) throws -> Matrix<Double>? {
            guard let rows = try value([[Double]].self, key, "must be a list of rows") else { return nil }
            guard let width = rows.first?.count, width > 0 else { throw fail(key, "must have at least one non-empty row") }
            guard rows.allSatisfy({ $0.count == width }) else { throw fail(key, "has rows of unequal length") }
            return Matrix(rows)
        }

        guard let X = try matrix(.X) else { throw fail(.X, "is missing") }
        guard let y = try vector(.y) else { throw fail(.y, "is missing") }
        guard y.count == X.rows else { throw fail(.y, "has \(y.count) entries but X has \(X.rows) rows") }
        let XTest = try matrix(.X_test), yTest = try vector(.y_test)
        switch (XTest, yTest) {
        case (nil, nil): break
        case (nil, _?): throw fail(.X_test, "is missing although y_test is given")
        case (_?, nil): throw fail(.y_test, "is missing although X_test is given")
        case let (XTest?, yTest?):
            guard XTest.columns == X.columns else { throw fail(.X_test, "has \(XTest.columns) columns but X has \(X.columns)") }
            guard yTest.count == XTest.rows else {
                throw fail(.y_test, "has \(yTest.count) entries but X_test has \(XTest.rows) rows")
            }
        }

        var planted: Matrix<Double>?, plantsReLUNeurons = false
        let wProblem = "must be \(X.columns) numbers or rows of \(X.columns) numbers"
        if let w = try? c.decodeIfPresent([Double].self, forKey: .w) {
            guard w.count == X.columns else { throw fail(.w, wProblem) }
            planted = Matrix(column: w)
        } else if let rows = try value([[Double]].self, .w, wProblem) {
            guard !rows.isEmpty, rows.allSatisfy({ $0.count == X.columns }) else { throw fail(.w, wProblem) }
            planted = Matrix(rows).transposed()
            plantsReLUNeurons = true
        }

        var trial: Int?
        if let number = try value(Double.self, .trial, "must be a non-negative integer") {
            guard let index = Int(exactly: number), index >= 0 else { throw fail(.trial, "must be a non-negative integer") }
            trial = index
        }

        var patterns: PatternSet?
        if let dmat = try matrix(.dmat) {
            guard dmat.rows == X.rows else { throw fail(.dmat, "has \(dmat.rows) rows but X has \(X.rows)") }
            let hasAllOnes = try value(Bool.self, .exist_all_one, "must be true or false") ?? false
            let plantedPatterns = try value([Int].self, .planted_patterns, "must be a list of column indices") ?? []
            guard plantedPatterns.allSatisfy({ (0..<dmat.columns).contains($0) }) else {
                throw fail(.planted_patterns, "must be column indices of dmat (0..<\(dmat.columns))")
            }
            patterns = PatternSet(matrix: dmat, plantedPatterns: plantedPatterns, hasAllOnes: hasAllOnes)
        }

        let experiment = (try? c.decodeIfPresent(String.self, forKey: .experiment)) ?? nil
        self.init(experiment: experiment, trial: trial, X: X, y: y, planted: planted, plantsReLUNeurons: plantsReLUNeurons,
                  XTest: XTest, yTest: yTest, patterns: patterns)
    }
}

/// A bad instance file: which file, which key, what is wrong.
public struct InstanceFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// nil when the file as a whole is the problem.
    public var key: String?
    public var problem: String

    public init(file: String, key: String?, problem: String) {
        self.file = file
        self.key = key
        self.problem = problem
    }

    public var description: String {
        if let key { return "\(file): key '\(key)' \(problem)" }
        return "\(file): \(problem)"
    }
}
