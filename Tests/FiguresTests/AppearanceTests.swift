import Figures
import Foundation
import TestSupport
import Testing

/// Sizes, resolutions and typefaces of figure files (`FigureAppearance`, `neurec plot --size --dpi --font`).
@Suite struct Appearance {
    /// 1 in = 72 pt = 2.54 cm: the same printed size in every unit.
    @Test func sizesParseInInchesCentimetresMillimetresAndPoints() throws {
        let expected = Size(width: 234, height: 172.8)
        for text in ["3.25x2.4in", "3.25 × 2.4 in", "8.255x6.096cm", "82.55x60.96mm", "234x172.8pt", "3.25X2.4IN"] {
            let size = try #require(FigureAppearance.parseSize(text), "\(text)")
            #expect(abs(size.width - expected.width) < 1e-9 && abs(size.height - expected.height) < 1e-9, "\(text): \(size)")
        }
        for bad in ["3.25x2.4", "3.25in", "x2in", "3.25x2.4ft", "axbin", "0x0in", "0.5x0.5in", "100x2in", "-3x2in", ""] {
            #expect(FigureAppearance.parseSize(bad) == nil, "\(bad)")
        }
    }

    /// PNG pixels = size × dpi, exactly where that is a whole number.
    @Test(arguments: [(3.25, 2.4, 300.0, 975, 720), (4, 3, 100, 400, 300), (3.4167, 2.5, 200, 684, 500), (1, 0.75, 72, 72, 54)])
    func pngPixelsAreSizeTimesDPI(_ width: Double, _ height: Double, _ dpi: Double, _ pixelsWide: Int, _ pixelsHigh: Int) throws {
        let appearance = FigureAppearance(size: Size(width: width * 72, height: height * 72), dpi: dpi)
        let url = try temporaryFolder().appendingPathComponent("f.png")
        try appearance.applied(to: Demo.contour).render(to: url, pixelScale: appearance.pixelScale)
        let image = try RasterImage(contentsOfPNG: url)
        #expect(image.width == pixelsWide && image.height == pixelsHigh, "\(image.width)×\(image.height)")
    }

    /// Vector files take the size in points and ignore the resolution.
    @Test func vectorFilesTakeTheSizeInPoints() throws {
        let appearance = FigureAppearance(size: FigureAppearance.parseSize("3.25x2.4in"), dpi: 300)
        let url = try temporaryFolder().appendingPathComponent("f.svg")
        try appearance.applied(to: Demo.panels).render(to: url, pixelScale: appearance.pixelScale)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains("width=\"234pt\"") && text.contains("height=\"172.8pt\""))
    }

    @Test func knownAndUnknownFontFamilies() {
        #expect(FontCatalog.hasFamily("DejaVu Sans"))
        #expect(FontCatalog.hasFamily("dejavu sans"), "fontconfig matches family names without case")
        #expect(FigureAppearance.fontProblem("DejaVu Serif") == nil)
        let problem = FigureAppearance.fontProblem("No Such Typeface 42")
        #expect(problem?.contains("No Such Typeface 42") == true && problem?.contains("fc-list") == true)
        #expect(!FontCatalog.hasFamily(""))
    }

    /// The typeface reaches every label: the same figure in two families differs where the text is.
    @Test func theFontFamilyChangesTheLabels() {
        var serif = Demo.contour
        serif.fontFamily = "DejaVu Serif"
        let sans = Demo.contour.rasterize(pixelScale: 1), other = serif.rasterize(pixelScale: 1)
        let difference = sans.difference(from: other, tolerance: 24)
        #expect(difference != nil && difference!.fractionOver > 0.002)
        var panels = Demo.panels
        let before = panels.rasterize(pixelScale: 1)
        panels.fontFamily = "DejaVu Serif"
        #expect((panels.rasterize(pixelScale: 1).difference(from: before, tolerance: 24)?.fractionOver ?? 0) > 0.002,
                "a panel figure sets its panels' labels in its own family")
    }
}

/// Fonts are embedded, so a figure looks the same on a machine without them.
@Suite(.enabled(if: which("pdffonts") != nil, "poppler-utils (pdffonts) not installed"))
struct EmbeddedFonts {
    @Test(arguments: ["DejaVu Sans", "DejaVu Serif"])
    func pdfEmbedsEveryFont(_ family: String) throws {
        let url = try temporaryFolder().appendingPathComponent("f.pdf")
        var figure = Demo.contour
        figure.fontFamily = family
        try figure.render(to: url)
        let listing = try run("pdffonts", [url.path])
        #expect(listing.status == 0, "\(listing.output)")
        // name, type, encoding, emb, sub, uni, object ID: after the two header lines, one font per line.
        let fonts = listing.output.split(separator: "\n").dropFirst(2)
        #expect(!fonts.isEmpty)
        let compactFamily = family.replacingOccurrences(of: " ", with: "")
        #expect(fonts.contains { $0.contains(compactFamily) }, "\(listing.output)")
        for font in fonts {
            let columns = font.split(separator: " ", omittingEmptySubsequences: true)
            #expect(columns.count >= 7 && columns[columns.count - 5] == "yes", "not embedded: \(font)")
        }
    }

    /// Cairo writes text into SVG as glyph outlines (<symbol>/<path>), so no font is referenced.
    @Test func svgNeedsNoFont() throws {
        let url = try temporaryFolder().appendingPathComponent("f.svg")
        var figure = Demo.contour
        figure.fontFamily = "DejaVu Serif"
        try figure.render(to: url)
        let svg = try String(contentsOf: url, encoding: .utf8)
        #expect(svg.contains("<symbol") || svg.contains("id=\"glyph"))
        for reference in ["<text", "font-family", "@font-face", "<font"] {
            #expect(!svg.contains(reference), "the SVG refers to a font: \(reference)")
        }
    }
}
