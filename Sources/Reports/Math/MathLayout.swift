import Foundation

/// A font for a piece of math: family plus slant and weight.
public struct MathFont: Hashable, Sendable {
    public var family: String
    public var italic: Bool
    public var bold: Bool
    public init(family: String = "DejaVu Serif", italic: Bool = false, bold: Bool = false) {
        self.family = family
        self.italic = italic
        self.bold = bold
    }
}

/// Metrics of a piece of text: advance width, ink extent above and below the baseline (points).
public struct MathGlyphMetrics: Sendable, Equatable {
    public var width: Double
    public var ascent: Double
    public var descent: Double
    public init(width: Double, ascent: Double, descent: Double) {
        self.width = width
        self.ascent = ascent
        self.descent = descent
    }
}

/// How a renderer measures text for the layout: the only thing `MathLayout` asks of it (the PDF
/// renderer supplies `PangoMathMeasurer`, in Render/PDFMath.swift; the tests, fixed metrics).
public protocol MathTextMeasuring {
    func measure(_ text: String, font: MathFont, size: Double) -> MathGlyphMetrics
}

/// One drawn piece of a laid-out formula. `x` from the box's left edge; `y` the height of the
/// piece's baseline (rules: their centre line) above the box's baseline.
public enum MathItem: Sendable, Equatable {
    /// Text; `scaleY` ≠ 1 stretches a delimiter vertically about its baseline.
    case glyphs(String, font: MathFont, size: Double, x: Double, y: Double, scaleY: Double)
    case rule(x: Double, y: Double, width: Double, thickness: Double)
}

/// A laid-out formula: width, height above and depth below the baseline, and what to draw.
public struct MathBox: Sendable, Equatable {
    public var width: Double
    public var ascent: Double
    public var descent: Double
    public var items: [MathItem]

    public init(width: Double = 0, ascent: Double = 0, descent: Double = 0, items: [MathItem] = []) {
        self.width = width
        self.ascent = ascent
        self.descent = descent
        self.items = items
    }

    public var height: Double { ascent + descent }

    /// The box's items moved by (dx, dy).
    func shifted(_ dx: Double, _ dy: Double) -> [MathItem] {
        items.map { item in
            switch item {
            case let .glyphs(t, f, s, x, y, k): return .glyphs(t, font: f, size: s, x: x + dx, y: y + dy, scaleY: k)
            case let .rule(x, y, w, t): return .rule(x: x + dx, y: y + dy, width: w, thickness: t)
            }
        }
    }
}

/// TeX-like layout of a `MathNode` (simplified rules of TeXbook appendix G): styles shrink
/// scripts to 70 % and 50 %, fractions sit on the math axis, big operators take limits in display
/// style, delimiters grow to cover their content, relations and binary operators get their spaces.
public struct MathLayout {
    public enum Style: Int, Comparable, Sendable {
        case display, text, script, scriptScript
        public static func < (a: Style, b: Style) -> Bool { a.rawValue < b.rawValue }
        var smaller: Style { self == .display || self == .text ? .script : .scriptScript }
        var fractionPart: Style { self == .display ? .text : smaller }
        var isCramped: Bool { false }
    }

    let measurer: any MathTextMeasuring
    /// Font size of the surrounding text in points.
    let baseSize: Double

    public init(measurer: any MathTextMeasuring, size: Double) {
        self.measurer = measurer
        self.baseSize = size
    }

    public static func layout(_ node: MathNode, display: Bool, size: Double, measurer: any MathTextMeasuring) -> MathBox {
        MathLayout(measurer: measurer, size: size).layout(node, style: display ? .display : .text)
    }

    func size(_ style: Style) -> Double {
        switch style {
        case .display, .text: return baseSize
        case .script: return baseSize * 0.7
        case .scriptScript: return baseSize * 0.5
        }
    }

    /// Height of the math axis (the middle of a minus sign) above the baseline.
    func axis(_ style: Style) -> Double { 0.25 * size(style) }
    func ruleThickness(_ style: Style) -> Double { max(0.4, 0.045 * size(style)) }

    static let serif = MathFont()
    static let italic = MathFont(italic: true)
    static let bold = MathFont(bold: true)

    func glyphs(_ text: String, _ font: MathFont, _ style: Style) -> MathBox {
        let s = size(style)
        let m = measurer.measure(text, font: font, size: s)
        return MathBox(width: m.width, ascent: m.ascent, descent: m.descent,
                       items: [.glyphs(text, font: font, size: s, x: 0, y: 0, scaleY: 1)])
    }

    enum AtomClass { case ord, op, bin, rel, open, close, punct, inner }

    static let relations: Set<String> = ["=", "<", ">", "≤", "≥", "≠", "≈", "∼", "≡", "∈", "∉", "⊂", "⊆", "⊃", "→", "←",
                                         "⇒", "⇐", "⟺", "⟹", "↦", ":", "∣", "⊥"]
    static let binaries: Set<String> = ["+", "−", "×", "⋅", "±", "∓", "∗", "⋆", "∘", "∪", "∩", "∖", "⊙", "⊗", "⊕", "/"]

    func atomClass(_ node: MathNode) -> AtomClass {
        switch node {
        case .op(let s):
            if Self.relations.contains(s) { return .rel }
            if Self.binaries.contains(s) { return s == "/" ? .ord : .bin }
            if [",", ";"].contains(s) { return .punct }
            if ["(", "[", "{", "⟨", "⌊", "⌈"].contains(s) { return .open }
            if [")", "]", "}", "⟩", "⌋", "⌉"].contains(s) { return .close }
            return .ord
        case .namedOperator, .largeOperator: return .op
        case .scripts(let base, _, _): return atomClass(base)
        case .fraction, .fenced: return .inner
        default: return .ord
        }
    }

    /// Space in mu (1/18 em) between two atom classes, TeX's table, simplified.
    func spacing(_ a: AtomClass, _ b: AtomClass, _ style: Style) -> Double {
        let tight = style >= .script
        switch (a, b) {
        case (.op, .ord), (.ord, .op), (.op, .op), (.close, .op), (.inner, .op), (.op, .inner): return 3
        case (_, .bin) where a != .open && a != .rel && a != .punct && a != .bin && a != .op: return tight ? 0 : 4
        case (.bin, _): return tight ? 0 : 4
        case (.rel, .rel): return 0
        case (_, .rel) where a != .open, (.rel, _) where b != .close && b != .punct: return tight ? 0 : 5
        case (.punct, _): return tight ? 0 : 3
        case (.inner, .ord), (.ord, .inner), (.inner, .inner): return tight ? 0 : 1.5
        default: return 0
        }
    }

    func layout(_ node: MathNode, style: Style) -> MathBox {
        switch node {
        case .row(let items):
            return row(items, style: style)
        case let .identifier(s, variant):
            switch variant {
            case .italic: return glyphs(s, s.count == 1 || s.unicodeScalars.allSatisfy({ $0.value > 0x370 && $0.value < 0x400 }) ? Self.italic : Self.serif, style)
            case .normal: return glyphs(s, Self.serif, style)
            case .bold: return glyphs(s, Self.bold, style)
            case .doubleStruck: return glyphs(MathML.doubleStruck(s), Self.serif, style)
            }
        case .number(let s):
            return glyphs(s, Self.serif, style)
        case .op(let s):
            return glyphs(s, Self.serif, style)
        case .text(let s):
            return glyphs(s, Self.serif, style)
        case .namedOperator(let s, _):
            return glyphs(s, Self.serif, style)
        case .largeOperator(let s):
            if style == .display {
                // A display-size operator centred on the axis.
                let big = MathLayout(measurer: measurer, size: baseSize * 1.45)
                let box = big.glyphs(s, Self.serif, .text)
                let shift = axis(style) - (box.ascent - box.descent) / 2
                return MathBox(width: box.width, ascent: box.ascent + shift, descent: box.descent - shift, items: box.shifted(0, shift))
            }
            let box = glyphs(s, Self.serif, style)
            let shift = axis(style) - (box.ascent - box.descent) / 2
            return MathBox(width: box.width, ascent: box.ascent + shift, descent: box.descent - shift, items: box.shifted(0, shift))
        case let .fraction(numerator, denominator):
            return fraction(numerator, denominator, style: style)
        case .sqrt(let inner):
            return sqrt(inner, style: style)
        case let .scripts(base, sub, sup):
            return scripts(base, sub: sub, sup: sup, style: style)
        case let .fenced(open, close, inner):
            return fenced(open, close, inner, style: style)
        case let .accent(inner, mark):
            let base = layout(inner, style: style)
            let accentGlyph = mark == "^" ? "ˆ" : mark == "~" ? "˜" : mark == "˙" ? "˙" : "¯"
            let a = glyphs(accentGlyph, Self.serif, style)
            // Accent glyphs sit above the x-height: raise them by what the base has above it.
            let lift = max(0, base.ascent - 0.5 * size(style)) + 0.04 * size(style)
            let dx = (base.width - a.width) / 2
            return MathBox(width: base.width, ascent: max(base.ascent, lift + a.ascent), descent: base.descent,
                           items: base.items + a.shifted(dx, lift))
        case .space(let em):
            return MathBox(width: em * size(style))
        }
    }

    func row(_ items: [MathNode], style: Style) -> MathBox {
        var box = MathBox()
        var previous: AtomClass? = nil
        for item in items {
            if case .space = item {
                let s = layout(item, style: style)
                box.width += s.width
                continue
            }
            var cls = atomClass(item)
            // A binary operator at the start or after an operator, relation, opening or punctuation is unary.
            if cls == .bin, previous == nil || [.bin, .op, .rel, .open, .punct].contains(previous!) { cls = .ord }
            if let p = previous { box.width += spacing(p, cls, style) / 18 * size(style) }
            let b = layout(item, style: style)
            box.items += b.shifted(box.width, 0)
            box.width += b.width
            box.ascent = max(box.ascent, b.ascent)
            box.descent = max(box.descent, b.descent)
            previous = cls
        }
        return box
    }

    func fraction(_ numerator: MathNode, _ denominator: MathNode, style: Style) -> MathBox {
        let part = style.fractionPart
        let num = layout(numerator, style: part)
        let den = layout(denominator, style: part)
        let t = ruleThickness(style)
        let a = axis(style)
        let gap = (style == .display ? 3 : 1) * t + 0.06 * size(style)
        let pad = 0.12 * size(style)
        let width = max(num.width, den.width) + 2 * pad
        let numShift = a + t / 2 + gap + num.descent
        let denShift = -(a - t / 2 - gap - den.ascent)
        var box = MathBox(width: width, ascent: numShift + num.ascent, descent: denShift + den.descent)
        box.items = num.shifted((width - num.width) / 2, numShift) + den.shifted((width - den.width) / 2, -denShift)
            + [.rule(x: pad / 2, y: a, width: width - pad, thickness: t)]
        return box
    }

    func sqrt(_ inner: MathNode, style: Style) -> MathBox {
        let body = layout(inner, style: style)
        let t = ruleThickness(style)
        let gap = 0.12 * size(style)
        let target = body.height + gap + t
        let radical = stretchedGlyph("√", covering: body.ascent + gap + t, bottom: -body.descent, style: style, minimum: target)
        let top = body.ascent + gap + t / 2
        var box = MathBox(width: radical.width + body.width + 0.05 * size(style), ascent: max(radical.ascent, top + t / 2),
                          descent: max(body.descent, radical.descent))
        box.items = radical.items + body.shifted(radical.width, 0)
            + [.rule(x: radical.width - 0.02 * size(style), y: top, width: body.width + 0.05 * size(style), thickness: t)]
        return box
    }

    /// A delimiter glyph stretched so its ink spans from `bottom` to `top` (baseline-relative).
    func stretchedGlyph(_ text: String, covering top: Double, bottom: Double, style: Style, minimum: Double = 0) -> MathBox {
        let normal = glyphs(text, Self.serif, style)
        let ink = max(normal.height, 0.01)
        let wanted = max(top - bottom, minimum)
        // Ordinary content (letters with small scripts) keeps the normal glyph, as in TeX.
        guard wanted > ink * 1.2 else { return normal }
        let scale = wanted / ink
        // After scaling about the glyph's baseline, its ink spans [-scale·descent, scale·ascent].
        let baselineY = top - scale * normal.ascent
        return MathBox(width: normal.width, ascent: top, descent: -bottom,
                       items: [.glyphs(text, font: Self.serif, size: size(style), x: 0, y: baselineY, scaleY: scale)])
    }

    func fenced(_ open: String, _ close: String, _ inner: MathNode, style: Style) -> MathBox {
        let body = layout(inner, style: style)
        let a = axis(style)
        // Symmetric about the axis, covering the content.
        let half = max(body.ascent - a, body.descent + a) + 0.05 * size(style)
        let left = stretchedGlyph(open, covering: a + half, bottom: a - half, style: style)
        let right = stretchedGlyph(close, covering: a + half, bottom: a - half, style: style)
        let pad = 0.04 * size(style)
        var box = MathBox(width: left.width + pad + body.width + pad + right.width,
                          ascent: max(body.ascent, left.ascent, right.ascent), descent: max(body.descent, left.descent, right.descent))
        box.items = left.items + body.shifted(left.width + pad, 0) + right.shifted(left.width + 2 * pad + body.width, 0)
        return box
    }

    func scripts(_ baseNode: MathNode, sub subNode: MathNode?, sup supNode: MathNode?, style: Style) -> MathBox {
        let base = layout(baseNode, style: style)
        let scriptStyle = style.smaller
        let sub = subNode.map { layout($0, style: scriptStyle) }
        let sup = supNode.map { layout($0, style: scriptStyle) }
        let s = size(style)
        if style == .display, baseNode.takesLimits {
            // Limits centred below and above.
            let gap = 0.12 * s
            let width = max(base.width, sub?.width ?? 0, sup?.width ?? 0)
            var box = MathBox(width: width, ascent: base.ascent, descent: base.descent)
            box.items = base.shifted((width - base.width) / 2, 0)
            if let sup {
                let y = base.ascent + gap + sup.descent
                box.items += sup.shifted((width - sup.width) / 2, y)
                box.ascent = y + sup.ascent
            }
            if let sub {
                let y = base.descent + gap + sub.ascent
                box.items += sub.shifted((width - sub.width) / 2, -y)
                box.descent = y + sub.descent
            }
            return box
        }
        let italicCorrection = 0.04 * s
        var box = MathBox(width: base.width, ascent: base.ascent, descent: base.descent, items: base.items)
        var supShift = 0.0, subShift = 0.0
        if let sup { supShift = max(0.36 * s, base.ascent - 0.25 * s, sup.descent + 0.25 * s) }
        if let sub { subShift = max(0.18 * s, base.descent + 0.1 * s * (base.descent > 0 ? 1 : 0), sub.ascent - 0.45 * s) }
        if let sup, let sub {
            // Keep a gap between the two scripts.
            let clearance = (supShift - sup.descent) - (sub.ascent - subShift)
            if clearance < 0.12 * s { subShift += 0.12 * s - clearance }
        }
        var extra = 0.0
        if let sup {
            box.items += sup.shifted(base.width + italicCorrection, supShift)
            box.ascent = max(box.ascent, supShift + sup.ascent)
            extra = max(extra, italicCorrection + sup.width)
        }
        if let sub {
            box.items += sub.shifted(base.width, -subShift)
            box.descent = max(box.descent, subShift + sub.descent)
            extra = max(extra, sub.width)
        }
        box.width = base.width + extra + 0.03 * s
        return box
    }
}
