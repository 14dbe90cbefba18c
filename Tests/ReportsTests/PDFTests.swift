import Foundation
import Reports
import TestSupport
import Testing

@Test func paginatorKeepsFiguresWholeAndSplitsLongTables() {
    // A paragraph filling most of the page, then a figure that does not fit below it.
    let paragraph = FlowMetrics(lineHeights: Array(repeating: 12, count: 50), spaceBefore: 6, minimumLines: 2)
    let figure = FlowMetrics(lineHeights: [300], spaceBefore: 12)
    let table = FlowMetrics(lineHeights: [20] + Array(repeating: 15, count: 100), spaceBefore: 4, repeatedHeader: 20, minimumLines: 2)
    let pages = Paginator.paginate([paragraph, figure, table], pageHeight: 700)
    // The figure is on page 2, whole, at its top.
    let figurePlacements = pages.enumerated().flatMap { page, list in list.filter { $0.item == 1 }.map { (page, $0) } }
    #expect(figurePlacements.count == 1)
    #expect(figurePlacements[0].0 == 1 && figurePlacements[0].1.top == 0)
    // The table runs over several pages; each continuation repeats the header.
    let tablePieces = pages.flatMap { $0.filter { $0.item == 2 } }
    #expect(tablePieces.count >= 2)
    #expect(tablePieces.map(\.lines.count).reduce(0, +) == 101)
    #expect(tablePieces.dropFirst().allSatisfy { $0.continuation && $0.height == 20 + Double($0.lines.count) * 15 })
    // Nothing overflows a page.
    for page in pages {
        for p in page { #expect(p.top + p.height <= 700 + 1e-9) }
    }
}

@Test func floatingFiguresLetTextFillThePage() {
    let paragraph = FlowMetrics(lineHeights: Array(repeating: 12, count: 50), minimumLines: 2)
    let figure = FlowMetrics(lineHeights: [300], spaceBefore: 12, floats: true)
    let figure2 = FlowMetrics(lineHeights: [200], spaceBefore: 12, floats: true)
    let text = FlowMetrics(lineHeights: Array(repeating: 12, count: 5), spaceBefore: 6, minimumLines: 2)
    let short = FlowMetrics(lineHeights: [12, 12], spaceBefore: 6, minimumLines: 2)
    let pages = Paginator.paginate([paragraph, figure, text, figure2, short], pageHeight: 700)
    // The text after the figure fills page 1; both figures open page 2 in their order.
    #expect(pages[0].map(\.item) == [0, 2, 4])
    #expect(pages[1].map(\.item) == [1, 3])
    #expect(pages[1][0].top == 0 && pages[1][1].top == 312)
    let whole = pages.flatMap { $0 }
    #expect(Set(whole.map(\.item)) == [0, 1, 2, 3, 4])
    // A heading does not overtake a waiting figure: the figure closes its section.
    let heading = FlowMetrics(lineHeights: [16], spaceBefore: 10, keepWithNext: true, isFloatBarrier: true)
    let sectioned = Paginator.paginate([paragraph, figure, short, heading, short], pageHeight: 700)
    #expect(sectioned[0].map(\.item) == [0, 2])
    #expect(sectioned[1].map(\.item) == [1, 3, 4])
}

@Test func paginatorAvoidsOrphansAndKeepsHeadingsWithText() {
    let filler = FlowMetrics(lineHeights: [680])
    let heading = FlowMetrics(lineHeights: [16], spaceBefore: 10, keepWithNext: true)
    let paragraph = FlowMetrics(lineHeights: Array(repeating: 12, count: 5), spaceBefore: 6, minimumLines: 2)
    let pages = Paginator.paginate([filler, heading, paragraph], pageHeight: 700)
    // The heading would fit (680 + 10 + 16 ≤ 700 is false here), so both heading and text move together.
    #expect(pages.count == 2)
    #expect(pages[1].map(\.item) == [1, 2])
    // A paragraph that could leave one line at the bottom moves whole instead.
    let tight = Paginator.paginate([FlowMetrics(lineHeights: [680]), FlowMetrics(lineHeights: Array(repeating: 12, count: 5), minimumLines: 2)],
                                   pageHeight: 700)
    #expect(tight[0].count == 1)
    #expect(tight[1][0].lines == 0..<5)
    // Widows: a split never leaves a single last line on the next page.
    let widow = Paginator.paginate([FlowMetrics(lineHeights: [640]), FlowMetrics(lineHeights: Array(repeating: 12, count: 6), minimumLines: 2)],
                                   pageHeight: 700)
    #expect(widow.flatMap { $0 }.filter { $0.item == 1 }.allSatisfy { $0.lines.count >= 2 })
}

func tool(_ name: String) -> String? {
    for dir in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
        return "\(dir)/\(name)"
    }
    return nil
}

func runTool(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    try run(path, arguments)
}

/// A long report: many table rows, figures near page ends, formulas.
let longTemplate = sampleTemplate + "\n\n# Long\n\n" + (1...40).map { "Paragraph \($0) with $x_\($0)^2 + \\frac{a}{b}$ and more words to fill the line nicely, repeated twice for length. Paragraph \($0) with words." }.joined(separator: "\n\n")
    + "\n\n| k | value |\n|--:|:--|\n" + (1...120).map { "| \($0) | row \($0) |" }.joined(separator: "\n") + "\n"

@Test func pdfIsValidWithHeadingsCaptionsAndVectorFigures() throws {
    guard let pdfinfo = tool("pdfinfo"), let pdftotext = tool("pdftotext"), let pdfimages = tool("pdfimages") else {
        print("skipped: poppler-utils (pdfinfo, pdftotext, pdfimages) not installed")
        return
    }
    let out = try temporaryFolder("reports-pdf")
    let document = try ReportBuilder(executor: DemoExecutor(), log: { _ in })
        .build(text: longTemplate, file: "long.md", options: ReportOptions(outputDirectory: out))
    let urls = try ReportWriter.write(document, to: out, formats: [.pdf])
    let pdf = urls[0].path
    let info = try runTool(pdfinfo, [pdf])
    #expect(info.status == 0, "\(info.output)")
    let pages = Int(info.output.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last ?? "0") ?? 0
    #expect(pages >= 4)
    let text = try runTool(pdftotext, [pdf, "-"]).output
    for heading in ["1 Intro", "1.1 Details", "2 Long"] {
        #expect(text.contains(heading), "missing heading \(heading)")
    }
    for caption in ["Figure 1.", "Figure 2.", "Table 1."] { #expect(text.contains(caption), "missing \(caption)") }
    #expect(text.contains("row 120"))
    // Page numbers run on.
    #expect(text.contains("\n\(pages)\n") || text.hasSuffix("\(pages)\n\u{0C}") || text.contains("\(pages)\n\u{0C}"))
    let images = try runTool(pdfimages, ["-list", pdf]).output
    #expect(images.split(separator: "\n").count == 2, "raster images in the PDF:\n\(images)")
    // Bookmarks of the headings and clickable references to figures and tables.
    let raw = String(decoding: try Data(contentsOf: urls[0]), as: UTF8.self)
    #expect(raw.contains("/Outlines"))
    #expect(raw.contains("/Title (1.1 Details)"))
    #expect(raw.contains("/Subtype /Link"))
    #expect(raw.contains("/Dest (fig-two)") && raw.contains("/Dest (tbl-one)"))
    // The formula of the introduction is typeset (its glyphs are text in the PDF).
    #expect(text.contains("Θ") && text.contains("β"))
}

@Test func pdfOfShippedQuickReport() throws {
    guard let pdftoppm = tool("pdftoppm") else { print("skipped: pdftoppm not installed"); return }
    let text = try String(contentsOf: packageRoot.appendingPathComponent("reports/quick.md"), encoding: .utf8)
    let out = try temporaryFolder("reports-quickpdf")
    let document = try ReportBuilder(executor: DemoExecutor(), log: { _ in })
        .build(text: text, file: "reports/quick.md", options: ReportOptions(outputDirectory: out))
    try ReportWriter.write(document, to: out, formats: [.pdf], paper: .letter)
    let result = try runTool(pdftoppm, ["-png", "-r", "30", "-f", "1", "-l", "1", out.appendingPathComponent("quick.pdf").path,
                                        out.appendingPathComponent("page").path])
    #expect(result.status == 0)
    let files = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasPrefix("page") }
    #expect(files.count == 1)
}
