import CCairo
import Figures
import Foundation

/// Inline content as Pango markup plus the objects Pango cannot draw: inline formulas (placed
/// with shape attributes on U+FFFC) and link rectangles.
struct Paragraph {
    let setter: Typesetter
    let font: String
    let size: Double
    let width: Double?
    var alignment: PangoAlignment = PANGO_ALIGN_LEFT
    var markup = ""
    /// UTF-8 length of the text so far (what Pango indexes).
    var bytes = 0
    var formulas: [(index: Int, box: MathBox)] = []
    var links: [(start: Int, end: Int, target: String, internal: Bool)] = []
    /// The character a formula's shape attribute covers. Not U+FFFC: with a three-byte
    /// character, Pango 1.50 sometimes hands cairo 1.16 clusters that split it, and cairo then
    /// rejects the page ("input string not valid UTF-8").
    static let objectMarker = "X"

    init(setter: Typesetter, font: String, size: Double, width: Double?) {
        self.setter = setter
        self.font = font
        self.size = size
        self.width = width
    }

    mutating func text(_ s: String) {
        markup += Markup.escape(s)
        bytes += s.utf8.count
    }

    mutating func add(_ content: [Inline]) {
        for inline in content {
            switch inline {
            case .text(let s): text(s)
            case .emphasis(let c): markup += "<i>"; add(c); markup += "</i>"
            case .strong(let c): markup += "<b>"; add(c); markup += "</b>"
            case .code(let s):
                markup += "<span font_family=\"\(Typesetter.mono)\" size=\"\(Int(size * 0.88 * 1024))\">"
                text(s)
                markup += "</span>"
            case let .link(url, c):
                let start = bytes
                markup += "<span foreground=\"\(Typesetter.linkColor)\">"
                add(c)
                markup += "</span>"
                links.append((start, bytes, url, false))
            case let .reference(label, anchor):
                let start = bytes
                markup += "<span foreground=\"\(Typesetter.linkColor)\">"
                text(label)
                markup += "</span>"
                if setter.destinations.contains(anchor) { links.append((start, bytes, anchor, true)) }
            case .image(_, let alt): text("[\(alt)]")
            case .math(let node, _):
                let box = MathLayout.layout(node, display: false, size: size, measurer: setter.measurer)
                formulas.append((bytes, box))
                markup += Paragraph.objectMarker
                bytes += Paragraph.objectMarker.utf8.count
            case .softBreak: text(" ")
            case .lineBreak: markup += "\n"; bytes += 1
            case .html: break
            }
        }
    }

    func makeLayout() -> PangoText {
        let layout = PangoText(setter.cr, font: font, size: size)
        if let width { layout.wrap(width: width, justify: false, alignment: alignment) }
        layout.setMarkup(markup)
        let existing = pango_layout_get_attributes(layout.layout)
        let list = existing.map { pango_attr_list_copy($0)! } ?? pango_attr_list_new()!
        for (index, box) in formulas {
            var rect = PangoRectangle(x: 0, y: -PangoText.units(box.ascent), width: PangoText.units(box.width),
                                      height: PangoText.units(box.height))
            var logical = rect
            let attribute = pango_attr_shape_new(&rect, &logical)!
            attribute.pointee.start_index = UInt32(index)
            attribute.pointee.end_index = UInt32(index + Paragraph.objectMarker.utf8.count)
            pango_attr_list_insert(list, attribute)
        }
        pango_layout_set_attributes(layout.layout, list)
        pango_attr_list_unref(list)
        return layout
    }

    func naturalWidth() -> Double { makeLayout().logical.width }

    func item(justify: Bool, spaceBefore: Double, keepWithNext: Bool, spaceAfter: Double = 0) -> FlowItem {
        let layout = makeLayout()
        if justify { pango_layout_set_justify(layout.layout, 1) }
        let lines = layout.lines
        var heights = lines.map(\.height)
        heights[heights.count - 1] += spaceAfter
        let formulas = self.formulas
        let links = self.links
        let width = self.width ?? layout.logical.width
        return FlowItem(metrics: FlowMetrics(lineHeights: heights, spaceBefore: spaceBefore, keepWithNext: keepWithNext,
                                             minimumLines: 2)) { cr, x, top, placement in
            let range = placement.lines
            Typesetter.drawLines(layout, lines: lines, cr: cr, x: x, top: top, range: range, width: width)
            let origin = top - lines[range.lowerBound].top
            func lineOf(_ index: Int) -> Int {
                var line: Int32 = 0, xPos: Int32 = 0
                pango_layout_index_to_line_x(layout.layout, Int32(index), 0, &line, &xPos)
                return Int(line)
            }
            for (index, box) in formulas {
                let line = lineOf(index)
                guard range.contains(line) else { continue }
                let position = layout.position(ofByte: index)
                MathPainter.draw(box, into: cr, x: x + position.x, baseline: origin + lines[line].baseline)
            }
            for link in links {
                let startLine = lineOf(link.start), endLine = lineOf(max(link.start, link.end - 1))
                var rects: [String] = []
                for line in startLine...endLine where range.contains(line) {
                    let x0 = line == startLine ? layout.position(ofByte: link.start).x : 0
                    let last = layout.position(ofByte: max(link.start, link.end - 1))
                    let x1 = line == endLine ? last.x + last.width : width
                    rects.append(String(format: "%.2f %.2f %.2f %.2f", x + x0, origin + lines[line].top, max(1, x1 - x0), lines[line].height))
                }
                guard !rects.isEmpty else { continue }
                let target = link.internal ? "dest='\(link.target)'" : "uri='\(link.target.replacingOccurrences(of: "'", with: "%27"))'"
                cairo_tag_begin(cr, CAIRO_TAG_LINK, "rect=[\(rects.joined(separator: " "))] \(target)")
                cairo_tag_end(cr, CAIRO_TAG_LINK)
            }
        }
    }
}
