import CCairo
import Figures
import Foundation

/// Typesets the document model into a PDF with Pango and Cairo: numbered headings with a PDF
/// outline, justified and hyphenated paragraphs with inline math, lists, quotes, code, tables
/// with repeated headers, figures drawn as vectors with their captions, display math, clickable
/// cross-references and running page numbers.
public enum PDFRenderer {
    public enum PaperSize: Sendable {
        case a4, letter
        var size: (width: Double, height: Double) { self == .a4 ? (595.276, 841.89) : (612, 792) }
    }

    public struct RenderError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func render(_ document: ReportDocument, to url: URL, paper: PaperSize = .a4) throws {
        let (pageWidth, pageHeight) = paper.size
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        guard let surface = cairo_pdf_surface_create(temporary.path, pageWidth, pageHeight) else {
            throw RenderError(description: "\(url.path): cannot create the PDF")
        }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, document.title)
        if !document.authors.isEmpty {
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, document.authors.joined(separator: ", "))
        }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "neurec")
        let cr = cairo_create(surface)!
        let setter = Typesetter(cr: cr, surface: surface, textWidth: pageWidth - 2 * Typesetter.sideMargin,
                                textHeight: pageHeight - Typesetter.topMargin - Typesetter.bottomMargin, document: document)
        let items = setter.flow(document)
        let pages = Paginator.paginate(items.map(\.metrics), pageHeight: setter.textHeight)
        for (pageIndex, page) in pages.enumerated() {
            for placement in page {
                let item = items[placement.item]
                cairo_save(cr)
                cairo_set_source_rgb(cr, 0, 0, 0)
                item.draw(cr, Typesetter.sideMargin + item.indent, Typesetter.topMargin + placement.top, placement)
                cairo_restore(cr)
            }
            // Running page number.
            let number = PangoText(cr, font: Typesetter.serif, size: 9)
            number.setText("\(pageIndex + 1)")
            cairo_set_source_rgb(cr, 0.25, 0.25, 0.25)
            number.draw(cr, x: (pageWidth - number.logical.width) / 2, y: pageHeight - Typesetter.bottomMargin / 2 - 5)
            cairo_show_page(cr)
        }
        setter.addOutline()
        let status = cairo_status(cr)
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        let surfaceStatus = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        guard status == CAIRO_STATUS_SUCCESS, surfaceStatus == CAIRO_STATUS_SUCCESS else {
            try? FileManager.default.removeItem(at: temporary)
            let message = String(cString: cairo_status_to_string(status != CAIRO_STATUS_SUCCESS ? status : surfaceStatus))
            throw RenderError(description: "\(url.path): cairo: \(message)")
        }
        _ = try? FileManager.default.removeItem(at: url)
        try FileManager.default.moveItem(at: temporary, to: url)
    }
}

/// A piece of the flow with its metrics and how to draw a placement of it at (x, top).
struct FlowItem {
    var metrics: FlowMetrics
    var indent: Double = 0
    var draw: (OpaquePointer, Double, Double, Placement) -> Void
}

final class Typesetter {
    static let sideMargin = 72.0
    static let topMargin = 68.0
    static let bottomMargin = 72.0
    static let serif = "DejaVu Serif"
    static let sans = "DejaVu Sans"
    static let mono = "DejaVu Sans Mono"
    static let bodySize = 10.0
    static let linkColor = "#1a4fa0"

    let cr: OpaquePointer
    let surface: OpaquePointer
    let textWidth: Double
    let textHeight: Double
    let measurer = PangoMathMeasurer()
    /// Anchors that will exist in the PDF; links to anything else are not emitted.
    var destinations: Set<String> = []
    var outline: [(level: Int, title: String, anchor: String)] = []

    init(cr: OpaquePointer, surface: OpaquePointer, textWidth: Double, textHeight: Double, document: ReportDocument) {
        self.cr = cr
        self.surface = surface
        self.textWidth = textWidth
        self.textHeight = textHeight
        collectDestinations(document.blocks)
    }

    func collectDestinations(_ blocks: [Block]) {
        for block in blocks {
            switch block {
            case let .heading(_, _, anchor, _): destinations.insert(anchor)
            case .figure(let f): destinations.insert("fig-\(f.label)")
            case let .table(_, anchor?, _, _): destinations.insert(anchor)
            case .list(_, _, _, let items): items.forEach(collectDestinations)
            case .quote(let inner): collectDestinations(inner)
            default: break
            }
        }
    }

    func addOutline() {
        var parents: [Int: Int32] = [:]
        for entry in outline {
            let parent = entry.level > 1 ? (parents[entry.level - 1] ?? 0) : 0
            let id = cairo_pdf_surface_add_outline(surface, parent, entry.title, "dest='\(entry.anchor)'", CAIRO_PDF_OUTLINE_FLAG_OPEN)
            parents[entry.level] = id
        }
    }

    // MARK: Flow

    func flow(_ document: ReportDocument) -> [FlowItem] {
        var items: [FlowItem] = []
        items.append(textItem(markup: "<b>\(Markup.escape(document.title))</b>", font: Self.sans, size: 17, width: textWidth,
                              alignment: PANGO_ALIGN_CENTER, spaceBefore: 0, keepWithNext: true))
        if !document.authors.isEmpty {
            items.append(textItem(markup: Markup.escape(document.authors.joined(separator: ", ")), font: Self.serif, size: 11,
                                  width: textWidth, alignment: PANGO_ALIGN_CENTER, spaceBefore: 8, keepWithNext: true))
        }
        var meta: [String] = []
        if let date = document.date { meta.append(Markup.escape(date)) }
        meta.append("scale <tt>\(Markup.escape(document.scale))</tt>")
        items.append(textItem(markup: "<i>\(meta.joined(separator: " · "))</i>", font: Self.serif, size: 9.5,
                              width: textWidth, alignment: PANGO_ALIGN_CENTER, spaceBefore: 4, keepWithNext: false))
        items.append(FlowItem(metrics: FlowMetrics(lineHeights: [14]), draw: { _, _, _, _ in }))
        for block in document.blocks { items += flow(block, indent: 0, width: textWidth) }
        return items
    }

    func flow(_ block: Block, indent: Double, width: Double) -> [FlowItem] {
        switch block {
        case let .heading(level, number, anchor, content):
            let size = level <= 1 ? 14.0 : level == 2 ? 12.0 : 10.5
            let title = (number.isEmpty ? "" : number + " ") + Inline.plainText(content)
            outline.append((level, title, anchor))
            var paragraph = Paragraph(setter: self, font: Self.sans, size: size, width: width)
            paragraph.markup += "<b>"
            if !number.isEmpty { paragraph.text(number + "\u{2002}") }
            paragraph.add(content)
            paragraph.markup += "</b>"
            var item = paragraph.item(justify: false, spaceBefore: level <= 1 ? 16 : 11, keepWithNext: true, spaceAfter: 3)
            item.metrics.isFloatBarrier = true
            let inner = item.draw
            item.draw = { cr, x, top, placement in
                Typesetter.destination(cr, anchor, x: x, y: top)
                inner(cr, x, top, placement)
            }
            item.indent = indent
            return [item]
        case .paragraph(let content):
            if content.allSatisfy({ if case .html = $0 { return true } else { return false } }) { return [] }
            var paragraph = Paragraph(setter: self, font: Self.serif, size: Self.bodySize, width: width)
            paragraph.add(content)
            var item = paragraph.item(justify: true, spaceBefore: 6, keepWithNext: false)
            item.indent = indent
            return [item]
        case .displayMath(let node, _):
            var item = displayMath(node, width: width)
            item.indent = indent
            return [item]
        case let .list(ordered, start, _, items):
            var result: [FlowItem] = []
            for (k, itemBlocks) in items.enumerated() {
                var inner = itemBlocks.flatMap { flow($0, indent: indent + 18, width: width - 18) }
                guard !inner.isEmpty else { continue }
                inner[0].metrics.spaceBefore = k == 0 ? 5 : 2
                let marker = ordered ? "\(start + k)." : "•"
                let first = inner[0].draw
                inner[0].draw = { cr, x, top, placement in
                    first(cr, x, top, placement)
                    if !placement.continuation {
                        let m = PangoText(cr, font: Self.serif, size: Self.bodySize)
                        m.setText(marker)
                        m.draw(cr, x: x - 4 - m.logical.width, y: top)
                    }
                }
                result += inner
            }
            return result
        case .quote(let blocks):
            var inner = blocks.flatMap { flow($0, indent: indent + 16, width: width - 16) }
            for k in inner.indices {
                let draw = inner[k].draw
                inner[k].draw = { cr, x, top, placement in
                    cairo_save(cr)
                    cairo_set_source_rgb(cr, 0.7, 0.7, 0.7)
                    cairo_rectangle(cr, x - 11, top, 2.5, placement.height)
                    cairo_fill(cr)
                    cairo_restore(cr)
                    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2)
                    draw(cr, x, top, placement)
                }
            }
            return inner
        case let .code(_, text):
            var item = codeItem(text.trimmingTrailingNewlines(), width: width, background: (0.95, 0.95, 0.95), color: (0, 0, 0))
            item.indent = indent
            return [item]
        case .thematicBreak:
            return [FlowItem(metrics: FlowMetrics(lineHeights: [12], spaceBefore: 4), indent: indent, draw: { cr, x, top, _ in
                cairo_set_line_width(cr, 0.5)
                cairo_move_to(cr, x + width * 0.3, top + 6)
                cairo_line_to(cr, x + width * 0.7, top + 6)
                cairo_stroke(cr)
            })]
        case let .table(content, anchor, number, caption):
            var result: [FlowItem] = []
            if let number {
                var paragraph = Paragraph(setter: self, font: Self.serif, size: 9, width: width)
                paragraph.markup += "<b>"
                paragraph.text("Table \(number).")
                paragraph.markup += "</b>"
                paragraph.text(" ")
                paragraph.add(caption)
                var item = paragraph.item(justify: true, spaceBefore: 10, keepWithNext: true, spaceAfter: 3)
                if let anchor {
                    let inner = item.draw
                    item.draw = { cr, x, top, placement in
                        Typesetter.destination(cr, anchor, x: x, y: top)
                        inner(cr, x, top, placement)
                    }
                }
                item.indent = indent
                result.append(item)
            }
            var table = tableItem(content, width: width, spaceBefore: number == nil ? 8 : 2)
            table.indent = indent
            result.append(table)
            return result
        case .figure(let figure):
            var item = figureItem(figure, width: width)
            item.indent = indent
            return [item]
        case .error(let message):
            var item = codeItem("Error: " + message, width: width, background: (1, 0.92, 0.92), color: (0.55, 0, 0), wrap: true)
            item.indent = indent
            return [item]
        }
    }

    /// A named destination at a point (links and outline entries jump there). Given by
    /// coordinates rather than by wrapping the drawing: cairo 1.16 rejects some non-ASCII text
    /// drawn inside a destination tag.
    static func destination(_ cr: OpaquePointer, _ name: String, x: Double, y: Double) {
        cairo_tag_begin(cr, CAIRO_TAG_DEST, String(format: "name='%@' x=%.2f y=%.2f", name, x, max(0, y - 12)))
        cairo_tag_end(cr, CAIRO_TAG_DEST)
    }

    func textItem(markup: String, font: String, size: Double, width: Double, alignment: PangoAlignment,
                  spaceBefore: Double, keepWithNext: Bool) -> FlowItem {
        let text = PangoText(cr, font: font, size: size)
        text.wrap(width: width, alignment: alignment)
        text.setMarkup(markup)
        let lines = text.lines
        return FlowItem(metrics: FlowMetrics(lineHeights: lines.map(\.height), spaceBefore: spaceBefore, keepWithNext: keepWithNext,
                                             minimumLines: 2)) { cr, x, top, placement in
            Typesetter.drawLines(text, lines: lines, cr: cr, x: x, top: top, range: placement.lines, width: width)
        }
    }

    /// Draws lines `range` of a layout with the first of them at `top`, clipping the rest away.
    static func drawLines(_ text: PangoText, lines: [(top: Double, height: Double, baseline: Double)], cr: OpaquePointer,
                          x: Double, top: Double, range: Range<Int>, width: Double) {
        let first = lines[range.lowerBound].top
        let height = range.map { lines[$0].height }.reduce(0, +)
        cairo_save(cr)
        cairo_rectangle(cr, x - 40, top, width + 80, height)
        cairo_clip(cr)
        text.draw(cr, x: x, y: top - first)
        cairo_restore(cr)
    }

    func codeItem(_ text: String, width: Double, background: (Double, Double, Double), color: (Double, Double, Double),
                  wrap: Bool = false) -> FlowItem {
        let layout = PangoText(cr, font: Self.mono, size: 8.3)
        if wrap { layout.wrap(width: width - 12) }
        layout.setText(text)
        let lines = layout.lines
        var heights = lines.map(\.height)
        heights[0] += 4
        heights[heights.count - 1] += 4
        let shrink = !wrap && layout.logical.width > width - 12 ? (width - 12) / layout.logical.width : 1
        return FlowItem(metrics: FlowMetrics(lineHeights: heights, spaceBefore: 7, minimumLines: 2)) { cr, x, top, placement in
            cairo_save(cr)
            cairo_set_source_rgb(cr, background.0, background.1, background.2)
            cairo_rectangle(cr, x, top, width, placement.height)
            cairo_fill(cr)
            cairo_set_source_rgb(cr, color.0, color.1, color.2)
            let pad = placement.lines.lowerBound == 0 ? 4.0 : 0
            cairo_rectangle(cr, x, top, width, placement.height)
            cairo_clip(cr)
            let first = lines[placement.lines.lowerBound].top
            cairo_translate(cr, x + 6, top + pad)
            cairo_scale(cr, shrink, 1)
            layout.draw(cr, x: 0, y: -first)
            cairo_restore(cr)
        }
    }

    func displayMath(_ node: MathNode, width: Double) -> FlowItem {
        let box = MathLayout.layout(node, display: true, size: Self.bodySize, measurer: measurer)
        let scale = box.width > width ? width / box.width : 1
        let height = box.height * scale + 14
        return FlowItem(metrics: FlowMetrics(lineHeights: [height], spaceBefore: 4)) { cr, x, top, _ in
            cairo_save(cr)
            cairo_translate(cr, x + (width - box.width * scale) / 2, top + 7 + box.ascent * scale)
            cairo_scale(cr, scale, scale)
            MathPainter.draw(box, into: cr, x: 0, baseline: 0)
            cairo_restore(cr)
        }
    }

    func figureItem(_ figure: FigureContent, width: Double) -> FlowItem {
        var paragraph = Paragraph(setter: self, font: Self.serif, size: 9, width: width)
        paragraph.markup += "<b>"
        paragraph.text("Figure \(figure.number).")
        paragraph.markup += "</b>"
        paragraph.text(" ")
        paragraph.add(figure.caption)
        let caption = paragraph.item(justify: true, spaceBefore: 0, keepWithNext: false)
        let captionHeight = caption.metrics.height
        let natural = figure.figure.size
        var w = min(width, natural.width * 1.3)
        var h = natural.height * w / natural.width
        let maximum = textHeight * 0.62 - captionHeight
        if h > maximum {
            h = maximum
            w = natural.width * h / natural.height
        }
        let total = h + 6 + captionHeight
        let anchor = "fig-\(figure.label)"
        return FlowItem(metrics: FlowMetrics(lineHeights: [total], spaceBefore: 12, floats: true)) { cr, x, top, placement in
            Typesetter.destination(cr, anchor, x: x, y: top)
            cairo_save(cr)
            drawFigure(figure.figure, into: cr, rect: Rect(x: x + (width - w) / 2, y: top, width: w, height: h))
            cairo_restore(cr)
            let captionPlacement = Placement(item: placement.item, lines: 0..<caption.metrics.lineHeights.count, top: top + h + 6,
                                             continuation: false, height: captionHeight)
            caption.draw(cr, x, top + h + 6, captionPlacement)
        }
    }

    func tableItem(_ content: TableContent, width: Double, spaceBefore: Double) -> FlowItem {
        let size = 9.0
        let padding = 5.0
        let columns = max(content.header.count, content.rows.map(\.count).max() ?? 0)
        let rows = [content.header] + content.rows
        // Natural widths, unwrapped.
        var natural = Array(repeating: 10.0, count: columns)
        for (r, row) in rows.enumerated() {
            for (k, cell) in row.enumerated() where k < columns {
                var p = Paragraph(setter: self, font: Self.serif, size: size, width: nil)
                if r == 0 { p.markup += "<b>" }
                p.add(cell)
                if r == 0 { p.markup += "</b>" }
                natural[k] = max(natural[k], p.naturalWidth() + 2 * padding)
            }
        }
        var widths = natural
        let total = natural.reduce(0, +)
        if total > width {
            // Shrink the wide columns first: every column keeps at least its share of the width.
            let fair = width / Double(columns)
            let narrow = natural.filter { $0 <= fair }.reduce(0, +)
            let wideTotal = total - narrow
            widths = natural.map { $0 <= fair ? $0 : $0 / wideTotal * (width - narrow) }
        }
        let tableWidth = widths.reduce(0, +)
        var cells: [[(item: FlowItem, alignment: Alignment)]] = []
        var heights: [Double] = []
        for (r, row) in rows.enumerated() {
            var laid: [(FlowItem, Alignment)] = []
            var height = 0.0
            for k in 0..<columns {
                let cell = k < row.count ? row[k] : []
                let alignment = k < content.alignments.count ? content.alignments[k] : .none
                var p = Paragraph(setter: self, font: Self.serif, size: size, width: widths[k] - 2 * padding)
                p.alignment = alignment == .right ? PANGO_ALIGN_RIGHT : alignment == .center ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT
                if r == 0 { p.markup += "<b>" }
                p.add(cell)
                if r == 0 { p.markup += "</b>" }
                let item = p.item(justify: false, spaceBefore: 0, keepWithNext: false)
                laid.append((item, alignment))
                height = max(height, item.metrics.height)
            }
            cells.append(laid)
            heights.append(height + 5)
        }
        let headerHeight = heights[0]
        return FlowItem(metrics: FlowMetrics(lineHeights: heights, spaceBefore: spaceBefore, repeatedHeader: headerHeight,
                                             minimumLines: 2)) { cr, x, top, placement in
            let left = x + (width - tableWidth) / 2
            var y = top
            func drawRow(_ r: Int) {
                var cx = left
                for (k, cell) in cells[r].enumerated() {
                    let p = Placement(item: 0, lines: 0..<cell.item.metrics.lineHeights.count, top: y, continuation: false,
                                      height: cell.item.metrics.height)
                    cell.item.draw(cr, cx + padding, y + 2.5, p)
                    cx += widths[k]
                }
                y += heights[r]
            }
            func rule(_ thickness: Double) {
                cairo_set_line_width(cr, thickness)
                cairo_move_to(cr, left, y)
                cairo_line_to(cr, left + tableWidth, y)
                cairo_stroke(cr)
            }
            rule(1)
            if placement.continuation {
                drawRow(0)
                rule(0.6)
            }
            for r in placement.lines {
                drawRow(r)
                if r == 0 { rule(0.6) }
            }
            if placement.lines.upperBound == heights.count { rule(1) }
        }
    }
}

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
