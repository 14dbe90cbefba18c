import CCmarkGFM
import Foundation

/// One top-level piece of a template: Markdown (with placeholders still in its text) or an
/// experiment directive (the YAML of a ```neurec block, with the file line of its first YAML line).
enum TemplateItem {
    case markdown(Block, line: Int)
    case directive(yaml: String, line: Int)
}

/// Walks cmark-gfm's tree (CommonMark + GitHub tables) into the document model's blocks.
enum MarkdownReader {
    static func read(_ source: SourceText) -> [TemplateItem] {
        cmark_gfm_core_extensions_ensure_registered()
        let parser = cmark_parser_new(CMARK_OPT_DEFAULT | CMARK_OPT_UNSAFE)!
        defer { cmark_parser_free(parser) }
        if let table = cmark_find_syntax_extension("table") {
            cmark_parser_attach_syntax_extension(parser, table)
        }
        if let strike = cmark_find_syntax_extension("strikethrough") {
            cmark_parser_attach_syntax_extension(parser, strike)
        }
        let utf8 = Array(source.body.utf8)
        utf8.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buffer.count, 1)) {
                cmark_parser_feed(parser, $0, buffer.count)
            }
        }
        let document = cmark_parser_finish(parser)!
        defer { cmark_node_free(document) }

        var items: [TemplateItem] = []
        var child = cmark_node_first_child(document)
        while let node = child {
            let line = source.originalLine(Int(cmark_node_get_start_line(node)))
            if cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK, info(node) == "neurec" {
                // The YAML starts on the line after the opening fence; fences copy lines unchanged.
                items.append(.directive(yaml: literal(node), line: line + 1))
            } else if let block = block(node) {
                items.append(.markdown(block, line: line))
            }
            child = cmark_node_next(node)
        }
        return items
    }

    static func literal(_ node: OpaquePointer) -> String {
        cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
    }

    static func info(_ node: OpaquePointer) -> String {
        (cmark_node_get_fence_info(node).map { String(cString: $0) } ?? "")
            .trimmingCharacters(in: .whitespaces).components(separatedBy: " ").first ?? ""
    }

    static func children(_ node: OpaquePointer) -> [OpaquePointer] {
        var result: [OpaquePointer] = []
        var child = cmark_node_first_child(node)
        while let c = child {
            result.append(c)
            child = cmark_node_next(c)
        }
        return result
    }

    static func typeName(_ node: OpaquePointer) -> String {
        cmark_node_get_type_string(node).map { String(cString: $0) } ?? ""
    }

    static func block(_ node: OpaquePointer) -> Block? {
        switch cmark_node_get_type(node) {
        case CMARK_NODE_PARAGRAPH:
            return .paragraph(inlines(node))
        case CMARK_NODE_HEADING:
            return .heading(level: Int(cmark_node_get_heading_level(node)), number: "", anchor: "", content: inlines(node))
        case CMARK_NODE_BLOCK_QUOTE:
            return .quote(children(node).compactMap(block))
        case CMARK_NODE_LIST:
            let ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST
            let items = children(node).map { children($0).compactMap(block) }
            return .list(ordered: ordered, start: Int(cmark_node_get_list_start(node)),
                         tight: cmark_node_get_list_tight(node) != 0, items: items)
        case CMARK_NODE_CODE_BLOCK:
            return .code(language: info(node), text: literal(node))
        case CMARK_NODE_THEMATIC_BREAK:
            return .thematicBreak
        case CMARK_NODE_HTML_BLOCK:
            return .paragraph([.html(literal(node))])
        default:
            if typeName(node) == "table" { return table(node) }
            return nil
        }
    }

    static func table(_ node: OpaquePointer) -> Block {
        let columns = Int(cmark_gfm_extensions_get_table_columns(node))
        var alignments: [Alignment] = []
        if let raw = cmark_gfm_extensions_get_table_alignments(node) {
            for k in 0..<columns {
                switch UInt8(raw[k]) {
                case UInt8(ascii: "l"): alignments.append(.left)
                case UInt8(ascii: "c"): alignments.append(.center)
                case UInt8(ascii: "r"): alignments.append(.right)
                default: alignments.append(.none)
                }
            }
        } else {
            alignments = Array(repeating: .none, count: columns)
        }
        var header: [[Inline]] = []
        var rows: [[[Inline]]] = []
        for row in children(node) {
            let cells = children(row).map(inlines)
            if cmark_gfm_extensions_get_table_row_is_header(row) != 0 { header = cells } else { rows.append(cells) }
        }
        return .table(TableContent(alignments: alignments, header: header, rows: rows), anchor: nil, number: nil, caption: [])
    }

    static func inlines(_ node: OpaquePointer) -> [Inline] {
        var result: [Inline] = []
        for child in children(node) {
            switch cmark_node_get_type(child) {
            case CMARK_NODE_TEXT:
                // Adjacent text nodes are merged so placeholders and @references stay whole.
                if case .text(let previous)? = result.last {
                    result[result.count - 1] = .text(previous + literal(child))
                } else {
                    result.append(.text(literal(child)))
                }
            case CMARK_NODE_SOFTBREAK: result.append(.softBreak)
            case CMARK_NODE_LINEBREAK: result.append(.lineBreak)
            case CMARK_NODE_CODE: result.append(.code(literal(child)))
            case CMARK_NODE_HTML_INLINE: result.append(.html(literal(child)))
            case CMARK_NODE_EMPH: result.append(.emphasis(inlines(child)))
            case CMARK_NODE_STRONG: result.append(.strong(inlines(child)))
            case CMARK_NODE_LINK:
                let url = cmark_node_get_url(child).map { String(cString: $0) } ?? ""
                result.append(.link(url: url, content: inlines(child)))
            case CMARK_NODE_IMAGE:
                let url = cmark_node_get_url(child).map { String(cString: $0) } ?? ""
                result.append(.image(url: url, alt: Inline.plainText(inlines(child))))
            default:
                result.append(contentsOf: inlines(child))
            }
        }
        return result
    }
}
