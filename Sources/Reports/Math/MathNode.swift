// The math tree shared by the HTML (MathML) and PDF renderers: `TeXParser` builds it from the TeX
// subset the reports use, `MathML` writes it as MathML Core, `MathLayout` turns it into boxes.

/// How letters of an identifier are drawn.
public enum MathVariant: String, Sendable, Equatable {
    /// Single letters: italic; multi-letter names from \operatorname or \mathrm: upright.
    case italic, normal, bold, doubleStruck
}

public indirect enum MathNode: Sendable, Equatable {
    /// A horizontal sequence.
    case row([MathNode])
    /// A letter or name.
    case identifier(String, MathVariant)
    case number(String)
    /// An operator, relation, delimiter or punctuation character, e.g. "+", "=", "∈", "→", ",".
    case op(String)
    /// A named operator such as min, max, log or one from \operatorname; `limits`: in display
    /// style its scripts go below and above (min, max, lim, \operatorname*).
    case namedOperator(String, limits: Bool)
    /// A big operator such as ∑ (limits below and above in display style).
    case largeOperator(String)
    /// Upright text from \text{…}.
    case text(String)
    case fraction(MathNode, MathNode)
    case sqrt(MathNode)
    case scripts(base: MathNode, sub: MathNode?, sup: MathNode?)
    /// Delimiters that grow with their content: ( … ), [ … ], ‖ … ‖, | … |, \left … \right.
    case fenced(open: String, close: String, MathNode)
    /// An accent over its base: ^ (hat), ¯ (bar), ~ (tilde).
    case accent(MathNode, String)
    /// Horizontal space in em.
    case space(Double)
}

extension MathNode {
    /// Whether scripts on this node go below and above in display style.
    var takesLimits: Bool {
        switch self {
        case .largeOperator: return true
        case .namedOperator(_, let limits): return limits
        default: return false
        }
    }
}
