import Figures
import Foundation

/// Renders the document model as one self-contained HTML file: styles inline, figures embedded as
/// data URLs, math as MathML. No JavaScript and no network.
public enum HTMLRenderer {
    /// `outputDirectory` is where the figure files named by the model live.
    public static func render(_ document: ReportDocument, outputDirectory: URL) -> String {
        var body = "<header><h1 class=\"title\">\(Markup.escape(document.title))</h1>\n"
        if !document.authors.isEmpty { body += "<p class=\"authors\">\(Markup.escape(document.authors.joined(separator: ", ")))</p>\n" }
        var meta: [String] = []
        if let date = document.date { meta.append(Markup.escape(date)) }
        meta.append("scale <code>\(Markup.escape(document.scale))</code>")
        body += "<p class=\"meta\">\(meta.joined(separator: " · "))</p></header>\n<main>\n"
        for block in document.blocks { body += render(block, outputDirectory: outputDirectory) }
        body += "</main>\n"
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Markup.escape(document.title))</title>
        <style>
        \(style)
        </style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }

    static let style = """
    body { font-family: "DejaVu Serif", Georgia, serif; max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #111; }
    header { text-align: center; margin-bottom: 2em; }
    h1.title { font-size: 1.8em; margin-bottom: 0.2em; }
    header p.authors, header p.meta { margin: 0.2em; color: #444; text-align: center; }
    h2, h3, h4 { font-family: "DejaVu Sans", Helvetica, sans-serif; }
    .secnum { margin-right: 0.5em; color: #555; }
    p { text-align: justify; hyphens: auto; }
    figure { margin: 1.5em 0; text-align: center; page-break-inside: avoid; }
    figure img { max-width: 100%; height: auto; }
    figcaption, .caption { font-size: 0.92em; text-align: left; margin-top: 0.4em; }
    table { border-collapse: collapse; margin: 0.5em auto 1.5em; font-size: 0.92em; }
    th { border-bottom: 1.5px solid #111; padding: 0.2em 0.7em; }
    td { padding: 0.15em 0.7em; }
    table { border-top: 1.5px solid #111; border-bottom: 1.5px solid #111; }
    .tablewrap { margin: 1.5em 0; }
    pre { background: #f5f5f5; padding: 0.6em; overflow-x: auto; font-size: 0.88em; }
    code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.9em; }
    blockquote { border-left: 3px solid #bbb; margin-left: 0; padding-left: 1em; color: #333; }
    .error { border: 2px solid #c00; background: #fee; color: #700; padding: 0.6em; font-family: monospace; white-space: pre-wrap; }
    math { font-family: "DejaVu Math TeX Gyre", "STIX Two Math", "Latin Modern Math", math; }
    math[display="block"] { margin: 0.8em 0; }
    a { color: #0645ad; text-decoration: none; }
    """

    static func render(_ block: Block, outputDirectory: URL) -> String {
        switch block {
        case let .heading(level, number, anchor, content):
            let tag = "h\(min(6, level + 1))"
            let num = number.isEmpty ? "" : "<span class=\"secnum\">\(number)</span>"
            return "<\(tag) id=\"\(anchor)\">\(num)\(inline(content))</\(tag)>\n"
        case .paragraph(let content):
            if content.count == 1, case .html(let raw) = content[0] { return raw + "\n" }
            return "<p>\(inline(content))</p>\n"
        case .displayMath(let node, _):
            return MathML.render(node, display: true) + "\n"
        case let .list(ordered, start, tight, items):
            let tag = ordered ? "ol" : "ul"
            let startAttribute = ordered && start != 1 ? " start=\"\(start)\"" : ""
            var out = "<\(tag)\(startAttribute)>\n"
            for item in items {
                out += "<li>"
                for b in item {
                    if tight, case .paragraph(let c) = b { out += inline(c) } else { out += render(b, outputDirectory: outputDirectory) }
                }
                out += "</li>\n"
            }
            return out + "</\(tag)>\n"
        case .quote(let blocks):
            return "<blockquote>\n" + blocks.map { render($0, outputDirectory: outputDirectory) }.joined() + "</blockquote>\n"
        case let .code(language, text):
            let cls = language.isEmpty ? "" : " class=\"language-\(Markup.escape(language))\""
            return "<pre><code\(cls)>\(Markup.escape(text))</code></pre>\n"
        case .thematicBreak:
            return "<hr>\n"
        case let .table(content, anchor, number, caption):
            var out = "<div class=\"tablewrap\"\(anchor.map { " id=\"\($0)\"" } ?? "")>\n<table>\n"
            if let number {
                out += "<caption class=\"caption\"><b>Table \(number).</b> \(inline(caption))</caption>\n"
            }
            func align(_ k: Int) -> String {
                guard k < content.alignments.count else { return "" }
                switch content.alignments[k] {
                case .left: return " style=\"text-align:left\""
                case .center: return " style=\"text-align:center\""
                case .right: return " style=\"text-align:right\""
                case .none: return ""
                }
            }
            out += "<thead><tr>" + content.header.enumerated().map { "<th\(align($0))>\(inline($1))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
            for row in content.rows {
                out += "<tr>" + row.enumerated().map { "<td\(align($0))>\(inline($1))</td>" }.joined() + "</tr>\n"
            }
            return out + "</tbody>\n</table>\n</div>\n"
        case .figure(let f):
            let url = outputDirectory.appendingPathComponent(f.pngPath)
            let source: String
            if let data = try? Data(contentsOf: url) {
                source = "data:image/png;base64," + data.base64EncodedString()
            } else {
                source = ""
            }
            let width = Int(f.figure.size.width * 1.6)
            return "<figure id=\"fig-\(f.label)\">\n<img src=\"\(source)\" alt=\"\(Markup.escape("Figure \(f.number). " + Inline.plainText(f.caption)))\" style=\"width:\(width)px\">\n<figcaption><b>Figure \(f.number).</b> \(inline(f.caption))</figcaption>\n</figure>\n"
        case .error(let message):
            return "<div class=\"error\">\(Markup.escape(message))</div>\n"
        }
    }

    static func inline(_ content: [Inline]) -> String {
        content.map { item -> String in
            switch item {
            case .text(let s): return Markup.escape(s)
            case .emphasis(let c): return "<em>\(inline(c))</em>"
            case .strong(let c): return "<strong>\(inline(c))</strong>"
            case .code(let s): return "<code>\(Markup.escape(s))</code>"
            case let .link(url, c):
                // Only local links: the page must not reach the network.
                if url.hasPrefix("http://") || url.hasPrefix("https://") {
                    return "\(inline(c)) (\(Markup.escape(url.replacingOccurrences(of: "https://", with: "").replacingOccurrences(of: "http://", with: ""))))"
                }
                return "<a href=\"\(Markup.escape(url))\">\(inline(c))</a>"
            case let .image(_, alt): return "[\(Markup.escape(alt))]"
            case .math(let node, _): return MathML.render(node, display: false)
            case let .reference(text, anchor): return "<a href=\"#\(anchor)\">\(Markup.escape(text))</a>"
            case .softBreak: return "\n"
            case .lineBreak: return "<br>\n"
            case .html(let s): return s
            }
        }.joined()
    }
}
