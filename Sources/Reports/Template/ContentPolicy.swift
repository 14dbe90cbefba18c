import Foundation

/// What of a template's content may reach the reports, applied once to the document model so every
/// renderer sees only what is allowed. By default the HTML report runs nothing and loads nothing: raw
/// HTML is omitted (`allow_html: true` or `--allow-html` keeps it), links may only be relative,
/// `#anchors`, http(s) or mailto (a `javascript:` or `data:` link keeps its text and loses its
/// target), and images may only name files inside the template's folder (`--allow-outside-images`
/// lifts that). Each omission is a warning naming the line.
struct ContentPolicy {
    var allowHTML: Bool
    var allowOutsideImages: Bool
    /// The template's folder, standardized: images must resolve inside it.
    var templateFolder: URL
    var file: String
    var warn: (String) -> Void

    func filter(_ block: Block, line: Int) -> Block? {
        switch block {
        case .paragraph(let content):
            let kept = filter(content, line: line)
            return kept.isEmpty && !content.isEmpty ? nil : .paragraph(kept)
        case let .heading(level, number, anchor, content):
            return .heading(level: level, number: number, anchor: anchor, content: filter(content, line: line))
        case let .list(ordered, start, tight, items):
            return .list(ordered: ordered, start: start, tight: tight,
                         items: items.map { $0.compactMap { filter($0, line: line) } })
        case .quote(let blocks):
            return .quote(blocks.compactMap { filter($0, line: line) })
        case let .table(content, anchor, number, caption):
            let filtered = TableContent(alignments: content.alignments, header: content.header.map { filter($0, line: line) },
                                        rows: content.rows.map { $0.map { filter($0, line: line) } })
            return .table(filtered, anchor: anchor, number: number, caption: filter(caption, line: line))
        case .figure(var figure):
            figure.caption = filter(figure.caption, line: line)
            return .figure(figure)
        case .displayMath, .code, .thematicBreak, .error:
            return block
        }
    }

    func filter(_ content: [Inline], line: Int) -> [Inline] {
        content.compactMap { inline -> Inline? in
            switch inline {
            case .html(let raw):
                if allowHTML { return inline }
                // Whitespace-only HTML nodes and comments carry nothing a reader would miss.
                let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty && !trimmed.hasPrefix("<!--") {
                    warn("\(file):\(line): raw HTML omitted: \(trimmed.prefix(40))\(trimmed.count > 40 ? "…" : "") (allow it with `allow_html: true` in the front matter or --allow-html)")
                }
                return nil
            case .emphasis(let c): return .emphasis(filter(c, line: line))
            case .strong(let c): return .strong(filter(c, line: line))
            case let .link(url, c):
                guard Self.isSafeLink(url) else {
                    warn("\(file):\(line): link target '\(url.prefix(40))' omitted (links may be relative, #anchors, http(s) or mailto)")
                    return .emphasis(filter(c, line: line))
                }
                return .link(url: url, content: filter(c, line: line))
            case let .image(url, alt):
                guard allowOutsideImages || isInsideTemplateFolder(url) else {
                    warn("\(file):\(line): image '\(url.prefix(60))' omitted: it is not a file inside the template's folder (pass --allow-outside-images to allow it)")
                    return .text("[\(alt)]")
                }
                return inline
            default:
                return inline
            }
        }
    }

    /// The URL's scheme, lowercased, if it has one (`javascript:alert(1)` has, `a/b.md` and `#x` have not).
    static func scheme(_ url: String) -> String? {
        let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let colon = trimmed.firstIndex(of: ":") else { return nil }
        let candidate = trimmed[..<colon]
        guard let first = candidate.first, first.isLetter,
              candidate.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) else { return nil }
        return candidate.lowercased()
    }

    static func isSafeLink(_ url: String) -> Bool {
        guard let scheme = scheme(url) else { return !url.hasPrefix("//") }
        return ["http", "https", "mailto"].contains(scheme)
    }

    func isInsideTemplateFolder(_ url: String) -> Bool {
        guard Self.scheme(url) == nil, !url.hasPrefix("//"), !url.isEmpty else { return false }
        let path = url.split(separator: "#", maxSplits: 1).first.map(String.init) ?? url
        let resolved = (path.hasPrefix("/") ? URL(fileURLWithPath: path) : templateFolder.appendingPathComponent(path))
            .standardizedFileURL.resolvingSymlinksInPath().path
        let root = templateFolder.path.hasSuffix("/") ? templateFolder.path : templateFolder.path + "/"
        return resolved.hasPrefix(root)
    }
}
