import FigureChecks
import Figures
import Foundation
import TestSupport
import Testing

/// Draws another figure moved right and down by a fraction of a point: the antialiasing of every
/// edge changes, nothing else does.
private struct Shifted: Figure {
    var inner: PhaseDiagram
    var offset: Double
    var size: Size {
        get { inner.size }
        set { inner.size = newValue }
    }
    var fontFamily: String {
        get { inner.fontFamily }
        set { inner.fontFamily = newValue }
    }
    func draw(into cairo: OpaquePointer, rect: Rect) {
        drawFigure(inner, into: cairo, rect: Rect(x: rect.x + offset, y: rect.y + offset,
                                                  width: rect.width, height: rect.height))
    }
}

@Suite struct ImageComparisonTests {
    let diagram = PhaseDiagram(grid: Synthetic.recovery().meanGrid(), referenceLines: [.ratio(1.5)],
                               title: "Recovery rate, skip network, relaxed", colorbarLabel: "rate")

    @Test func identicalPasses() {
        let image = diagram.rasterize()
        let comparison = ImageComparison(baseline: image, regenerated: image)
        #expect(comparison.verdict.passed && comparison.verdict.pixelsOff == 0)
        #expect(comparison.verdict.pixelsCompared == image.width * image.height)
    }

    @Test(arguments: [0.15, 0.25, 0.5])
    func subpixelJitterPasses(offset: Double) {
        let image = diagram.rasterize(), jittered = Shifted(inner: diagram, offset: offset).rasterize()
        #expect(image != jittered)
        let comparison = ImageComparison(baseline: image, regenerated: jittered)
        #expect(comparison.verdict.passed, "\(comparison.verdict)")
    }

    @Test func changedColormapFails() throws {
        var viridis = diagram
        viridis.colormap = .viridis
        let comparison = ImageComparison(baseline: diagram.rasterize(), regenerated: viridis.rasterize())
        #expect(!comparison.verdict.passed)
        #expect(comparison.verdict.fractionOff > 0.2, "\(comparison.verdict)")
    }

    @Test func movedBoundaryLineFails() throws {
        var moved = diagram
        moved.boundaryLevel = 0.5
        let comparison = ImageComparison(baseline: diagram.rasterize(), regenerated: moved.rasterize())
        #expect(!comparison.verdict.passed, "\(comparison.verdict)")
    }

    @Test func shiftedTransitionFails() throws {
        let shifted = PhaseDiagram(grid: Synthetic.recovery(shift: 10).meanGrid(), referenceLines: [.ratio(1.5)],
                                   title: "Recovery rate, skip network, relaxed", colorbarLabel: "rate")
        let comparison = ImageComparison(baseline: diagram.rasterize(), regenerated: shifted.rasterize())
        #expect(!comparison.verdict.passed, "\(comparison.verdict)")
    }

    @Test func sizeMismatchFails() {
        var wider = diagram
        wider.size.width += 1
        let comparison = ImageComparison(baseline: diagram.rasterize(), regenerated: wider.rasterize())
        #expect(!comparison.verdict.passed && comparison.verdict.problems[0].contains("size changed"))
    }

    @Test func differenceImageIsAReadablePNG() throws {
        let folder = try temporaryFolder("checks")
        defer { try? FileManager.default.removeItem(at: folder) }
        var moved = diagram
        moved.boundaryLevel = 0.5
        let baseline = folder.appendingPathComponent("old.png"), new = folder.appendingPathComponent("new.png")
        try diagram.render(to: baseline)
        try moved.render(to: new)
        let comparison = try ImageComparison(baselinePNG: baseline, regeneratedPNG: new)
        let diff = folder.appendingPathComponent("fig.diff.png")
        try comparison.writeDifferenceImage(to: diff)
        let image = try RasterImage(contentsOfPNG: diff)
        let single = try RasterImage(contentsOfPNG: baseline)
        #expect(image.width > 3 * single.width && image.height > single.height)
        // The third panel shows at least the differing pixels in red (red well above green and blue).
        let red = image.pixels.filter { p in
            let r = Int((p >> 16) & 0xFF), g = Int((p >> 8) & 0xFF), b = Int(p & 0xFF)
            return r > 140 && r - g > 100 && r - b > 100
        }.count
        #expect(red >= comparison.verdict.pixelsOff)
        if let keep = ProcessInfo.processInfo.environment["NEUREC_CHECKS_DEMO"] {
            try? FileManager.default.copyItem(at: diff, to: URL(fileURLWithPath: keep).appendingPathComponent("diff-boundary.png"))
        }
    }
}
