import Figures
import Foundation
import NumpyFiles
import TestSupport
import Testing

private let levels = PhaseDiagram.defaultLevels
private let jet = bandColors(levels: levels, colormap: .jet)

private func close(_ p: RasterImage.Pixel, _ c: RGBColor, tolerance: Int = 2) -> Bool {
    let b = c.bytes
    return abs(Int(p.red) - Int(b.red)) <= tolerance && abs(Int(p.green) - Int(b.green)) <= tolerance
        && abs(Int(p.blue) - Int(b.blue)) <= tolerance
}

/// A 4×3 grid with one value per band of interest, NaN and an over-range value.
private let cellGrid = ScalarGrid(xValues: [10, 20, 30, 40], yValues: [10, 20, 30],
                                  values: [0.0, 0.15, 0.2, 0.35, 0.5, 0.65, 0.8, .nan, 1.0, 1.7, 0.95, 0.05])

@Suite struct PixelColours {
    @Test func heatmapCellsHaveTheirBandColour() {
        let figure = PhaseDiagram(grid: cellGrid, kind: .heatmap, boundaryLevel: nil)
        let image = figure.rasterize(pixelScale: 2)
        let page = Rect(x: 0, y: 0, width: figure.size.width, height: figure.size.height)
        for (i, x) in cellGrid.xValues.enumerated() {
            for (j, y) in cellGrid.yValues.enumerated() {
                let p = figure.location(of: Point(x, y), in: page)
                let pixel = image[Int(p.x * 2), Int(p.y * 2)]
                let value = cellGrid[i, j]
                let expected = value.isNaN ? RGBColor.white : jet[PhaseDiagram.band(of: min(value, 1), levels: levels)!]
                #expect(close(pixel, expected), "cell (\(x), \(y)) = \(value): \(pixel)")
            }
        }
        // Level values fall in the band below them (0.2 → (0.1, 0.2]), as in matplotlib.
        #expect(PhaseDiagram.band(of: 0.2, levels: levels) == 1)
        #expect(PhaseDiagram.band(of: 0, levels: levels) == 0)
    }

    @Test func unsaturatedValuesAboveTheTopAreBlank() {
        let figure = PhaseDiagram(grid: cellGrid, kind: .heatmap, saturatesAbove: false, boundaryLevel: nil)
        let p = figure.location(of: Point(40, 10), in: Rect(x: 0, y: 0, width: figure.size.width, height: figure.size.height))
        #expect(close(figure.rasterize(pixelScale: 2)[Int(p.x * 2), Int(p.y * 2)], .white))
    }

    /// z = x/100 over x ∈ [0, 100]: at x = 55 the contour fill has band (0.5, 0.6]'s colour, and the
    /// boundary contour at 0.9 is a black vertical line at x = 90.
    @Test func contourFillAndBoundaryAtKnownPlaces() {
        let xs = stride(from: 0.0, through: 100, by: 10).map { $0 }
        let grid = ScalarGrid(xValues: xs, yValues: [0, 50, 100]) { x, _ in x / 100 }
        let figure = PhaseDiagram(grid: grid, colormap: .viridis, boundaryLevel: 0.9)
        let image = figure.rasterize(pixelScale: 2)
        let page = Rect(x: 0, y: 0, width: figure.size.width, height: figure.size.height)
        let colors = bandColors(levels: levels, colormap: .viridis)
        for (x, band) in [(5.0, 0), (55, 5), (85, 8), (95, 9)] {
            let p = figure.location(of: Point(x, 50), in: page)
            #expect(close(image[Int(p.x * 2), Int(p.y * 2)], colors[band]), "x = \(x)")
        }
        let line = figure.location(of: Point(90, 50), in: page)
        #expect(close(image[Int(line.x * 2), Int(line.y * 2)], .black, tolerance: 40))
    }
}

/// The value of one "Key:   value" line of pdfinfo's output.
private func pdfinfoField(_ output: String, _ key: String) -> String? {
    output.split(separator: "\n").first { $0.hasPrefix(key + ":") }
        .map { $0.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces) }
}

@Suite(.enabled(if: popplerAvailable, "poppler-utils (pdfinfo, pdftoppm, pdfimages) not installed"))
struct VectorOutput {
    @Test func pdfIsValidVectorAndShowsTheRightColours() throws {
        let folder = try temporaryFolder("figures")
        let url = folder.appendingPathComponent("figure.pdf")
        let figure = PhaseDiagram(grid: cellGrid, kind: .heatmap, boundaryLevel: nil, title: "σ, β, ‖w‖, n/d")
        try figure.render(to: url)
        let info = try run("pdfinfo", [url.path])
        #expect(info.status == 0, "\(info.output)")
        #expect(pdfinfoField(info.output, "Pages") == "1")
        #expect(pdfinfoField(info.output, "Page size") == "246 x 180 pts")
        // No raster image anywhere: pdfimages lists only its two header lines.
        let images = try run("pdfimages", ["-list", url.path])
        #expect(images.status == 0)
        #expect(images.output.split(separator: "\n").count == 2, "\(images.output)")
        // Rasterised by poppler, the cells have the same colours as in our PNG.
        #expect(try run("pdftoppm", ["-png", "-r", "144", "-singlefile", url.path, folder.appendingPathComponent("page").path]).status == 0)
        let page = try RasterImage(contentsOfPNG: folder.appendingPathComponent("page.png"))
        #expect(page.width == 492 && page.height == 360)
        let p = figure.location(of: Point(20, 20), in: Rect(x: 0, y: 0, width: 246, height: 180))
        #expect(close(page[Int(p.x * 2), Int(p.y * 2)], jet[4], tolerance: 3))
        // The text is real text, so the labels can be searched.
        let text = try run("pdftotext", [url.path, "-"])
        if text.status == 0 { #expect(text.output.contains("σ, β, ‖w‖, n/d")) }
    }

    @Test func svgIsWellFormedVectorInPoints() throws {
        let url = try temporaryFolder("figures").appendingPathComponent("figure.svg")
        try Demo.contour.render(to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains("<svg"))
        #expect(text.contains("width=\"246pt\"") && text.contains("height=\"180pt\""))
        #expect(!text.contains("<image"))
        let check = try run("python3", ["-c", "import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); print(d.documentElement.tagName)", url.path])
        if check.status == 0 { #expect(check.output.trimmingCharacters(in: .whitespacesAndNewlines) == "svg") }
    }

    /// A report typesetter draws figures straight into its own PDF pages.
    @Test func figuresDrawIntoACallersPDFPage() throws {
        let folder = try temporaryFolder("figures")
        let url = folder.appendingPathComponent("report.pdf")
        try ReportPageForTests.write(to: url, figures: [
            (Demo.heatmap, Rect(x: 36, y: 36, width: 246, height: 180)),
            (Demo.clusterProbability, Rect(x: 36, y: 250, width: 246, height: 180)),
        ], pageSize: Size(width: 320, height: 460))
        #expect(pdfinfoField(try run("pdfinfo", [url.path]).output, "Page size") == "320 x 460 pts")
        #expect(try run("pdfimages", ["-list", url.path]).output.split(separator: "\n").count == 2)
        #expect(try run("pdftoppm", ["-png", "-r", "72", "-singlefile", url.path, folder.appendingPathComponent("page").path]).status == 0)
        let page = try RasterImage(contentsOfPNG: folder.appendingPathComponent("page.png"))
        // Lowest cell of the heatmap (rate 0 at n = 10, d = 50) at its place on the page.
        let p = Demo.heatmap.location(of: Point(10, 50), in: Rect(x: 36, y: 36, width: 246, height: 180))
        #expect(close(page[Int(p.x), Int(p.y)], bandColors(levels: levels, colormap: .viridis)[0], tolerance: 3))
    }
}

@Suite struct Files {
    @Test func renderWritesAtomicallyAndChecksTheExtension() throws {
        let folder = try temporaryFolder("figures")
        for format in OutputFormat.allCases {
            try Demo.heatmap.render(to: folder.appendingPathComponent("h.\(format.rawValue)"))
        }
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == ["h.png", "h.pdf", "h.svg"])
        let png = try RasterImage(contentsOfPNG: folder.appendingPathComponent("h.png"))
        #expect(png.width == 492 && png.height == 360, "2 pixels per point by default")
        let bad = folder.appendingPathComponent("h.jpg")
        #expect(throws: FigureError.unknownFormat(file: bad.path)) { try Demo.heatmap.render(to: bad) }
        let nowhere = URL(fileURLWithPath: "/nonexistent-folder/h.png")
        #expect(throws: FigureError.self) { try Demo.heatmap.render(to: nowhere) }
    }

    /// Pango and Cairo are used from several threads at once (each render owns its surface).
    @Test func concurrentRendersAgree() async {
        let images = await withTaskGroup(of: RasterImage.self) { group in
            for _ in 0..<4 { group.addTask { Demo.contour.rasterize(pixelScale: 1) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(images.allSatisfy { $0 == images[0] })
    }

    @Test func markupEscaping() {
        #expect(Markup.escape("a<b & c>d") == "a&lt;b &amp; c&gt;d")
        #expect(Markup.isValid("<i>σ</i> = 10<sup>−6</sup>"))
        #expect(!Markup.isValid("<i>unclosed"))
    }
}

@Suite struct ResultFiles {
    @Test func gridFromTheOriginalFileNames() {
        let g = TrialResults.gridFromFileName("rec_rate_skip_n400_d100_w1_X0_sample5.npy")
        #expect(g?.n.count == 40 && g?.n.first == 10 && g?.n.last == 400)
        #expect(g?.d.count == 10 && g?.d.last == 100)
        #expect(TrialResults.gridFromFileName("dis_abs_minnrm_n100_d50_w0_X0_sig0.1_sample5.npy")?.d.count == 5)
        #expect(TrialResults.gridFromFileName("ReLU_prob3.npy") == nil)
    }

    @Test func meanIgnoresNaNTrials() throws {
        // [n=2, d=1, trial=3]
        let a = NumpyArray(shape: [2, 1, 3], values: [1, 0, .nan, .nan, .nan, .nan])
        let (values, n, d) = try TrialResults.meanOverTrials(a, source: "x.npy")
        #expect(n == 2 && d == 1)
        #expect(values[0] == 0.5 && values[1].isNaN)
        #expect(throws: FigureError.invalidData(file: "x.npy", reason: "expected an array [n, d, trial] or [n, d], got shape [6]")) {
            try TrialResults.meanOverTrials(NumpyArray(shape: [6], repeating: 0), source: "x.npy")
        }
    }

    @Test func loadGridChecksTheShapeAgainstTheName() throws {
        let folder = try temporaryFolder("figures")
        let url = folder.appendingPathComponent("rec_rate_n50_d30_w0_X0_sample2.npy")
        try NumpyArray(shape: [5, 3, 2], repeating: 1).write(to: url)
        let grid = try TrialResults.loadGrid(url)
        #expect(grid.xValues == [10, 20, 30, 40, 50] && grid.yValues == [10, 20, 30])
        let wrong = folder.appendingPathComponent("rec_rate_n60_d30_w0_X0_sample2.npy")
        try NumpyArray(shape: [5, 3, 2], repeating: 1).write(to: wrong)
        do {
            _ = try TrialResults.loadGrid(wrong)
            Issue.record("a 5×3 array cannot be the n60_d30 grid")
        } catch let error as FigureError {
            #expect(error.description.hasPrefix(wrong.path + ": array is 5×3"))
        }
        #expect(try TrialResults.loadGrid(wrong, nValues: [1, 2, 3, 4, 5], dValues: [1, 2, 3]).xValues == [1, 2, 3, 4, 5])
    }
}

@Suite struct LinePlots {
    @Test func meanAndStandardErrorOverTrials() {
        let (mean, error) = LinePlot.meanAndStandardError([[1, 3], [2, .nan, 2], [.nan]])
        #expect(mean[0] == 2 && abs(error[0] - 1) < 1e-12)
        #expect(mean[1] == 2 && error[1] == 0)
        #expect(mean[2].isNaN)
    }

    /// A NaN breaks the line: the pixel halfway between the points around the gap stays white.
    @Test func missingValuesBreakTheLine() throws {
        let plot = LinePlot(series: [.init(x: [0, 1, 2, 3, 4], y: [1, 1, .nan, 1, 1], marker: LinePlot.Marker.none, lineWidth: 3)],
                            xRange: 0...4, yRange: 0...2)
        let image = plot.rasterize(pixelScale: 1)
        // Scan the middle row of the image for the line colour around x = 2 (the plot spans
        // most of the width, so the centre column is near x = 2).
        let row = (0..<image.height).first { y in
            let p = image[image.width / 4, y]
            return p.blue > 150 && p.red < 100
        }
        let y = try #require(row)
        #expect(image[image.width / 4, y].blue > 150)
        let centre = (image.width / 2 - 4...image.width / 2 + 4).map { image[$0, y] }
        #expect(centre.allSatisfy { $0.red > 200 && $0.green > 200 }, "\(centre)")
    }
}
