/// The template text prepared for cmark-gfm: the front matter split off, and math (`$…$`, `$$…$$`)
/// and inline values (`{{ … }}`) replaced by placeholders so that Markdown's escapes and emphasis
/// never touch them. `originalLine` maps a line of the prepared body back to the file.
struct SourceText {
    enum Span: Equatable {
        case math(String, display: Bool)
        case value(String)
    }

    static let open: Character = "\u{E000}"
    static let close: Character = "\u{E001}"

    var frontMatter: String?
    /// The file line on which the front matter's first YAML line sits.
    var frontMatterLine: Int
    var body: String
    var spans: [(span: Span, line: Int)] = []
    /// originalLine[k] is the file line of prepared line k + 1.
    var lineMap: [Int] = []

    func originalLine(_ preparedLine: Int) -> Int {
        guard preparedLine >= 1 else { return 1 }
        return preparedLine - 1 < lineMap.count ? lineMap[preparedLine - 1] : (lineMap.last ?? 0) + 1
    }

    init(_ text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var firstBodyLine = 1
        frontMatter = nil
        frontMatterLine = 2
        if lines.first?.trimmingCharacters(in: .whitespaces) == "---",
           let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" || $0 == "..." }) {
            frontMatter = lines[1..<end].joined(separator: "\n")
            lines.removeFirst(end + 1)
            firstBodyLine = end + 2
        }
        body = ""
        prepare(lines, firstLine: firstBodyLine)
    }

    private mutating func prepare(_ lines: [String], firstLine: Int) {
        var output = ""
        var map: [Int] = [firstLine]
        var fence: String? = nil
        var index = 0
        // Work on the whole body so display math may span lines.
        while index < lines.count {
            let line = lines[index]
            let fileLine = firstLine + index
            let trimmed = line.drop(while: { $0 == " " })
            if let f = fence {
                output += line
                if trimmed.hasPrefix(f), trimmed.drop(while: { $0 == f.first }).trimmingCharacters(in: .whitespaces).isEmpty {
                    fence = nil
                }
                index += 1
                if index < lines.count { output += "\n"; map.append(firstLine + index) }
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                let marker = trimmed.first!
                fence = String(trimmed.prefix(while: { $0 == marker }))
                output += line
                index += 1
                if index < lines.count { output += "\n"; map.append(firstLine + index) }
                continue
            }
            // Scan this line (and following ones for display math).
            var chars = Array(line)
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if c == "\\", i + 1 < chars.count {
                    output.append(c); output.append(chars[i + 1]); i += 2; continue
                }
                if c == "`" {
                    var run = 0
                    while i + run < chars.count, chars[i + run] == "`" { run += 1 }
                    let ticks = String(repeating: "`", count: run)
                    var j = i + run
                    var closed: Int? = nil
                    while j < chars.count {
                        if chars[j] == "`" {
                            var r = 0
                            while j + r < chars.count, chars[j + r] == "`" { r += 1 }
                            if r == run { closed = j; break }
                            j += r
                        } else { j += 1 }
                    }
                    if let closed {
                        output += String(chars[i..<closed + run]); i = closed + run
                    } else {
                        output += ticks; i += run
                    }
                    continue
                }
                if c == "$", i + 1 < chars.count, chars[i + 1] == "$" {
                    // Display math, possibly over several lines.
                    var source = ""
                    var j = i + 2
                    var extraLines = 0
                    var found = false
                    while true {
                        while j < chars.count {
                            if chars[j] == "$", j + 1 < chars.count, chars[j + 1] == "$" { found = true; break }
                            source.append(chars[j]); j += 1
                        }
                        if found { break }
                        guard index + extraLines + 1 < lines.count else { break }
                        extraLines += 1
                        let next = lines[index + extraLines]
                        if next.trimmingCharacters(in: .whitespaces).isEmpty { break }
                        source.append("\n")
                        chars = Array(String(chars[..<j])) + Array(next)
                        // keep j at the start of the appended text
                    }
                    if found {
                        output += placeholder(.math(source.trimmingCharacters(in: .whitespacesAndNewlines), display: true), line: fileLine)
                        for _ in 0..<extraLines { index += 1 }
                        // Lines merged into this one: the rest of this prepared line belongs to the last of them.
                        chars = Array(chars[(j + 2)...])
                        i = 0
                        continue
                    } else {
                        // Unclosed: keep the text; the reader sees plain dollars.
                        chars = Array(line)
                        output += "$$"; i += 2
                        continue
                    }
                }
                if c == "$", i + 1 < chars.count, !chars[i + 1].isWhitespace {
                    var j = i + 1
                    var closed: Int? = nil
                    while j < chars.count {
                        if chars[j] == "\\" { j += 2; continue }
                        if chars[j] == "$" {
                            let before = chars[j - 1]
                            let after: Character? = j + 1 < chars.count ? chars[j + 1] : nil
                            if !before.isWhitespace, !(after?.isNumber ?? false) { closed = j }
                            break
                        }
                        j += 1
                    }
                    if let closed {
                        output += placeholder(.math(String(chars[i + 1..<closed]), display: false), line: fileLine)
                        i = closed + 1
                        continue
                    }
                }
                if c == "{", i + 1 < chars.count, chars[i + 1] == "{" {
                    var j = i + 2
                    var closed: Int? = nil
                    while j + 1 < chars.count {
                        if chars[j] == "}", chars[j + 1] == "}" { closed = j; break }
                        j += 1
                    }
                    if let closed {
                        output += placeholder(.value(String(chars[i + 2..<closed]).trimmingCharacters(in: .whitespaces)), line: fileLine)
                        i = closed + 2
                        continue
                    }
                }
                output.append(c)
                i += 1
            }
            index += 1
            if index < lines.count { output += "\n"; map.append(firstLine + index) }
        }
        body = output
        lineMap = map
    }

    private mutating func placeholder(_ span: Span, line: Int) -> String {
        spans.append((span, line))
        return "\(Self.open)\(spans.count - 1)\(Self.close)"
    }
}

import Foundation
