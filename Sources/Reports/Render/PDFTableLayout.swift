import CCairo
import Foundation

/// Lays out one table for the PDF: column widths from the cells' natural widths (shrunk to fit
/// the text width), cells as wrapped paragraphs, and a flow item whose rows may break across pages
/// with the header repeated. Knows nothing of the rest of the document.
struct PDFTableLayout {
    static let fontSize = 9.0
    static let padding = 5.0

    let setter: Typesetter
    let content: TableContent
    /// The text width the table is centred in.
    let width: Double

    /// Column widths: each column's natural width, and when they do not fit, the wide columns
    /// shrunk proportionally while every column keeps at least its fair share (width / columns).
    static func columnWidths(natural: [Double], available width: Double) -> [Double] {
        let total = natural.reduce(0, +)
        guard total > width else { return natural }
        let fair = width / Double(natural.count)
        let narrow = natural.filter { $0 <= fair }.reduce(0, +)
        let wideTotal = total - narrow
        return natural.map { $0 <= fair ? $0 : $0 / wideTotal * (width - narrow) }
    }

    /// One cell's paragraph; header cells (row 0) are bold.
    private func cellParagraph(_ cell: [Inline], row: Int, width: Double?) -> Paragraph {
        var p = Paragraph(setter: setter, font: Typesetter.serif, size: Self.fontSize, width: width)
        if row == 0 { p.markup += "<b>" }
        p.add(cell)
        if row == 0 { p.markup += "</b>" }
        return p
    }

    func item(spaceBefore: Double) -> FlowItem {
        let padding = Self.padding
        let columns = max(content.header.count, content.rows.map(\.count).max() ?? 0)
        let rows = [content.header] + content.rows
        // Natural widths, unwrapped.
        var natural = Array(repeating: 10.0, count: columns)
        for (r, row) in rows.enumerated() {
            for (k, cell) in row.enumerated() where k < columns {
                natural[k] = max(natural[k], cellParagraph(cell, row: r, width: nil).naturalWidth() + 2 * padding)
            }
        }
        let widths = Self.columnWidths(natural: natural, available: width)
        let tableWidth = widths.reduce(0, +)
        var cells: [[(item: FlowItem, alignment: Alignment)]] = []
        var heights: [Double] = []
        for (r, row) in rows.enumerated() {
            var laid: [(FlowItem, Alignment)] = []
            var height = 0.0
            for k in 0..<columns {
                let cell = k < row.count ? row[k] : []
                let alignment = k < content.alignments.count ? content.alignments[k] : .none
                var p = cellParagraph(cell, row: r, width: widths[k] - 2 * padding)
                p.alignment = alignment == .right ? PANGO_ALIGN_RIGHT : alignment == .center ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT
                let item = p.item(justify: false, spaceBefore: 0, keepWithNext: false)
                laid.append((item, alignment))
                height = max(height, item.metrics.height)
            }
            cells.append(laid)
            heights.append(height + 5)
        }
        let headerHeight = heights[0]
        let width = self.width
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
