import Foundation

/// How a figure comes out as a file: its printed size, its typeface and, for PNG, its resolution.
/// `neurec plot --size --font --dpi` and the `figure:` keys of report templates both parse into
/// this value, so a figure can be sized to a paper's column and set in the paper's typeface.
public struct FigureAppearance: Sendable, Hashable {
    /// nil keeps each figure's own size (246 × 180 pt for one diagram).
    public var size: Size?
    public var fontFamily: String
    /// Pixels per inch of PNG output; vector files ignore it.
    public var dpi: Double

    public static let defaultDPI = 200.0
    /// Limits that keep an image Cairo can allocate and a layout that fits its labels.
    public static let dpiRange = 10.0...2400.0
    public static let minimumSize = Size(width: 72, height: 54)
    public static let maximumSide = 72.0 * 50
    public static let sizeSyntax = "WxH in in, cm, mm or pt, e.g. 3.25x2.4in"

    public init(size: Size? = nil, fontFamily: String = FontCatalog.defaultFamily, dpi: Double = FigureAppearance.defaultDPI) {
        self.size = size
        self.fontFamily = fontFamily
        self.dpi = dpi
    }

    /// PNG pixels per point (points are 1/72 in).
    public var pixelScale: Double { dpi / 72 }

    /// The figure with this size (if any) and typeface.
    public func applied<F: Figure>(to figure: F) -> F {
        var styled = figure
        if let size { styled.size = size }
        styled.fontFamily = fontFamily
        return styled
    }

    /// Parses "3.25x2.4in", "8.3x6cm", "246x180pt" (× also accepted, spaces ignored) into points;
    /// nil for anything else, including sizes outside `minimumSize`…`maximumSide`.
    public static func parseSize(_ text: String) -> Size? {
        let compact = text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "×", with: "x").lowercased()
        let units: [(String, Double)] = [("in", 72), ("cm", 72 / 2.54), ("mm", 72 / 25.4), ("pt", 1)]
        guard let (unit, pointsPerUnit) = units.first(where: { compact.hasSuffix($0.0) }) else { return nil }
        let numbers = compact.dropLast(unit.count).split(separator: "x", omittingEmptySubsequences: false)
        guard numbers.count == 2, let w = Double(numbers[0]), let h = Double(numbers[1]), w.isFinite, h.isFinite else { return nil }
        let size = Size(width: w * pointsPerUnit, height: h * pointsPerUnit)
        guard size.width >= minimumSize.width, size.height >= minimumSize.height,
              size.width <= maximumSide, size.height <= maximumSide else { return nil }
        return size
    }

    /// Why `dpi` cannot be used, or nil.
    public static func dpiProblem(_ dpi: Double) -> String? {
        dpiRange.contains(dpi) ? nil : "must be between \(Int(dpiRange.lowerBound)) and \(Int(dpiRange.upperBound)), got \(dpi)"
    }

    /// Why `family` cannot be used, or nil: Pango would silently draw an unknown family in a
    /// fallback typeface, so it is refused instead.
    public static func fontProblem(_ family: String) -> String? {
        FontCatalog.hasFamily(family) ? nil
            : "no installed font family '\(family)' (list them with `fc-list : family`; e.g. Debian's fonts-lmodern gives \"Latin Modern Roman\")"
    }
}
