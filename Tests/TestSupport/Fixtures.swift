import Foundation

/// `Tests/Fixtures`: the reference data the tests compare with (Tests/Fixtures/README.md says where
/// each file came from).
public enum Fixtures {
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Parsed with JSONDecoder, which reads every double exactly (Foundation's JSONSerialization on
    /// Linux can be off by an ulp, which would defeat bit-for-bit comparisons).
    public static func json(_ relativePath: String) throws -> FixtureObject {
        let data = try Data(contentsOf: directory.appendingPathComponent(relativePath))
        return try JSONDecoder().decode(FixtureObject.self, from: data)
    }

    public static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(relativePath), encoding: .utf8)
    }
}

/// A JSON object whose values are decoded on demand as numbers, lists or flags.
public struct FixtureObject: Decodable {
    private let values: [String: JSONValue]

    public init(from decoder: Decoder) throws { values = try [String: JSONValue](from: decoder) }

    public func doubles(_ key: String) -> [Double] { values[key]!.array!.map { $0.number! } }
    public func rows(_ key: String) -> [[Double]] { values[key]!.array!.map { $0.array!.map { $0.number! } } }
    public func bool(_ key: String) -> Bool { values[key]!.bool! }
}

public enum JSONValue: Decodable, Sendable, Equatable {
    case number(Double), bool(Bool), string(String), array([JSONValue]), object([String: JSONValue]), null

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public var number: Double? { if case .number(let v) = self { return v }; return nil }
    public var bool: Bool? { if case .bool(let v) = self { return v }; return nil }
    public var array: [JSONValue]? { if case .array(let v) = self { return v }; return nil }
}
