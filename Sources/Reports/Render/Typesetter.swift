import CCairo
import Figures
import Foundation

/// Turns the document's blocks into flow items for the paginator: fonts, spacing and drawing of
/// headings (with the PDF outline and named destinations), paragraphs, lists, quotes, code,
/// display math and figures. Tables are laid out by `PDFTableLayout`, inline content by
/// `Paragraph`.
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
            var table = PDFTableLayout(setter: self, content: content, width: width).item(spaceBefore: number == nil ? 8 : 2)
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
}
