import Foundation

/// Resolves placeholders left by `SourceText` (math, `{{ id.value }}`) and `@id` cross-references
/// in the document model's inline text.
struct InlineResolver {
    let file: String
    let source: SourceText
    let keepGoing: Bool
    var figureNumbers: [String: Int]
    var tableNumbers: [String: Int]
    var values: [String: Double]
    var frontValues: [String: Double]

    func fail(_ line: Int, _ message: String) -> ReportError {
        ReportError(file: file, line: line, message: message)
    }

    func resolve(_ block: Block, line: Int) throws -> Block {
        switch block {
        case .paragraph(let content):
            // A paragraph holding only display math becomes a display block.
            if content.count == 1, case .text(let t) = content[0],
               let span = Self.soleSpan(t.trimmingCharacters(in: .whitespaces)), case let .math(src, true)? = spanValue(span, in: source) {
                do { return .displayMath(try TeXParser.parse(src), source: src) } catch let e as TeXError {
                    let err = fail(source.spans[span].line, "\(e.message) in $$\(src)$$")
                    if keepGoing { return .error(err.description) }
                    throw err
                }
            }
            return .paragraph(try resolve(content, line: line, source: source))
        case let .heading(level, number, anchor, content):
            return .heading(level: level, number: number, anchor: anchor, content: try resolve(content, line: line, source: source))
        case let .list(ordered, start, tight, items):
            return .list(ordered: ordered, start: start, tight: tight, items: try items.map { try $0.map { try resolve($0, line: line) } })
        case .quote(let blocks):
            return .quote(try blocks.map { try resolve($0, line: line) })
        case let .table(content, anchor, number, caption):
            let header = try content.header.map { try resolve($0, line: line, source: source) }
            let rows = try content.rows.map { try $0.map { try resolve($0, line: line, source: source) } }
            return .table(TableContent(alignments: content.alignments, header: header, rows: rows), anchor: anchor, number: number, caption: caption)
        default:
            return block
        }
    }

    func resolve(_ content: [Inline], line: Int) throws -> [Inline] {
        try resolve(content, line: line, source: source)
    }

    /// A caption or other directive text: Markdown inlines with math, values and references.
    func resolveText(_ text: String, line: Int) throws -> [Inline] {
        let captionSource = SourceText(text)
        let items = MarkdownReader.read(captionSource)
        var result: [Inline] = []
        for item in items {
            if case .markdown(.paragraph(let content), _) = item {
                if !result.isEmpty { result.append(.softBreak) }
                // Spans of the caption carry caption-relative lines: report the directive's line.
                var fixed = captionSource
                fixed.spans = captionSource.spans.map { ($0.span, line) }
                result += try resolve(content, line: line, source: fixed)
            }
        }
        return result
    }

    static func soleSpan(_ text: String) -> Int? {
        guard text.first == SourceText.open, text.last == SourceText.close else { return nil }
        return Int(text.dropFirst().dropLast())
    }

    func spanValue(_ k: Int, in source: SourceText) -> SourceText.Span? {
        k < source.spans.count ? source.spans[k].span : nil
    }

    func resolve(_ content: [Inline], line: Int, source: SourceText) throws -> [Inline] {
        var out: [Inline] = []
        for inline in content {
            switch inline {
            case .text(let t): out += try resolveText(t, line: line, source: source)
            case .emphasis(let c): out.append(.emphasis(try resolve(c, line: line, source: source)))
            case .strong(let c): out.append(.strong(try resolve(c, line: line, source: source)))
            case let .link(url, c): out.append(.link(url: url, content: try resolve(c, line: line, source: source)))
            case .code(let s): out.append(.code(restore(s, source: source)))
            default: out.append(inline)
            }
        }
        return out
    }

    /// Puts the original text back into code spans (placeholders never belong there).
    func restore(_ s: String, source: SourceText) -> String {
        guard s.contains(SourceText.open) else { return s }
        var result = ""
        var chars = Substring(s)
        while let start = chars.firstIndex(of: SourceText.open), let end = chars[start...].firstIndex(of: SourceText.close) {
            result += chars[..<start]
            if let k = Int(chars[chars.index(after: start)..<end]), k < source.spans.count {
                switch source.spans[k].span {
                case let .math(src, display): result += display ? "$$\(src)$$" : "$\(src)$"
                case .value(let v): result += "{{ \(v) }}"
                }
            }
            chars = chars[chars.index(after: end)...]
        }
        return result + chars
    }

    private func resolveText(_ text: String, line: Int, source: SourceText) throws -> [Inline] {
        var out: [Inline] = []
        var buffer = ""
        func flush() { if !buffer.isEmpty { out.append(.text(buffer)); buffer = "" } }
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == SourceText.open, let end = chars[i...].firstIndex(of: SourceText.close), let k = Int(String(chars[i + 1..<end])),
               k < source.spans.count {
                flush()
                let (span, spanLine) = source.spans[k]
                do {
                    switch span {
                    case let .math(src, _):
                        do { out.append(.math(try TeXParser.parse(src), source: src)) } catch let e as TeXError {
                            throw fail(spanLine, "\(e.message) in $\(src)$")
                        }
                    case .value(let expression):
                        out.append(.text(try value(expression, line: spanLine)))
                    }
                } catch let error as ReportError {
                    if !keepGoing { throw error }
                    out.append(.strong([.text("⚠ \(error.description)")]))
                }
                i = end + 1
                continue
            }
            if c == "@", i + 1 < chars.count, chars[i + 1].isLetter, i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber) {
                var j = i + 1
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || (chars[j] == "-" && j + 1 < chars.count && chars[j + 1].isLetter) { j += 1 }
                let id = String(chars[i + 1..<j])
                var wantsTable = false
                if String(chars[j..<min(chars.count, j + 6)]) == ".table" { wantsTable = true; j += 6 }
                flush()
                do {
                    if !wantsTable, let n = figureNumbers[id] {
                        out.append(.reference(text: "Figure \(n)", anchor: "fig-\(id)"))
                    } else if let n = tableNumbers[id] {
                        out.append(.reference(text: "Table \(n)", anchor: "tbl-\(id)"))
                    } else {
                        let known = (Array(figureNumbers.keys) + Array(tableNumbers.keys)).sorted()
                        throw fail(line, "unknown reference @\(id)\(wantsTable ? ".table" : "") (blocks with a figure or table: \(Set(known).sorted().joined(separator: ", ")))")
                    }
                } catch let error as ReportError {
                    if !keepGoing { throw error }
                    out.append(.strong([.text("⚠ \(error.description)")]))
                }
                i = j
                continue
            }
            buffer.append(c)
            i += 1
        }
        flush()
        return out
    }

    /// `id.name` or `id.name | %.2f`.
    func value(_ expression: String, line: Int) throws -> String {
        let parts = expression.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let key = parts.first ?? ""
        guard !key.isEmpty else {
            throw fail(line, "empty value {{ \(expression) }} (name a value, e.g. {{ fig6.threshold_ratio }} or {{ scale.N }})")
        }
        guard let v = values[key] ?? frontValues[key] else {
            let id = key.split(separator: ".").first.map(String.init) ?? key
            let available = values.keys.filter { $0.hasPrefix(id + ".") }.sorted()
            let hint = available.isEmpty ? "no block '\(id)' ran" : "available: \(available.joined(separator: ", "))"
            throw fail(line, "unknown value {{ \(key) }} (\(hint))")
        }
        if parts.count == 2 {
            let format = parts[1]
            guard format.hasPrefix("%"), format.count <= 8, let last = format.last, "fegd".contains(last) else {
                throw fail(line, "bad format '\(format)' in {{ \(expression) }} (use e.g. %.2f)")
            }
            if last == "d" { return String(Int(v.rounded())) }
            return String(format: format, v)
        }
        return BlockSummary.format(v)
    }
}
