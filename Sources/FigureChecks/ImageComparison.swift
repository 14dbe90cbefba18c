import CCairo
import Figures
import Foundation
import NumpyFiles

/// How a regenerated PNG compares with its baseline.
public struct ImageVerdict: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixelsCompared: Int
    /// Pixels whose colour is more than the ΔE threshold away from everything the other image
    /// shows in the 3×3 neighbourhood (see README.md).
    public var pixelsOff: Int
    /// Largest such ΔE (CIE76, in L*a*b* units: 1 ≈ barely visible, 100 = black vs white).
    public var largestDeltaE: Double
    public var allowedFraction: Double
    /// Reasons the image fails; empty when it passes.
    public var problems: [String]
    /// Whether a failure fails the figure. The driver compares the baseline PNG with the baseline
    /// data redrawn by the current code when it can (decisive: only drawing changed); otherwise with
    /// the regenerated PNG, which is decisive only when the data are identical, because a couple of
    /// flipped trials legitimately move contours.
    public var decisive: Bool

    public var fractionOff: Double { pixelsCompared == 0 ? 0 : Double(pixelsOff) / Double(pixelsCompared) }
    public var passed: Bool { problems.isEmpty }

    /// A few words for the verdict line, e.g. "0.02% px off (≤0.50%)".
    public var summary: String {
        pixelsCompared == 0 && problems.isEmpty ? "not compared"
            : pixelsCompared == 0 ? "size changed"
            : "\(format(100 * fractionOff, 2))% px off (≤\(format(100 * allowedFraction, 2))%)"
                + (decisive ? "" : " (data differ: not decisive)")
    }
}

/// A comparison of two rendered figures, keeping which pixels differ for the difference image.
public struct ImageComparison: Sendable {
    public let baseline: RasterImage
    public let regenerated: RasterImage
    public internal(set) var verdict: ImageVerdict
    /// Per pixel (row by row) whether it differs; empty when the sizes differ.
    public let differing: [Bool]

    /// Compares two images pixel by pixel, robust to antialiasing: each pixel's colour is compared
    /// in CIE L*a*b* with the nearest colour in the box spanned (per sRGB channel) by the other
    /// image's 3×3 neighbourhood, in both directions. An edge moved by under a pixel produces
    /// blends of colours that the neighbourhood already holds, so it costs nothing; a changed
    /// colour map, a moved line or changed text does not.
    public init(baseline: RasterImage, regenerated: RasterImage, rules: ComparisonRules = .standard) {
        self.baseline = baseline
        self.regenerated = regenerated
        var verdict = ImageVerdict(width: regenerated.width, height: regenerated.height, pixelsCompared: 0,
                                   pixelsOff: 0, largestDeltaE: 0, allowedFraction: rules.imageFraction, problems: [],
                                   decisive: true)
        guard baseline.width == regenerated.width, baseline.height == regenerated.height else {
            verdict.problems.append("image size changed from \(baseline.width)×\(baseline.height)"
                + " to \(regenerated.width)×\(regenerated.height) px")
            self.verdict = verdict
            self.differing = []
            return
        }
        let a = baseline.pixels.map(opaqueRGB), b = regenerated.pixels.map(opaqueRGB)
        let width = baseline.width, height = baseline.height
        var differing = [Bool](repeating: false, count: a.count)
        for y in 0..<height {
            for x in 0..<width {
                let index = y * width + x
                if a[index] == b[index] { continue }
                let deltaE = max(distanceToNeighbourhood(a[index], b, x: x, y: y, width: width, height: height),
                                 distanceToNeighbourhood(b[index], a, x: x, y: y, width: width, height: height))
                verdict.largestDeltaE = max(verdict.largestDeltaE, deltaE)
                if deltaE > rules.imageDeltaE {
                    differing[index] = true
                    verdict.pixelsOff += 1
                }
            }
        }
        verdict.pixelsCompared = a.count
        if verdict.fractionOff > rules.imageFraction {
            verdict.problems.append("\(format(100 * verdict.fractionOff, 2))% of pixels differ by ΔE > "
                + "\(format(rules.imageDeltaE, 0)) (largest \(format(verdict.largestDeltaE, 0)))")
        }
        self.verdict = verdict
        self.differing = differing
    }

    /// Compares two PNG files.
    public init(baselinePNG: URL, regeneratedPNG: URL, rules: ComparisonRules = .standard) throws {
        self.init(baseline: try RasterImage(contentsOfPNG: baselinePNG),
                  regenerated: try RasterImage(contentsOfPNG: regeneratedPNG), rules: rules)
    }

    /// Writes baseline | new | differences side by side as a PNG, atomically. The third panel is
    /// the baseline faded to light grey with differing pixels (grown by one pixel so single ones
    /// show) in red; it is left out when the sizes differ.
    public func writeDifferenceImage(to url: URL, newLabel: String = "new") throws {
        let gap = 12, header = 28
        let panels = differing.isEmpty ? 2 : 3
        let panelWidth = max(baseline.width, regenerated.width), panelHeight = max(baseline.height, regenerated.height)
        let width = panels * panelWidth + (panels + 1) * gap, height = panelHeight + header + gap
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD)
        cairo_set_font_size(cr, 15)
        var titles = ["baseline", newLabel]
        if panels == 3 {
            titles.append("differences: \(verdict.pixelsOff) px (\(format(100 * verdict.fractionOff, 2))%)")
        } else {
            titles[1] += " (size differs)"
        }
        for (k, title) in titles.enumerated() {
            cairo_set_source_rgb(cr, k == 2 ? 0.8 : 0, 0, 0)
            cairo_move_to(cr, Double(gap + k * (panelWidth + gap)), Double(header - 9))
            cairo_show_text(cr, title)
        }
        cairo_destroy(cr)
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        func put(_ image: RasterImage, panel: Int, transform: (Int, UInt32) -> UInt32) {
            let left = gap + panel * (panelWidth + gap)
            for y in 0..<image.height {
                let row = UnsafeMutableRawPointer(data + (header + y) * stride)
                for x in 0..<image.width {
                    let index = y * image.width + x
                    row.storeBytes(of: transform(index, opaqueRGB(image.pixels[index])),
                                   toByteOffset: 4 * (left + x), as: UInt32.self)
                }
            }
        }
        put(baseline, panel: 0) { $1 }
        put(regenerated, panel: 1) { $1 }
        if panels == 3 {
            // Differing pixels in red, darker where the new image is darker, so the shapes of a
            // large difference stay readable; the rest is the baseline faded to light grey.
            let grown = grow(differing, width: baseline.width, height: baseline.height)
            put(baseline, panel: 2) { index, rgb in
                if grown[index] {
                    let newLuma = luma(opaqueRGB(regenerated.pixels[index]))
                    let shade = newLuma * 110 / 255
                    return 0xFF00_0000 | ((145 + newLuma * 110 / 255) << 16) | (shade / 3 << 8) | shade / 3
                }
                let faded = 185 + luma(rgb) * 70 / 255
                return 0xFF00_0000 | (faded << 16) | (faded << 8) | faded
            }
        }
        cairo_surface_mark_dirty(surface)
        try AtomicFile.write(to: url, failure: { FigureCheckError.cannotWrite(file: url.path, reason: $0) }) { temporary in
            let status = cairo_surface_write_to_png(surface, temporary.path)
            guard status == CAIRO_STATUS_SUCCESS else {
                throw FigureCheckError.cannotWrite(file: url.path, reason: String(cString: cairo_status_to_string(status)))
            }
        }
    }
}

/// 0xFFRRGGBB of a premultiplied pixel composited over white (figures are drawn on white).
private func opaqueRGB(_ pixel: UInt32) -> UInt32 {
    let alpha = pixel >> 24
    if alpha == 0xFF { return pixel }
    let white = 255 - alpha
    let r = min(255, ((pixel >> 16) & 0xFF) + white), g = min(255, ((pixel >> 8) & 0xFF) + white)
    let b = min(255, (pixel & 0xFF) + white)
    return 0xFF00_0000 | (r << 16) | (g << 8) | b
}

/// CIE76 ΔE from `rgb` to the nearest colour of the per-channel box spanned by `image`'s 3×3
/// neighbourhood of (x, y).
private func distanceToNeighbourhood(_ rgb: UInt32, _ image: [UInt32], x: Int, y: Int, width: Int, height: Int) -> Double {
    var lo: (UInt32, UInt32, UInt32) = (255, 255, 255), hi: (UInt32, UInt32, UInt32) = (0, 0, 0)
    for yy in max(0, y - 1)...min(height - 1, y + 1) {
        for xx in max(0, x - 1)...min(width - 1, x + 1) {
            let p = image[yy * width + xx]
            let r = (p >> 16) & 0xFF, g = (p >> 8) & 0xFF, b = p & 0xFF
            lo = (min(lo.0, r), min(lo.1, g), min(lo.2, b))
            hi = (max(hi.0, r), max(hi.1, g), max(hi.2, b))
        }
    }
    let r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF
    let nearest = (min(max(r, lo.0), hi.0), min(max(g, lo.1), hi.1), min(max(b, lo.2), hi.2))
    if nearest == (r, g, b) { return 0 }
    let p = lab(r, g, b), q = lab(nearest.0, nearest.1, nearest.2)
    return ((p.0 - q.0) * (p.0 - q.0) + (p.1 - q.1) * (p.1 - q.1) + (p.2 - q.2) * (p.2 - q.2)).squareRoot()
}

private let linearSRGB: [Double] = (0..<256).map { value in
    let c = Double(value) / 255
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
}

/// CIE L*a*b* (D65 white) of an 8-bit sRGB colour.
private func lab(_ r: UInt32, _ g: UInt32, _ b: UInt32) -> (Double, Double, Double) {
    let lr = linearSRGB[Int(r)], lg = linearSRGB[Int(g)], lb = linearSRGB[Int(b)]
    let x = (0.4124 * lr + 0.3576 * lg + 0.1805 * lb) / 0.95047
    let y = 0.2126 * lr + 0.7152 * lg + 0.0722 * lb
    let z = (0.0193 * lr + 0.1192 * lg + 0.9505 * lb) / 1.08883
    func f(_ t: Double) -> Double { t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
    let fx = f(x), fy = f(y), fz = f(z)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))
}

/// Rec. 601 luma of an 0xFFRRGGBB pixel, 0–255.
private func luma(_ rgb: UInt32) -> UInt32 {
    (299 * ((rgb >> 16) & 0xFF) + 587 * ((rgb >> 8) & 0xFF) + 114 * (rgb & 0xFF)) / 1000
}

/// The mask grown by one pixel in every direction.
private func grow(_ mask: [Bool], width: Int, height: Int) -> [Bool] {
    var grown = mask
    for y in 0..<height {
        for x in 0..<width where mask[y * width + x] {
            for yy in max(0, y - 1)...min(height - 1, y + 1) {
                for xx in max(0, x - 1)...min(width - 1, x + 1) { grown[yy * width + xx] = true }
            }
        }
    }
    return grown
}
