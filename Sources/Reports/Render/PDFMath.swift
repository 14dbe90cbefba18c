import CCairo
import Foundation

// The PDF side of math: `MathLayout` (Math/) is renderer-neutral and measures text through
// `MathTextMeasuring`; here Pango measures and Cairo draws.

extension MathFont {
    /// Pango font description text (without size).
    public var pangoName: String { "\(family)\(bold ? " Bold" : "")\(italic ? " Italic" : "")" }
}

/// Measures math text with Pango (the fonts the PDF uses).
public final class PangoMathMeasurer: MathTextMeasuring {
    private let context = MeasuringContext()
    private var cache: [String: MathGlyphMetrics] = [:]

    public init() {}

    public func measure(_ text: String, font: MathFont, size: Double) -> MathGlyphMetrics {
        let key = "\(font.pangoName)|\(size)|\(text)"
        if let m = cache[key] { return m }
        let t = PangoText(context.cr, font: font.pangoName, size: size)
        t.setText(text)
        let logical = t.logical
        let ink = t.ink
        let baseline = t.baseline
        let m = MathGlyphMetrics(width: logical.width, ascent: max(0, baseline - ink.y), descent: max(0, ink.y + ink.height - baseline))
        cache[key] = m
        return m
    }
}

/// Draws a laid-out formula with its baseline's left end at (x, baseline) on a cairo context.
public enum MathPainter {
    public static func draw(_ box: MathBox, into cr: OpaquePointer, x: Double, baseline: Double) {
        for item in box.items {
            switch item {
            case let .glyphs(text, font, size, gx, gy, scaleY):
                let t = PangoText(cr, font: font.pangoName, size: size)
                t.setText(text)
                cairo_save(cr)
                cairo_translate(cr, x + gx, baseline - gy)
                if scaleY != 1 { cairo_scale(cr, 1, scaleY) }
                t.draw(cr, x: 0, y: -t.baseline)
                cairo_restore(cr)
            case let .rule(rx, ry, width, thickness):
                cairo_rectangle(cr, x + rx, baseline - ry - thickness / 2, width, thickness)
                cairo_fill(cr)
            }
        }
    }
}
