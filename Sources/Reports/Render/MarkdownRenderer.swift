/// Renders the document model as GitHub-flavoured Markdown: images linked relative to the output
/// folder, math left as `$…$` / `$$…$$` (GitHub renders it), references as links to anchors.
public enum MarkdownRenderer {
    public static func render(_ document: ReportDocument) -> String {
        var out = "# \(document.title)\n\n"
        var meta: [String] = []
        if !document.authors.isEmpty { meta.append(document.authors.joined(separator: ", ")) }
        if let date = document.date { meta.append(date) }
        meta.append("scale `\(document.scale)`")
        out += "*" + meta.joined(separator: " · ") + "*\n\n"
        for block in document.blocks { out += render(block, indent: "") + "\n" }
        return out
    }

    static func render(_ block: Block, indent: String) -> String {
        switch block {
        case let .heading(level, number, anchor, content):
            let hashes = String(repeating: "#", count: min(6, level + 1))
            return "\(indent)<a id=\"\(anchor)\"></a>\n\n\(indent)\(hashes) \(number.isEmpty ? "" : number + " ")\(inline(content))\n"
        case .paragraph(let content):
            return indent + inline(content).replacingOccurrences(of: "\n", with: "\n" + indent) + "\n"
        case let .displayMath(_, source):
            return "\(indent)$$\n\(indent)\(source)\n\(indent)$$\n"
        case let .list(ordered, start, tight, items):
            var out = ""
            for (k, item) in items.enumerated() {
                let marker = ordered ? "\(start + k). " : "- "
                let pad = String(repeating: " ", count: marker.count)
                var first = true
                for b in item {
                    let text = render(b, indent: indent + pad)
                    if first {
                        out += indent + marker + text.dropFirst(indent.count + pad.count)
                        first = false
                    } else {
                        out += (tight ? "" : "\n") + text
                    }
                }
                if !tight { out += "\n" }
            }
            return out
        case .quote(let blocks):
            return blocks.map { render($0, indent: "") }.joined(separator: "\n")
                .split(separator: "\n", omittingEmptySubsequences: false).map { "\(indent)> \($0)" }.joined(separator: "\n") + "\n"
        case let .code(language, text):
            let fence = text.contains("```") ? "~~~~" : "```"
            return "\(indent)\(fence)\(language)\n" + text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { indent + $0 }.joined(separator: "\n").trimmingTrailingNewlines() + "\n\(indent)\(fence)\n"
        case .thematicBreak:
            return "\(indent)---\n"
        case let .table(content, anchor, number, caption):
            var out = ""
            if let anchor, let number {
                out += "\(indent)<a id=\"\(anchor)\"></a>\n\n"
                out += "\(indent)**Table \(number).** \(inline(caption))\n\n"
            }
            func row(_ cells: [[Inline]]) -> String {
                "\(indent)| " + cells.map { inline($0).replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
            }
            out += row(content.header)
            out += "\(indent)|" + content.alignments.map { a -> String in
                switch a {
                case .left: return " :--- |"
                case .center: return " :---: |"
                case .right: return " ---: |"
                case .none: return " --- |"
                }
            }.joined() + "\n"
            for r in content.rows { out += row(r) }
            return out
        case .figure(let f):
            let caption = inline(f.caption)
            return "\(indent)<a id=\"fig-\(f.label)\"></a>\n\n\(indent)![\(altText(f))](\(f.pngPath))\n\n\(indent)**Figure \(f.number).** \(caption) ([PDF](\(f.pdfPath)))\n"
        case .error(let message):
            return "\(indent)> **Error:** `\(message.replacingOccurrences(of: "`", with: "'"))`\n"
        }
    }

    /// "Figure N. caption" as plain text. Brackets are kept when balanced (link text allows that)
    /// and turned into parentheses otherwise, so the text needs no backslash escapes.
    static func altText(_ figure: FigureContent) -> String {
        var text = "Figure \(figure.number). " + Inline.plainText(figure.caption)
        var depth = 0, balanced = true
        for c in text where c == "[" || c == "]" {
            depth += c == "[" ? 1 : -1
            if depth < 0 { balanced = false }
        }
        if !balanced || depth != 0 {
            text = text.replacingOccurrences(of: "[", with: "(").replacingOccurrences(of: "]", with: ")")
        }
        return text.replacingOccurrences(of: "\n", with: " ")
    }

    static func inline(_ content: [Inline]) -> String {
        content.map { item -> String in
            switch item {
            case .text(let s): return escape(s)
            case .emphasis(let c): return "*\(inline(c))*"
            case .strong(let c): return "**\(inline(c))**"
            case .code(let s):
                let fence = s.contains("`") ? "``" : "`"
                return "\(fence)\(s)\(fence)"
            case let .link(url, c): return "[\(inline(c))](\(url))"
            case let .image(url, alt): return "![\(alt)](\(url))"
            case let .math(_, source): return "$\(source)$"
            case let .reference(text, anchor): return "[\(text)](#\(anchor))"
            case .softBreak: return "\n"
            case .lineBreak: return "  \n"
            case .html(let s): return s
            }
        }.joined()
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            if "\\*_[]<>`$|".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
