import Foundation
import LinearAlgebra

/// An instance as `neurec instance` prints it: `X` (n rows of d numbers), `y` (n numbers), optional
/// `X_test`/`y_test` (together), optional planted weights `w` (d numbers, or rows of d numbers for
/// several planted neurons), optional `trial`. Other keys are ignored.
public struct TrainingInstance: Sendable, Equatable {
    public var X: Matrix<Double>
    public var y: [Double]
    public var XTest: Matrix<Double>?
    public var yTest: [Double]?
    /// Planted weights, one row per planted neuron (a single row for the skip experiments' w*).
    public var planted: [[Double]]?
    /// The trial index of the cell the instance was drawn for (`trial` key), if the file says.
    public var trial: Int?

    public init(X: Matrix<Double>, y: [Double], XTest: Matrix<Double>? = nil, yTest: [Double]? = nil,
                planted: [[Double]]? = nil, trial: Int? = nil) {
        self.X = X
        self.trial = trial
        self.y = y
        self.XTest = XTest
        self.yTest = yTest
        self.planted = planted
    }

    /// The single planted linear neuron w* (the skip experiments' `w`), if there is exactly one.
    public var plantedLinearWeight: [Double]? {
        guard let planted, planted.count == 1 else { return nil }
        return planted[0]
    }

    /// Reads and validates an instance file.
    public init(contentsOf path: String) throws(InstanceFileError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InstanceFileError(file: path, key: nil, problem: "cannot be read")
        }
        try self.init(json: data, file: path)
    }

    /// Parses an instance; errors name `file` and the offending key.
    public init(json data: Data, file: String = "<input>") throws(InstanceFileError) {
        func fail(_ key: String?, _ problem: String) -> InstanceFileError {
            InstanceFileError(file: file, key: key, problem: problem)
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw fail(nil, "is not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else { throw fail(nil, "is not a JSON object") }

        func numbers(_ value: Any, _ key: String) throws(InstanceFileError) -> [Double] {
            guard let list = value as? [Any] else { throw fail(key, "must be a list of numbers") }
            var result: [Double] = []
            result.reserveCapacity(list.count)
            for item in list {
                guard let number = item as? NSNumber else { throw fail(key, "must be a list of numbers") }
                result.append(number.doubleValue)
            }
            return result
        }
        func vector(_ key: String) throws(InstanceFileError) -> [Double]? {
            guard let value = dictionary[key], !(value is NSNull) else { return nil }
            return try numbers(value, key)
        }
        func rows(_ key: String) throws(InstanceFileError) -> [[Double]]? {
            guard let value = dictionary[key], !(value is NSNull) else { return nil }
            guard let list = value as? [Any] else { throw fail(key, "must be a list of rows") }
            var result: [[Double]] = []
            for row in list { result.append(try numbers(row, key)) }
            return result
        }
        func matrix(_ key: String) throws(InstanceFileError) -> Matrix<Double>? {
            guard let rowList = try rows(key) else { return nil }
            guard let width = rowList.first?.count, width > 0 else { throw fail(key, "must have at least one non-empty row") }
            guard rowList.allSatisfy({ $0.count == width }) else { throw fail(key, "has rows of unequal length") }
            return Matrix(rowList)
        }

        guard let X = try matrix("X") else { throw fail("X", "is missing") }
        guard let y = try vector("y") else { throw fail("y", "is missing") }
        guard y.count == X.rows else { throw fail("y", "has \(y.count) entries but X has \(X.rows) rows") }
        let XTest = try matrix("X_test"), yTest = try vector("y_test")
        switch (XTest, yTest) {
        case (nil, nil): break
        case (nil, _?): throw fail("X_test", "is missing although y_test is given")
        case (_?, nil): throw fail("y_test", "is missing although X_test is given")
        case let (XTest?, yTest?):
            guard XTest.columns == X.columns else {
                throw fail("X_test", "has \(XTest.columns) columns but X has \(X.columns)")
            }
            guard yTest.count == XTest.rows else {
                throw fail("y_test", "has \(yTest.count) entries but X_test has \(XTest.rows) rows")
            }
        }
        var planted: [[Double]]?
        if let value = dictionary["w"], !(value is NSNull) {
            if let flat = try? numbers(value, "w") {
                planted = [flat]
            } else {
                planted = try rows("w")
            }
            guard let planted, !planted.isEmpty, planted.allSatisfy({ $0.count == X.columns }) else {
                throw fail("w", "must be \(X.columns) numbers or rows of \(X.columns) numbers")
            }
        }
        var trial: Int?
        if let value = dictionary["trial"], !(value is NSNull) {
            guard let number = value as? NSNumber, let index = Int(exactly: number.doubleValue), index >= 0 else {
                throw fail("trial", "must be a non-negative integer")
            }
            trial = index
        }
        self.init(X: X, y: y, XTest: XTest, yTest: yTest, planted: planted, trial: trial)
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
