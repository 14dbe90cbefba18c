import CCairo
import Foundation

// Text through Pango so that Greek letters, ‖·‖, sub/superscripts and italics are shaped with
// real fonts (DejaVu from Debian). All strings given to figures are Pango markup.

/// Helpers for the Pango markup every figure label is written in.
public enum Markup {
    /// Escapes `&`, `<`, `>`, quotes so arbitrary text (a file name, a user's title) shows verbatim.
    public static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Whether Pango accepts the markup; invalid markup is drawn as escaped plain text instead.
    public static func isValid(_ markup: String) -> Bool {
        pango_parse_markup(markup, -1, 0, nil, nil, nil, nil) != 0
    }
}

struct TextStyle: Sendable {
    var size: Double  // points
    var bold = false
    var family = FontCatalog.defaultFamily
    var color = RGBColor.black

    static func tick(_ family: String) -> TextStyle { TextStyle(size: 7.5, family: family) }
    static func label(_ family: String) -> TextStyle { TextStyle(size: 8.5, family: family) }
    static func title(_ family: String) -> TextStyle { TextStyle(size: 9, family: family) }
    static func legend(_ family: String) -> TextStyle { TextStyle(size: 7.5, family: family) }

    /// A Pango font description. The comma ends the family list, so a family whose last word
    /// Pango also reads as a style ("Latin Modern Roman": "Roman") keeps its whole name.
    var fontDescription: String { "\(family),\(bold ? " Bold" : "") \(size)" }
}

/// The font families Pango can use. Pango substitutes a fallback for an unknown family without a
/// word, so a family a user names is checked here first.
public enum FontCatalog {
    /// The figures' typeface unless told otherwise (Debian's fonts-dejavu-core).
    public static let defaultFamily = "DejaVu Sans"

    /// Whether `family` is installed (or is a fontconfig alias such as "Serif"), compared
    /// case-insensitively as fontconfig does.
    public static func hasFamily(_ family: String) -> Bool {
        let wanted = family.trimmingCharacters(in: .whitespaces).lowercased()
        return !wanted.isEmpty && installedFamilies().contains { $0.lowercased() == wanted }
    }

    /// The family names Pango's font map lists on this thread.
    public static func installedFamilies() -> [String] {
        let map = pango_cairo_font_map_get_default()
        var families: UnsafeMutablePointer<UnsafeMutablePointer<PangoFontFamily>?>? = nil
        var count: Int32 = 0
        pango_font_map_list_families(map, &families, &count)
        defer { g_free(families) }
        guard let families else { return [] }
        return (0..<Int(count)).compactMap { k in
            families[k].flatMap { pango_font_family_get_name($0) }.map { String(cString: $0) }
        }
    }
}

/// A Pango layout for `cr` at 72 dpi with hinting off, so that sizes in points come out the same on
/// PNG, PDF and SVG surfaces and at any pixel density; `font` is a Pango font description such as
/// "DejaVu Sans 9". The caller releases it with `g_object_unref`. The report typesetter uses it too.
public func makePointLayout(_ cr: OpaquePointer, font: String) -> OpaquePointer {
    let layout = pango_cairo_create_layout(cr)!
    let context = pango_layout_get_context(layout)
    pango_cairo_context_set_resolution(context, 72)
    let options = cairo_font_options_create()
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
    pango_cairo_context_set_font_options(context, options)
    cairo_font_options_destroy(options)
    pango_layout_context_changed(layout)
    let description = pango_font_description_from_string(font)
    pango_layout_set_font_description(layout, description)
    pango_font_description_free(description)
    return layout
}

enum HorizontalAnchor { case left, center, right }
enum VerticalAnchor { case top, center, bottom }

/// One laid-out piece of text. Pango units are converted to points; layout is done at 72 dpi with
/// hinting off so sizes are the same on PNG, PDF and SVG surfaces and at any pixel density.
final class TextBlock {
    private let layout: OpaquePointer
    let style: TextStyle

    init(_ cr: OpaquePointer, _ markup: String, _ style: TextStyle) {
        self.style = style
        layout = makePointLayout(cr, font: style.fontDescription)
        if Markup.isValid(markup) {
            pango_layout_set_markup(layout, Self.explicitScripts(markup, size: style.size), -1)
        } else {
            pango_layout_set_text(layout, markup, -1)
        }
    }

    /// Pango's own <sup>/<sub> scale with the screen resolution (96 dpi) rather than the 72 dpi
    /// used here and come out too large; explicit sizes and rises in points do not.
    static func explicitScripts(_ markup: String, size: Double) -> String {
        let small = Int(size * 0.7 * 1024), up = Int(size * 0.42 * 1024), down = Int(size * 0.2 * 1024)
        return markup
            .replacingOccurrences(of: "<sup>", with: "<span size=\"\(small)\" rise=\"\(up)\">")
            .replacingOccurrences(of: "</sup>", with: "</span>")
            .replacingOccurrences(of: "<sub>", with: "<span size=\"\(small)\" rise=\"-\(down)\">")
            .replacingOccurrences(of: "</sub>", with: "</span>")
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(layout)) }

    /// Logical size in points.
    var size: Size {
        var logical = PangoRectangle()
        pango_layout_get_extents(layout, nil, &logical)
        return Size(width: Double(logical.width) / Double(PANGO_SCALE),
                    height: Double(logical.height) / Double(PANGO_SCALE))
    }

    /// Draws the text so that the given anchor of its box lies at `point`.
    func draw(_ cr: OpaquePointer, at point: Point, _ h: HorizontalAnchor, _ v: VerticalAnchor) {
        let s = size
        let dx: Double = switch h { case .left: 0; case .center: -s.width / 2; case .right: -s.width }
        let dy: Double = switch v { case .top: 0; case .center: -s.height / 2; case .bottom: -s.height }
        cairo_save(cr)
        setColor(cr, style.color)
        cairo_move_to(cr, point.x + dx, point.y + dy)
        pango_cairo_update_layout(cr, layout)
        pango_cairo_show_layout(cr, layout)
        cairo_restore(cr)
    }

    /// Draws the text reading bottom to top, centred on `point` along the text direction;
    /// `v` anchors the text's top (its left side on the page) or bottom.
    func drawVertical(_ cr: OpaquePointer, at point: Point, _ v: VerticalAnchor) {
        cairo_save(cr)
        cairo_translate(cr, point.x, point.y)
        cairo_rotate(cr, -Double.pi / 2)
        draw(cr, at: Point(0, 0), .center, v)
        cairo_restore(cr)
    }
}

func setColor(_ cr: OpaquePointer, _ c: RGBColor) {
    cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha)
}
