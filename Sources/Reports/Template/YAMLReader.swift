import Yams

/// Typed reading of a YAML node with file lines in every error, and rejection of unknown keys.
struct YAMLReader {
    let file: String
    /// File line of the YAML text's first line.
    let firstLine: Int

    func line(of node: Node?) -> Int { firstLine + (node?.mark?.line ?? 1) - 1 }

    func fail(_ node: Node?, _ message: String) -> ReportError {
        ReportError(file: file, line: line(of: node), message: message)
    }

    func compose(_ text: String) throws -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            var line = firstLine
            var problem = "\(error)"
            switch error {
            case let .scanner(_, p, mark, _), let .parser(_, p, mark, _), let .composer(_, p, mark, _):
                line = firstLine + mark.line - 1
                problem = p
            default: break
            }
            throw ReportError(file: file, line: line, message: "invalid YAML: \(problem)")
        }
    }

    /// A mapping's entries by key, after checking every key is one of `allowed`.
    func mapping(_ node: Node, _ what: String, allowed: [String]) throws -> [String: Node] {
        guard let mapping = node.mapping else { throw fail(node, "\(what) must be a mapping with keys \(allowed.joined(separator: ", "))") }
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw fail(key, "\(what): keys must be names") }
            guard allowed.contains(name) else {
                throw fail(key, "unknown key '\(name)' in \(what) (valid: \(allowed.joined(separator: ", ")))")
            }
            result[name] = value
        }
        return result
    }

    func string(_ node: Node, _ key: String) throws -> String {
        guard let s = node.scalar?.string else { throw fail(node, "'\(key)' must be a string") }
        return s
    }

    func int(_ node: Node, _ key: String) throws -> Int {
        guard node.scalar != nil, let v = node.int else { throw fail(node, "'\(key)' must be an integer, got \(describe(node))") }
        return v
    }

    func double(_ node: Node, _ key: String) throws -> Double {
        guard node.scalar != nil, let v = node.float ?? node.int.map(Double.init) else {
            throw fail(node, "'\(key)' must be a number, got \(describe(node))")
        }
        return v
    }

    func bool(_ node: Node, _ key: String) throws -> Bool {
        guard node.scalar != nil, let v = node.bool else { throw fail(node, "'\(key)' must be true or false, got \(describe(node))") }
        return v
    }

    func choice(_ node: Node, _ key: String, _ choices: [String]) throws -> String {
        guard let s = node.scalar?.string, choices.contains(s) else {
            throw fail(node, "'\(key)' must be one of \(choices.joined(separator: ", ")), got \(describe(node))")
        }
        return s
    }

    /// A number or a list of numbers; `{from, to, step}` also gives a list.
    func doubles(_ node: Node, _ key: String) throws -> [Double] {
        if let sequence = node.sequence { return try sequence.map { try double($0, key) } }
        if node.mapping != nil {
            let m = try mapping(node, "'\(key)'", allowed: ["from", "to", "step"])
            guard let from = m["from"], let to = m["to"], let step = m["step"] else { throw fail(node, "'\(key)' range needs from, to and step") }
            let (a, b, s) = (try double(from, "from"), try double(to, "to"), try double(step, "step"))
            guard s > 0, b >= a else { throw fail(node, "'\(key)' range must have step > 0 and to ≥ from") }
            guard a.isFinite, b.isFinite, (b - a) / s < Double(Self.maxRangeLength) else {
                throw fail(node, "'\(key)' range has more than \(Self.maxRangeLength) values (use a larger step)")
            }
            return Array(stride(from: a, through: b + s * 1e-9, by: s))
        }
        return [try double(node, key)]
    }

    /// The most values a `{from, to, step}` range may expand to.
    static let maxRangeLength = 100_000

    /// Grid values (n, d): an increasing list of distinct integers, or a range.
    func increasingInts(_ node: Node, _ key: String) throws -> [Int] {
        let values = try ints(node, key)
        guard zip(values, values.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw fail(node, "'\(key)' values must be increasing and distinct, got \(values.map(String.init).joined(separator: ", "))")
        }
        return values
    }

    func ints(_ node: Node, _ key: String) throws -> [Int] {
        if let sequence = node.sequence { return try sequence.map { try int($0, key) } }
        if node.mapping != nil {
            let m = try mapping(node, "'\(key)'", allowed: ["from", "to", "step"])
            guard let from = m["from"], let to = m["to"] else { throw fail(node, "'\(key)' range needs from and to") }
            let (a, b) = (try int(from, "from"), try int(to, "to"))
            let s = try m["step"].map { try int($0, "step") } ?? 1
            guard s > 0, b >= a else { throw fail(node, "'\(key)' range must have step > 0 and to ≥ from") }
            let (span, overflow) = b.subtractingReportingOverflow(a)
            guard !overflow, span / s < Self.maxRangeLength else {
                throw fail(node, "'\(key)' range has more than \(Self.maxRangeLength) values (use a larger step)")
            }
            return Array(stride(from: a, through: b, by: s))
        }
        return [try int(node, key)]
    }

    func describe(_ node: Node) -> String {
        if let s = node.scalar?.string { return "'\(s)'" }
        if node.sequence != nil { return "a list" }
        return "a mapping"
    }
}
