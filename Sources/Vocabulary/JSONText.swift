import Foundation

/// A JSON value written with every double's shortest round-tripping digits (so printed instances
/// reproduce the bits), NaN and infinities as null.
public enum JSONText: Sendable {
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case string(String)
    case array([JSONText])
    case object([(String, JSONText)])
    case null

    public static func vector(_ values: [Double]) -> JSONText { .array(values.map(JSONText.number)) }
    public static func rows(_ rows: [[Double]]) -> JSONText { .array(rows.map(vector)) }

    public var text: String {
        switch self {
        case .number(let v): return v.isFinite ? "\(v)" : "null"
        case .integer(let v): return "\(v)"
        case .bool(let v): return v ? "true" : "false"
        case .null: return "null"
        case .string(let s): return Self.quote(s)
        case .array(let items): return "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .object(let pairs):
            return "{" + pairs.map { "\(Self.quote($0.0)): \($0.1.text)" }.joined(separator: ", ") + "}"
        }
    }

    private static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
