import Figures

// The document model: built once by `ReportBuilder`, read by every renderer (Markdown, HTML, PDF).
// Nothing here knows about output formats; renderers never re-run or re-parse anything.

/// A finished report: the title block and the resolved body (numbers assigned, values substituted).
public struct ReportDocument: Sendable {
    public var name: String
    public var title: String
    public var authors: [String]
    public var date: String?
    public var scale: String
    public var blocks: [Block]
    /// Trials whose fit reached no optimum (`solver_failed`), over every block: the report shows
    /// what they measured (recovery 0, no distances), and `neurec run` exits non-zero for them.
    public var failedTrials = 0

    public init(name: String, title: String, authors: [String], date: String?, scale: String, blocks: [Block]) {
        self.name = name
        self.title = title
        self.authors = authors
        self.date = date
        self.scale = scale
        self.blocks = blocks
    }
}

extension ReportDocument {
    /// Blocks and inline values that failed under `--keep-going` and show as errors in place.
    public var failureCount: Int {
        func count(_ content: [Inline]) -> Int {
            content.reduce(0) { total, inline in
                switch inline {
                case .strong(let c):
                    if c.count == 1, case .text(let t) = c[0], t.hasPrefix("⚠ ") { return total + 1 }
                    return total + count(c)
                case .emphasis(let c), .link(_, let c): return total + count(c)
                default: return total
                }
            }
        }
        func count(_ block: Block) -> Int {
            switch block {
            case .error: return 1
            case .paragraph(let c), .heading(_, _, _, let c): return count(c)
            case .list(_, _, _, let items): return items.joined().map(count).reduce(0, +)
            case .quote(let blocks): return blocks.map(count).reduce(0, +)
            case let .table(content, _, _, caption):
                return count(caption) + content.header.map(count).reduce(0, +) + content.rows.joined().map(count).reduce(0, +)
            case .figure(let f): return count(f.caption)
            case .displayMath, .code, .thematicBreak: return 0
            }
        }
        return blocks.map(count).reduce(0, +)
    }
}

public enum Alignment: String, Sendable { case left, center, right, none }

/// A GitHub table, from Markdown or computed from a block's results.
public struct TableContent: Sendable {
    public var alignments: [Alignment]
    public var header: [[Inline]]
    public var rows: [[[Inline]]]

    public init(alignments: [Alignment], header: [[Inline]], rows: [[[Inline]]]) {
        self.alignments = alignments
        self.header = header
        self.rows = rows
    }
}

/// A figure produced by an experiment block: the drawing itself (for vector PDF output) and the
/// files it was rendered to (relative to the output folder).
public struct FigureContent: Sendable {
    public var label: String
    public var number: Int
    public var caption: [Inline]
    public var figure: any Figure
    /// Paths relative to the output folder, e.g. `figures/paper/fig4a.png`.
    public var pngPath: String
    public var pdfPath: String
    /// Resolution of the PNG file (the front matter's `figures: {dpi}`, or the figure check's own).
    public var pngDPI: Double

    public init(label: String, number: Int, caption: [Inline], figure: any Figure, pngPath: String, pdfPath: String,
                pngDPI: Double = FigureAppearance.defaultDPI) {
        self.label = label
        self.number = number
        self.caption = caption
        self.figure = figure
        self.pngPath = pngPath
        self.pdfPath = pdfPath
        self.pngDPI = pngDPI
    }
}

public indirect enum Block: Sendable {
    /// `number` is "2.1"-style section numbering ("" for unnumbered); `anchor` a stable id.
    case heading(level: Int, number: String, anchor: String, content: [Inline])
    case paragraph([Inline])
    case displayMath(MathNode, source: String)
    case list(ordered: Bool, start: Int, tight: Bool, items: [[Block]])
    case quote([Block])
    case code(language: String, text: String)
    case thematicBreak
    /// A table; numbered tables (from experiment blocks) carry their link anchor, number and caption.
    case table(TableContent, anchor: String?, number: Int?, caption: [Inline])
    case figure(FigureContent)
    /// A directive that failed under `--keep-going`: `file:line: message`, shown in place.
    case error(String)
}

public indirect enum Inline: Sendable {
    case text(String)
    case emphasis([Inline])
    case strong([Inline])
    case code(String)
    case link(url: String, content: [Inline])
    case image(url: String, alt: String)
    case math(MathNode, source: String)
    /// A resolved cross-reference: `text` is e.g. "Figure 3"; `anchor` the target id.
    case reference(text: String, anchor: String)
    case softBreak
    case lineBreak
    /// Raw inline HTML from the template, kept for HTML output and dropped elsewhere.
    case html(String)
}

extension Inline {
    /// The plain text of inline content (for alt text, outlines and tests), math as Unicode text.
    public static func plainText(_ content: [Inline]) -> String {
        content.map { inline -> String in
            switch inline {
            case .text(let s), .code(let s): return s
            case .emphasis(let c), .strong(let c), .link(_, let c): return plainText(c)
            case .image(_, let alt): return alt
            case .math(let node, _): return node.plainText
            case .reference(let text, _): return text
            case .softBreak, .lineBreak: return " "
            case .html: return ""
            }
        }.joined()
    }
}
