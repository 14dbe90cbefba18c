import Foundation

// Math as plain Unicode text, for places that take no markup: image alt text, the HTML <title>, PDF
// metadata and outline entries. Read off the same tree the MathML and PDF renderers draw, so
// \mathbf{X} is "X", \sigma is "σ", w_0 is "w₀" and x^2 is "x²" — never raw TeX.

extension MathNode {
    /// The formula as it would be read in running text: letters plain (bold and italic are
    /// typography, and screen readers spell out 𝐗 as "mathematical bold capital X"), Greek and
    /// operators as their characters, scripts as Unicode sub/superscripts where every character
    /// has one and as _(…) / ^(…) where not, fractions as a/b.
    public var plainText: String {
        PlainMath.collapseSpaces(PlainMath.text(self))
    }
}

enum PlainMath {
    /// Operators that read with a space on both sides (relations, arrows, binary operators).
    static let spaced: Set<String> = [
        "=", "≠", "<", ">", "≤", "≥", "≈", "∼", "≡", "∈", "∉", "⊂", "⊆", "⊃", "→", "←", "⇒", "⇐", "⟺", "⟹",
        "↦", "+", "−", "±", "∓", "×", "⋅", "∣", "∪", "∩", "∖", "⊙", "⊗", "⊕", "∘",
    ]

    static func text(_ node: MathNode) -> String {
        switch node {
        case .row(let items):
            var out = ""
            for (k, item) in items.enumerated() {
                // A leading sign (−x) or one after an opening bracket or relation is unary: no spaces.
                if case .op(let symbol) = item, spaced.contains(symbol), k > 0, !isOpening(items[k - 1]) {
                    out += " \(symbol) "
                } else if case .op(",") = item {
                    out += ", "
                } else {
                    out += text(item)
                }
                // "log n" but "max(2n, 50)": a named operator is spaced from an argument, not a
                // bracket; "∑ᵢ ‖wᵢ‖" always.
                if k + 1 < items.count, let kind = operatorKind(item),
                   kind == .large || !isBracketOrOperator(items[k + 1]) { out += " " }
            }
            return out
        case let .identifier(s, variant):
            return variant == .doubleStruck ? MathML.doubleStruck(s) : s
        case .number(let s), .op(let s), .largeOperator(let s), .text(let s):
            return s
        case .namedOperator(let s, _):
            return s
        case let .fraction(numerator, denominator):
            return grouped(numerator) + "/" + grouped(denominator)
        case .sqrt(let radicand):
            return "√" + grouped(radicand)
        case let .scripts(base, sub, sup):
            var out = text(base)
            if let sub { out += script(sub, table: subscripts, marker: "_") }
            if let sup { out += script(sup, table: superscripts, marker: "^") }
            return out
        case let .fenced(open, close, inner):
            return open + text(inner).trimmingCharacters(in: .whitespaces) + close
        case let .accent(base, mark):
            let combining: Character = switch mark {
            case "^": "\u{0302}"
            case "~": "\u{0303}"
            case "˙": "\u{0307}"
            default: "\u{0304}"
            }
            return text(base) + String(combining)
        case .space(let em):
            return em > 0.1 ? " " : ""
        }
    }

    private enum OperatorKind { case named, large }

    private static func operatorKind(_ node: MathNode) -> OperatorKind? {
        switch node {
        case .namedOperator: return .named
        case .largeOperator: return .large
        case .scripts(let base, _, _): return operatorKind(base)
        default: return nil
        }
    }

    private static func isBracketOrOperator(_ node: MathNode) -> Bool {
        switch node {
        case .fenced, .op: return true
        default: return false
        }
    }

    private static func isOpening(_ node: MathNode) -> Bool {
        if case .op(let symbol) = node { return spaced.contains(symbol) || ["(", "[", "{", ","].contains(symbol) }
        return false
    }

    /// Fraction parts and radicands in parentheses unless they are one letter or number.
    private static func grouped(_ node: MathNode) -> String {
        let inner = text(node).trimmingCharacters(in: .whitespaces)
        switch node {
        case .identifier, .number, .fenced: return inner
        default: return "(\(inner))"
        }
    }

    /// A sub- or superscript: primes and stars stay on the line (w′, w*), ⊤ becomes ᵀ; otherwise
    /// Unicode script characters when all exist, else the TeX-like marker with parentheses.
    private static func script(_ node: MathNode, table: [Character: Character], marker: String) -> String {
        if case .op(let symbol) = node {
            switch symbol {
            case "′", "∗", "*": return symbol == "′" ? "′" : "*"
            case "⊤" where marker == "^": return "ᵀ"
            default: break
            }
        }
        let plain = text(node).replacingOccurrences(of: " ", with: "")
        let mapped = plain.compactMap { table[$0] }
        if !plain.isEmpty, mapped.count == plain.count { return String(mapped) }
        return plain.count == 1 ? marker + plain : "\(marker)(\(plain))"
    }

    static func collapseSpaces(_ s: String) -> String {
        s.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    /// Text with `$…$` spans replaced by their plain form (a front-matter title); nil when a
    /// span does not parse. Text without `$` comes back unchanged.
    static func replacingInlineMath(in text: String) -> String? {
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return text }
        guard parts.count % 2 == 1 else { return nil }
        var out = ""
        for (k, part) in parts.enumerated() {
            if k % 2 == 0 { out += part } else {
                guard let node = try? TeXParser.parse(String(part)) else { return nil }
                out += node.plainText
            }
        }
        return out
    }

    static let subscripts: [Character: Character] = Dictionary(uniqueKeysWithValues: zip(
        "0123456789+−=()aehijklmnoprstuvxβγρφχ", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ"))
    static let superscripts: [Character: Character] = Dictionary(uniqueKeysWithValues: zip(
        "0123456789+−=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWβγδθιφχ",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵝᵞᵟᶿᶥᵠᵡ"))
}
