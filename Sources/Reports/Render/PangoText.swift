import CCairo
import Figures
import Foundation

/// Pango layouts for the PDF typesetter: 72 dpi, hinting off (sizes in points on every surface),
/// English language so Pango hyphenates when it wraps.
final class PangoText {
    let layout: OpaquePointer

    init(_ cr: OpaquePointer, font: String, size: Double) {
        layout = makePointLayout(cr, font: "\(font) \(size)")
        pango_context_set_language(pango_layout_get_context(layout), pango_language_from_string("en-us"))
        pango_layout_context_changed(layout)
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(layout)) }

    static func points(_ units: Int32) -> Double { Double(units) / Double(PANGO_SCALE) }
    static func units(_ points: Double) -> Int32 { Int32((points * Double(PANGO_SCALE)).rounded()) }

    func setText(_ text: String) { pango_layout_set_text(layout, text, -1) }

    func setMarkup(_ markup: String) { pango_layout_set_markup(layout, markup, -1) }

    func wrap(width: Double, justify: Bool = false, alignment: PangoAlignment = PANGO_ALIGN_LEFT) {
        pango_layout_set_width(layout, Self.units(width))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD)
        pango_layout_set_justify(layout, justify ? 1 : 0)
        pango_layout_set_alignment(layout, alignment)
    }

    /// Logical extents in points.
    var logical: (x: Double, y: Double, width: Double, height: Double) {
        var ink = PangoRectangle(), logical = PangoRectangle()
        pango_layout_get_extents(layout, &ink, &logical)
        return (Self.points(logical.x), Self.points(logical.y), Self.points(logical.width), Self.points(logical.height))
    }

    var ink: (x: Double, y: Double, width: Double, height: Double) {
        var ink = PangoRectangle(), logical = PangoRectangle()
        pango_layout_get_extents(layout, &ink, &logical)
        return (Self.points(ink.x), Self.points(ink.y), Self.points(ink.width), Self.points(ink.height))
    }

    var baseline: Double { Self.points(pango_layout_get_baseline(layout)) }

    /// Top and height of every line, in points from the layout's top.
    var lines: [(top: Double, height: Double, baseline: Double)] {
        var result: [(Double, Double, Double)] = []
        let iter = pango_layout_get_iter(layout)
        defer { pango_layout_iter_free(iter) }
        repeat {
            var logical = PangoRectangle()
            pango_layout_iter_get_line_extents(iter, nil, &logical)
            result.append((Self.points(logical.y), Self.points(logical.height), Self.points(pango_layout_iter_get_baseline(iter))))
        } while pango_layout_iter_next_line(iter) != 0
        return result
    }

    /// The rectangle of the character at a UTF-8 byte index, in points.
    func position(ofByte index: Int) -> (x: Double, y: Double, width: Double, height: Double) {
        var rect = PangoRectangle()
        pango_layout_index_to_pos(layout, Int32(index), &rect)
        return (Self.points(rect.x), Self.points(rect.y), Self.points(rect.width), Self.points(rect.height))
    }

    func draw(_ cr: OpaquePointer, x: Double, y: Double) {
        cairo_move_to(cr, x, y)
        pango_cairo_update_layout(cr, layout)
        pango_cairo_show_layout(cr, layout)
    }
}

/// A 1×1 image surface whose context serves for measuring text.
final class MeasuringContext {
    let surface: OpaquePointer
    let cr: OpaquePointer
    init() {
        surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1)
        cr = cairo_create(surface)
    }
    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }
}
