import Figures
import Foundation
import Reports
import TestSupport
import Testing

/// Renders the sample report's HTML in headless Chromium and checks the screenshot shows the
/// figures (many saturated jet colours) and the math (MathML laid out, so the page is tall).
@Test func htmlRendersInHeadlessChromium() throws {
    guard let chromium = tool("chromium") ?? tool("chromium-browser") else {
        print("skipped: chromium not installed (.ci/run installs it)")
        return
    }
    let out = try temporaryFolder("reports-chromium")
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
    // MathML is laid out, not shown as plain text: the renderer's fraction, alone and large,
    // stacks numerator over denominator (taller than wide), where plain text would be one line.
    let fraction = MathML.render(try TeXParser.parse("\\frac{a}{b}"), display: true)
    let page = out.appendingPathComponent("fraction.html")
    try "<!DOCTYPE html><html><body style=\"margin:0;font-size:64px\">\(fraction)</body></html>".write(to: page, atomically: true, encoding: .utf8)
    let fractionShot = out.appendingPathComponent("fraction.png")
    _ = try runTool(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=400,400",
                               "--screenshot=\(fractionShot.path)", page.absoluteString])
    let f = try RasterImage(contentsOfPNG: fractionShot)
    var minX = Int.max, maxX = -1, minY = Int.max, maxY = -1
    for y in 0..<f.height {
        for x in 0..<f.width where f[x, y].red < 128 {
            minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
        }
    }
    #expect(maxY >= 0, "nothing drawn")
    #expect(maxY - minY > 2 * (maxX - minX) / 3 && maxY - minY > 80, "fraction ink \(maxX - minX) × \(maxY - minY)")
}
