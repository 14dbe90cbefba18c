import Figures

/// Writes a math tree as MathML Core (rendered natively by browsers, no JavaScript).
public enum MathML {
    public static func render(_ node: MathNode, display: Bool) -> String {
        let body = element(node, display: display)
        let attributes = display ? " display=\"block\"" : ""
        return "<math\(attributes)>\(body)</math>"
    }

    /// Mathematical bold letters and digits (MathML Core styles letters by code point).
    static func bold(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { u -> Unicode.Scalar in
            let v = u.value
            switch v {
            case 0x41...0x5A: return Unicode.Scalar(0x1D400 + v - 0x41)!
            case 0x61...0x7A: return Unicode.Scalar(0x1D41A + v - 0x61)!
            case 0x30...0x39: return Unicode.Scalar(0x1D7CE + v - 0x30)!
            default: return u
            }
        }))
    }

    static func doubleStruck(_ s: String) -> String {
        let special: [Character: String] = ["R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "P": "ℙ", "E": "𝔼", "H": "ℍ", "1": "𝟙"]
        return String(s.flatMap { c -> String in special[c] ?? String(c) })
    }

    private static func element(_ node: MathNode, display: Bool) -> String {
        switch node {
        case .row(let items):
            return "<mrow>" + items.map { element($0, display: display) }.joined() + "</mrow>"
        case let .identifier(s, variant):
            switch variant {
            case .italic: return s.count == 1 ? "<mi>\(Markup.escape(s))</mi>" : "<mi mathvariant=\"italic\">\(Markup.escape(s))</mi>"
            case .normal: return s.count == 1 ? "<mi mathvariant=\"normal\">\(Markup.escape(s))</mi>" : "<mi>\(Markup.escape(s))</mi>"
            case .bold: return "<mi>\(Markup.escape(bold(s)))</mi>"
            case .doubleStruck: return "<mi mathvariant=\"normal\">\(Markup.escape(doubleStruck(s)))</mi>"
            }
        case .number(let s):
            return "<mn>\(Markup.escape(s))</mn>"
        case .op(let s):
            let stretch = ["(", ")", "[", "]", "‖", "|", "{", "}", "⟨", "⟩"].contains(s) ? " stretchy=\"false\"" : ""
            return "<mo\(stretch)>\(Markup.escape(s))</mo>"
        case .namedOperator(let s, _):
            return "<mo form=\"prefix\" movablelimits=\"true\">\(Markup.escape(s))</mo>"
        case .largeOperator(let s):
            return "<mo largeop=\"true\" movablelimits=\"true\">\(Markup.escape(s))</mo>"
        case .text(let s):
            return "<mtext>\(Markup.escape(s))</mtext>"
        case let .fraction(a, b):
            return "<mfrac>\(element(a, display: display))\(element(b, display: display))</mfrac>"
        case .sqrt(let a):
            return "<msqrt>\(element(a, display: display))</msqrt>"
        case let .scripts(base, sub, sup):
            let b = element(base, display: display)
            let under = display && base.takesLimits
            switch (sub, sup) {
            case let (s?, p?):
                let tag = under ? "munderover" : "msubsup"
                return "<\(tag)>\(b)\(element(s, display: false))\(element(p, display: false))</\(tag)>"
            case let (s?, nil):
                let tag = under ? "munder" : "msub"
                return "<\(tag)>\(b)\(element(s, display: false))</\(tag)>"
            case let (nil, p?):
                let tag = under ? "mover" : "msup"
                return "<\(tag)>\(b)\(element(p, display: false))</\(tag)>"
            case (nil, nil):
                return b
            }
        case let .fenced(open, close, inner):
            return "<mrow><mo fence=\"true\" stretchy=\"true\" symmetric=\"true\">\(Markup.escape(open))</mo>\(element(inner, display: display))<mo fence=\"true\" stretchy=\"true\" symmetric=\"true\">\(Markup.escape(close))</mo></mrow>"
        case let .accent(inner, mark):
            let glyph = mark == "^" ? "^" : mark == "~" ? "~" : mark == "˙" ? "˙" : "¯"
            return "<mover accent=\"true\">\(element(inner, display: display))<mo stretchy=\"true\">\(Markup.escape(glyph))</mo></mover>"
        case .space(let em):
            return "<mspace width=\"\(em)em\"/>"
        }
    }
}
