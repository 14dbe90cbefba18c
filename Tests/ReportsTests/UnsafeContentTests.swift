import Experiments
import Foundation
import Reports
import TestSupport
import Testing

/// A template full of raw HTML, script links and outside images gives an HTML report that runs
/// nothing and loads nothing, and says what it left out, line by line.
@Suite struct UnsafeContentTests {
    static let hostile = """
        ---
        title: "<script>alert('title')</script>"
        authors: ["<img src=x onerror=alert(2)>"]
        ---

        Prose <script>alert(1)</script> and <img src=x onerror="alert(3)"> and <a href="https://evil.example/x" onclick="y()">a</a>.

        <div onmouseover="alert(4)"><iframe src="https://evil.example/frame"></iframe></div>

        A [script link](javascript:alert(5)), a [data link](data:text/html;base64,PHNjcmlwdD4=), a [web link](https://example.org/page)
        and an image from elsewhere ![secret](/etc/passwd) and ![remote](https://evil.example/p.png).

        ```neurec
        id: one
        experiment: {planted: linear, learned: skip, form: relaxed, metric: recovery}
        figure: {caption: "Caption <script>alert(6)</script> <svg onload=alert(7)>"}
        table: boundary
        table_caption: "Table <b onclick=z()>bold</b>"
        ```
        """

    func html(allowHTML: Bool = false, warnings: inout [String]) throws -> String {
        let out = try temporaryFolder("reports-unsafe")
        defer { try? FileManager.default.removeItem(at: out) }
        let log = Locked<[String]>([])
        let document = try ReportBuilder(executor: DemoExecutor(), log: { line in log.withValue { $0.append(line) } })
            .build(text: Self.hostile, file: "hostile.md", options: ReportOptions(outputDirectory: out, allowHTML: allowHTML))
        warnings = log.current.filter { $0.contains("warning") }
        return HTMLRenderer.render(document, outputDirectory: out)
    }

    /// Attributes whose name starts with `on` (event handlers), as a browser would parse them.
    static func eventHandlers(_ html: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "<[^>]*\\son[a-z]+\\s*=", options: [.caseInsensitive])
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html))
            .map { String(html[Range($0.range, in: html)!]) }
    }

    @Test func rawHTMLScriptsHandlersAndExternalURLsNeverReachTheReport() throws {
        var warnings: [String] = []
        let page = try html(warnings: &warnings)
        #expect(!page.lowercased().contains("<script"))
        #expect(!page.lowercased().contains("<iframe"))
        #expect(Self.eventHandlers(page).isEmpty, "\(Self.eventHandlers(page))")
        #expect(!page.contains("javascript:"))
        #expect(!page.contains("data:text/html"))
        for attribute in ["src=\"http", "href=\"http", "src=\"//", "href=\"//", "src=\"/etc", "url("] {
            #expect(!page.contains(attribute), "\(attribute)")
        }
        // The text around the omissions survives, and the prose's own words too.
        #expect(page.contains("Prose"))
        #expect(page.contains("script link"))
        // One warning per omission, each naming the template line.
        #expect(warnings.contains { $0.contains("hostile.md:6: raw HTML omitted") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("hostile.md:8: raw HTML omitted") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("hostile.md:10:") && $0.contains("javascript:") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("hostile.md:10:") && $0.contains("/etc/passwd") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("hostile.md:14:") && $0.contains("raw HTML omitted") }, "\(warnings)")
    }

    @Test func allowHTMLKeepsItSoTheCheckAboveCanFail() throws {
        var warnings: [String] = []
        let page = try html(allowHTML: true, warnings: &warnings)
        #expect(page.contains("<script>alert(1)</script>"))
        #expect(!Self.eventHandlers(page).isEmpty)
    }

    @Test func frontMatterAllowHTMLIsTheSameSwitch() throws {
        let template = Self.hostile.replacingOccurrences(of: "---\ntitle:", with: "---\nallow_html: true\ntitle:")
        let out = try temporaryFolder("reports-allow-html")
        defer { try? FileManager.default.removeItem(at: out) }
        let document = try ReportBuilder(executor: DemoExecutor(), log: { _ in })
            .build(text: template, file: "hostile.md", options: ReportOptions(outputDirectory: out))
        #expect(HTMLRenderer.render(document, outputDirectory: out).contains("<script>alert(1)</script>"))
    }

    @Test func imagesInsideTheTemplateFolderStay() throws {
        let folder = try temporaryFolder("reports-images")
        defer { try? FileManager.default.removeItem(at: folder) }
        let template = "---\ntitle: t\n---\n\n![inside](pictures/a.png) and ![outside](../a.png)\n"
        let document = try ReportBuilder(executor: DemoExecutor(), log: { _ in })
            .build(text: template, file: folder.appendingPathComponent("t.md").path, options: ReportOptions(outputDirectory: folder))
        let markdown = MarkdownRenderer.render(document)
        #expect(markdown.contains("![inside](pictures/a.png)"))
        #expect(!markdown.contains("../a.png"))
    }
}
