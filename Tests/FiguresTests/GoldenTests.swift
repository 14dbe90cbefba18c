import Figures
import Foundation
import TestSupport
import Testing

/// Reference PNGs beside this file. Regenerate after an intended visual change with
/// `NEUREC_UPDATE_GOLDEN=1 swift test --filter Golden`, look at them, and commit them.
private let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
private let updating = ProcessInfo.processInfo.environment["NEUREC_UPDATE_GOLDEN"] == "1"

struct GoldenCase: CustomStringConvertible, Sendable {
    let name: String
    let figure: any Figure
    let pixelScale: Double
    var description: String { name }
}

@Suite struct Golden {
    static let cases: [GoldenCase] = [
        GoldenCase(name: "contour", figure: Demo.contour, pixelScale: 2),
        GoldenCase(name: "heatmap", figure: Demo.heatmap, pixelScale: 2),
        GoldenCase(name: "panels", figure: Demo.panels, pixelScale: 1),
        GoldenCase(name: "sigma-row", figure: Demo.sigmaRow, pixelScale: 1),
        GoldenCase(name: "cluster", figure: Demo.clusterProbability, pixelScale: 2),
        GoldenCase(name: "wendel", figure: Demo.wendel, pixelScale: 1),
        GoldenCase(name: "loss", figure: Demo.loss, pixelScale: 2),
    ]

    /// Antialiasing and font rasterisation may differ slightly between library builds: allow
    /// small channel differences and a few stray pixels, not moved or recoloured regions.
    static let channelTolerance = 24
    static let allowedFraction = 0.003

    @Test(arguments: cases)
    func matchesTheReferenceImage(_ golden: GoldenCase) throws {
        let url = goldenFolder.appendingPathComponent("\(golden.name).png")
        let image = golden.figure.rasterize(pixelScale: golden.pixelScale)
        if updating {
            try FileManager.default.createDirectory(at: goldenFolder, withIntermediateDirectories: true)
            try image.writePNG(to: url)
        }
        let reference = try RasterImage(contentsOfPNG: url)
        let difference = try #require(image.difference(from: reference, tolerance: Self.channelTolerance),
                                      "size \(image.width)×\(image.height) differs from the reference \(reference.width)×\(reference.height)")
        if difference.fractionOver > Self.allowedFraction {
            let actual = FileManager.default.temporaryDirectory.appendingPathComponent("neurec-golden-\(golden.name).png")
            try? image.writePNG(to: actual)
            Issue.record("\(golden.name): \(String(format: "%.2f", 100 * difference.fractionOver))% of pixels differ (max \(difference.maximum)); actual image: \(actual.path)")
        }
        let bytes = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
        #expect(bytes < 100_000, "golden images stay small")
    }

    /// The comparison is able to fail: a changed colour map is caught.
    @Test(.enabled(if: !updating, "references are being rewritten"))
    func aDifferentFigureDoesNotMatch() throws {
        var changed = Demo.contour
        changed.colormap = .gray
        let reference = try RasterImage(contentsOfPNG: goldenFolder.appendingPathComponent("contour.png"))
        let difference = try #require(changed.rasterize(pixelScale: 2).difference(from: reference, tolerance: Self.channelTolerance))
        #expect(difference.fractionOver > 0.3)
    }
}
