/// A TeX command or construct outside the supported subset, with its position in the formula.
public struct TeXError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    /// Offset in characters from the start of the formula source.
    public var offset: Int
    public var description: String { message }
}

/// Parses the TeX subset of the paper: \mathbf, \mathrm, \operatorname, \mathbb, \text, \frac,
/// \sqrt, sub/superscripts, \sum, \min and friends, norms \| … \|, relations, arrows, spacing
/// commands, \left/\right, accents and Greek letters. Anything else is an error, never dropped.
public struct TeXParser {
    private let chars: [Character]
    private var position = 0

    public static func parse(_ source: String) throws -> MathNode {
        var parser = TeXParser(chars: Array(source))
        let row = try parser.parseRow(until: nil)
        return row
    }

    private init(chars: [Character]) { self.chars = chars }

    static let greek: [String: String] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
        "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
        "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
        "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
        "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
        "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "ell": "ℓ",
    ]
    static let symbols: [String: String] = [
        "in": "∈", "notin": "∉", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠",
        "approx": "≈", "sim": "∼", "equiv": "≡", "subset": "⊂", "subseteq": "⊆", "supset": "⊃",
        "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "Leftarrow": "⇐",
        "iff": "⟺", "implies": "⟹", "mapsto": "↦", "infty": "∞", "cdot": "⋅", "times": "×",
        "pm": "±", "mp": "∓", "ldots": "…", "cdots": "⋯", "dots": "…", "partial": "∂", "nabla": "∇",
        "forall": "∀", "exists": "∃", "top": "⊤", "circ": "∘", "ast": "∗", "star": "⋆", "|": "‖",
        "{": "{", "}": "}", "langle": "⟨", "rangle": "⟩", "lvert": "|", "rvert": "|", "lVert": "‖",
        "rVert": "‖", "mid": "∣", "setminus": "∖", "cup": "∪", "cap": "∩", "emptyset": "∅",
        "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "prime": "′", "#": "#", "%": "%", "&": "&", "_": "_",
        "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "colon": ":", "perp": "⊥",
    ]
    static let largeOperators: [String: String] = ["sum": "∑", "prod": "∏", "int": "∫", "bigcup": "⋃", "bigcap": "⋂"]
    static let namedOperators: [String: Bool] = [
        "min": true, "max": true, "lim": true, "inf": true, "sup": true, "argmin": true, "argmax": true,
        "log": false, "ln": false, "exp": false, "sin": false, "cos": false, "det": false, "dim": false,
        "rank": false, "tr": false, "diag": false, "sign": false,
    ]
    static let spaces: [String: Double] = [",": 3.0 / 18, ":": 4.0 / 18, ";": 5.0 / 18, "!": -3.0 / 18,
                                           " ": 0.25, "quad": 1, "qquad": 2]
    static let accents: [String: String] = ["hat": "^", "widehat": "^", "bar": "¯", "overline": "¯",
                                            "tilde": "~", "widetilde": "~", "dot": "˙"]
    static let openers: [String: String] = ["(": ")", "[": "]", "\\{": "\\}", "\\langle": "\\rangle",
                                            "\\lvert": "\\rvert", "\\lVert": "\\rVert"]
    static let sizeCommands: Set<String> = ["big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
                                            "biggl", "biggr", "displaystyle", "textstyle", "limits", "nolimits"]

    private var atEnd: Bool { position >= chars.count }

    private mutating func skipSpaces() {
        while !atEnd, chars[position].isWhitespace { position += 1 }
    }

    /// Reads `\name` (letters) or `\x` (one non-letter) after the backslash.
    private mutating func readCommand() -> String {
        position += 1
        guard !atEnd else { return "" }
        if chars[position].isLetter {
            var name = ""
            while !atEnd, chars[position].isLetter { name.append(chars[position]); position += 1 }
            return name
        }
        let c = chars[position]
        position += 1
        return String(c)
    }

    /// Parses atoms until `terminator` ("}" or a closing delimiter command) or the end.
    private mutating func parseRow(until terminator: String?) throws -> MathNode {
        var items: [MathNode] = []
        while true {
            skipSpaces()
            if atEnd {
                if let terminator { throw TeXError(message: "missing '\(terminator)'", offset: position) }
                break
            }
            let c = chars[position]
            if terminator == "}" && c == "}" { position += 1; break }
            if c == "}" {
                if let terminator { throw TeXError(message: "missing '\(terminator)'", offset: position) }
                throw TeXError(message: "unbalanced '}'", offset: position)
            }
            if let terminator, terminator != "}" && matches(terminator) { break }
            if c == "^" || c == "_" {
                position += 1
                let script = try parseArgument(for: c == "^" ? "superscript" : "subscript")
                let base = items.popLast() ?? .row([])
                items.append(attach(script, to: base, sup: c == "^"))
                continue
            }
            if c == "'" {
                position += 1
                let base = items.popLast() ?? .row([])
                items.append(attach(.op("′"), to: base, sup: true))
                continue
            }
            if let node = try parseAtom() { items.append(node) }
        }
        return items.count == 1 ? items[0] : .row(items)
    }

    private func matches(_ token: String) -> Bool {
        let t = Array(token)
        guard position + t.count <= chars.count else { return false }
        if Array(chars[position..<position + t.count]) != t { return false }
        // "\\|" must not match the start of a longer command.
        if t.count > 1, t[0] == "\\", t[1].isLetter, position + t.count < chars.count, chars[position + t.count].isLetter {
            return false
        }
        return true
    }

    private func attach(_ script: MathNode, to base: MathNode, sup: Bool) -> MathNode {
        if case let .scripts(b, sub, sp) = base {
            if sup, sp == nil { return .scripts(base: b, sub: sub, sup: script) }
            if !sup, sub == nil { return .scripts(base: b, sub: script, sup: sp) }
        }
        return sup ? .scripts(base: base, sub: nil, sup: script) : .scripts(base: base, sub: script, sup: nil)
    }

    /// A script or command argument: a group {…} or a single atom.
    private mutating func parseArgument(for what: String) throws -> MathNode {
        skipSpaces()
        guard !atEnd else { throw TeXError(message: "missing \(what)", offset: position) }
        if chars[position] == "{" {
            position += 1
            return try parseRow(until: "}")
        }
        guard let atom = try parseAtom() else { throw TeXError(message: "missing \(what)", offset: position) }
        return atom
    }

    /// The raw text of a {…} group (for \text and \operatorname).
    private mutating func parseRawGroup(for command: String) throws -> String {
        skipSpaces()
        guard !atEnd, chars[position] == "{" else {
            throw TeXError(message: "\\\(command) needs a {…} argument", offset: position)
        }
        position += 1
        var depth = 1
        var text = ""
        while !atEnd {
            let c = chars[position]
            position += 1
            if c == "{" { depth += 1 } else if c == "}" {
                depth -= 1
                if depth == 0 { return text }
            }
            text.append(c)
        }
        throw TeXError(message: "missing '}' after \\\(command)", offset: position)
    }

    private mutating func parseAtom() throws -> MathNode? {
        let start = position
        let c = chars[position]
        if c == "{" {
            position += 1
            return try parseRow(until: "}")
        }
        if c.isNumber || (c == "." && position + 1 < chars.count && chars[position + 1].isNumber) {
            var digits = ""
            while !atEnd, chars[position].isNumber || (chars[position] == "." && position + 1 < chars.count && chars[position + 1].isNumber) {
                digits.append(chars[position]); position += 1
            }
            return .number(digits)
        }
        if c.isLetter {
            position += 1
            return .identifier(String(c), .italic)
        }
        if c == "(" || c == "[" {
            position += 1
            return try parseFenced(open: String(c), closeToken: c == "(" ? ")" : "]", close: c == "(" ? ")" : "]")
        }
        if c == "|" {
            position += 1
            return try parseFenced(open: "|", closeToken: "|", close: "|")
        }
        if c == ")" || c == "]" { position += 1; return .op(String(c)) }
        if c == "\\" {
            let name = readCommand()
            return try command(name, start: start)
        }
        if c == "&" || c == "#" || c == "$" {
            throw TeXError(message: "unsupported character '\(c)' in math", offset: start)
        }
        position += 1
        switch c {
        case "-": return .op("−")
        case "*": return .op("∗")
        case "~": return .space(0.25)
        default: return .op(String(c))
        }
    }

    /// After an opening delimiter: the content up to the matching close, as a growing fence. An
    /// unmatched opener is kept as a plain operator.
    private mutating func parseFenced(open: String, closeToken: String, close: String) throws -> MathNode {
        let resume = position
        do {
            let content = try parseRow(until: closeToken)
            if matches(closeToken) {
                position += closeToken.count
                return .fenced(open: open, close: close, content)
            }
        } catch let error as TeXError where error.message.hasPrefix("missing '\(closeToken)'") {
            // Unmatched: fall through.
        }
        position = resume
        return .op(open)
    }

    private mutating func command(_ name: String, start: Int) throws -> MathNode? {
        if let letter = Self.greek[name] {
            return .identifier(letter, name.first!.isUppercase ? .normal : .italic)
        }
        if name == "|" { return try parseFenced(open: "‖", closeToken: "\\|", close: "‖") }
        if name == "lVert" { return try parseFenced(open: "‖", closeToken: "\\rVert", close: "‖") }
        if name == "lvert" { return try parseFenced(open: "|", closeToken: "\\rvert", close: "|") }
        if name == "langle" { return try parseFenced(open: "⟨", closeToken: "\\rangle", close: "⟩") }
        if name == "{" { return try parseFenced(open: "{", closeToken: "\\}", close: "}") }
        if let symbol = Self.symbols[name] { return .op(symbol) }
        if let op = Self.largeOperators[name] { return .largeOperator(op) }
        if let limits = Self.namedOperators[name] {
            let display = name == "argmin" ? "arg min" : name == "argmax" ? "arg max" : name
            return .namedOperator(display, limits: limits)
        }
        if let em = Self.spaces[name] { return .space(em) }
        if let accent = Self.accents[name] { return .accent(try parseArgument(for: "argument of \\\(name)"), accent) }
        if Self.sizeCommands.contains(name) { return nil }
        switch name {
        case "frac", "dfrac", "tfrac":
            let numerator = try parseArgument(for: "numerator of \\\(name)")
            let denominator = try parseArgument(for: "denominator of \\\(name)")
            return .fraction(numerator, denominator)
        case "sqrt":
            return .sqrt(try parseArgument(for: "argument of \\sqrt"))
        case "mathbf", "boldsymbol", "bm":
            return restyle(try parseArgument(for: "argument of \\\(name)"), .bold)
        case "mathrm":
            return restyle(try parseArgument(for: "argument of \\mathrm"), .normal)
        case "mathbb":
            return restyle(try parseArgument(for: "argument of \\mathbb"), .doubleStruck)
        case "operatorname":
            var limits = false
            if !atEnd, chars[position] == "*" { position += 1; limits = true }
            return .namedOperator(try parseRawGroup(for: "operatorname"), limits: limits)
        case "text", "textrm", "mbox":
            return .text(try parseRawGroup(for: name))
        case "left", "right":
            skipSpaces()
            guard !atEnd else { throw TeXError(message: "\\\(name) needs a delimiter", offset: position) }
            if chars[position] == "." { position += 1; return nil }
            if chars[position] == "\\" {
                let delimiter = readCommand()
                return .op(Self.symbols[delimiter] ?? delimiter)
            }
            let d = chars[position]
            position += 1
            if name == "left" && (d == "(" || d == "[" || d == "|") {
                let close = d == "(" ? ")" : d == "[" ? "]" : "|"
                return try parseFenced(open: String(d), closeToken: "\\right" + close, close: close)
            }
            return .op(String(d))
        default:
            throw TeXError(message: "unsupported TeX command \\\(name)", offset: start)
        }
    }

    /// Applies a font variant to every letter inside (\mathbf{X}, \mathrm{d}, \mathbb{R}).
    private func restyle(_ node: MathNode, _ variant: MathVariant) -> MathNode {
        switch node {
        case .identifier(let s, _): return .identifier(s, variant)
        case .number(let s): return variant == .bold ? .identifier(s, .bold) : .number(s)
        case .row(let items):
            // Runs of letters in \mathrm form one upright name ("dist", "ReLU").
            if variant == .normal, items.allSatisfy({ if case .identifier(let s, _) = $0 { return s.count == 1 } else { return false } }) {
                return .identifier(items.map { if case .identifier(let s, _) = $0 { return s } else { return "" } }.joined(), .normal)
            }
            return .row(items.map { restyle($0, variant) })
        case let .scripts(base, sub, sup): return .scripts(base: restyle(base, variant), sub: sub, sup: sup)
        case let .fenced(o, c, inner): return .fenced(open: o, close: c, restyle(inner, variant))
        case let .accent(inner, a): return .accent(restyle(inner, variant), a)
        default: return node
        }
    }
}
