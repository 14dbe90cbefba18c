import CCairo

/// A line drawn over a phase diagram to compare the transition with a law, e.g. n = 2d.
public struct ReferenceLine: Sendable, Equatable, Encodable {
    public enum Shape: Sendable, Equatable, Encodable {
        /// x = c · y through the origin (n = c·d on the paper's axes).
        case ratio(Double)
        /// Any polyline in data coordinates.
        case polyline([Point])
    }

    public var shape: Shape
    /// Markup placed where the line leaves the plot; nil for none.
    public var label: String?
    public var color: RGBColor
    public var dashed: Bool

    public init(_ shape: Shape, label: String? = nil, color: RGBColor = .black, dashed: Bool = true) {
        self.shape = shape
        self.label = label
        self.color = color
        self.dashed = dashed
    }

    /// The line n = c·d, labelled like "n = 2d".
    public static func ratio(_ c: Double) -> ReferenceLine {
        let factor = c == c.rounded() ? String(Int(c)) : "\(c)"
        return ReferenceLine(.ratio(c), label: "<i>n</i> = \(c == 1 ? "" : factor)<i>d</i>")
    }
}

/// The paper's central picture: a quantity (recovery rate, distance, probability) over the
/// (n, d) grid as filled contours or as one cell per grid point, with a colour bar, an optional
/// boundary contour and reference lines.
public struct PhaseDiagram: Figure {
    public enum Kind: String, CaseIterable, Sendable, Encodable {
        /// Filled contours of the bilinear interpolation between grid points (matplotlib's contourf).
        case contour
        /// One cell per grid point, coloured by the band its value falls in; for small grids.
        case heatmap
    }

    /// x = n values, y = d values.
    public var grid: ScalarGrid
    public var kind: Kind
    /// Increasing contour levels; band k covers levels[k] < z ≤ levels[k+1] (band 0 includes levels[0]).
    public var levels: [Double]
    public var colormap: Colormap
    /// Values above the top level are drawn in the top band's colour (as the paper does for
    /// distances) instead of being left blank.
    public var saturatesAbove: Bool
    /// A black line where z crosses this level (0.9: "succeeds with high probability"); nil for none.
    public var boundaryLevel: Double?
    public var referenceLines: [ReferenceLine]
    /// Markup; nil for no title.
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var colorbarLabel: String?
    public var showsColorbar: Bool
    public var size: Size
    /// The typeface of every label (a family name Pango knows; see `FontCatalog`).
    public var fontFamily: String
    /// Hatched cells over the fill (ties on a distance figure); nil for none.
    public var hatching: CellHatching?

    public static let defaultLevels = (0...10).map { Double($0) / 10 }

    public init(grid: ScalarGrid, kind: Kind = .contour, levels: [Double] = PhaseDiagram.defaultLevels,
                colormap: Colormap = .jet, saturatesAbove: Bool = true, boundaryLevel: Double? = 0.9,
                referenceLines: [ReferenceLine] = [], title: String? = nil,
                xLabel: String? = "<i>n</i>", yLabel: String? = "<i>d</i>", colorbarLabel: String? = nil,
                showsColorbar: Bool = true, size: Size = Size(width: 246, height: 180),
                fontFamily: String = FontCatalog.defaultFamily) {
        precondition(levels.count >= 2 && zip(levels, levels.dropFirst()).allSatisfy { $0 < $1 },
                     "levels must increase: \(levels)")
        self.grid = grid
        self.kind = kind
        self.levels = levels
        self.colormap = colormap
        self.saturatesAbove = saturatesAbove
        self.boundaryLevel = boundaryLevel
        self.referenceLines = referenceLines
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.colorbarLabel = colorbarLabel
        self.showsColorbar = showsColorbar
        self.size = size
        self.fontFamily = fontFamily
    }

    public func draw(into cairo: OpaquePointer, rect: Rect) {
        withLocalCoordinates(cairo, rect) { bounds in
            let colorbar = showsColorbar ? self.colorbar : nil
            let plot = PhaseDiagram.layout(cairo, [self], in: bounds, columns: 1, colorbar: colorbar)[0]
            let axes = self.axes(plotSize: Size(width: plot.width, height: plot.height))
            drawPanel(cairo, plot: plot, axes: axes, showXLabel: true, showYLabel: true)
            colorbar?.draw(cairo, besides: plot)
        }
    }

    // MARK: Pieces shared with PanelFigure

    var colorbar: Colorbar {
        Colorbar(levels: levels, colors: bandColors(levels: levels, colormap: colormap), label: colorbarLabel, fontFamily: fontFamily)
    }

    /// The values as drawn: saturated at the top level if asked.
    var drawnGrid: ScalarGrid {
        guard saturatesAbove, let top = levels.last else { return grid }
        return grid.mapValues { $0.isNaN ? $0 : min($0, top) }
    }

    /// Data extent of the plot: grid points for contours, cell edges for heatmaps.
    private func extent(_ values: [Double]) -> (Double, Double) {
        guard let lo = values.min(), let hi = values.max() else { return (0, 1) }
        if kind == .contour || values.count < 2 { return lo == hi ? (lo - 0.5, hi + 0.5) : (lo, hi) }
        let sorted = values.sorted()
        return (lo - (sorted[1] - sorted[0]) / 2, hi + (sorted[sorted.count - 1] - sorted[sorted.count - 2]) / 2)
    }

    func axes(plotSize: Size) -> AxesDecoration {
        let (x0, x1) = extent(grid.xValues), (y0, y1) = extent(grid.yValues)
        let xTicks = Ticks.atGridValues(grid.xValues, maxCount: max(2, Int(plotSize.width / 32)))
        let yTicks = Ticks.atGridValues(grid.yValues, maxCount: max(2, Int(plotSize.height / 20)))
        return AxesDecoration(
            xScale: AxisScale(lower: x0, upper: x1), yScale: AxisScale(lower: y0, upper: y1),
            xTicks: zip(xTicks, Ticks.labels(xTicks)).map { Tick(value: $0, label: $1) },
            yTicks: zip(yTicks, Ticks.labels(yTicks)).map { Tick(value: $0, label: $1) },
            xLabel: xLabel, yLabel: yLabel, fontFamily: fontFamily)
    }

    /// Plot rectangles for panels laid out in a grid (row-major), leaving room for ticks,
    /// labels, titles and one colour bar right of everything. Axis labels are only counted on
    /// the outer panels (bottom row, left column).
    static func layout(_ cr: OpaquePointer, _ panels: [PhaseDiagram], in bounds: Rect, columns: Int,
                       colorbar: Colorbar?, topReserve: Double = 0) -> [Rect] {
        let rows = (panels.count + columns - 1) / columns
        var plotSize = Size(width: bounds.width * 0.7 / Double(columns), height: bounds.height * 0.7 / Double(rows))
        var rects: [Rect] = []
        for _ in 0..<2 {  // ticks depend on the plot size, margins on the ticks: one refinement suffices
            let axes = panels.map { $0.axes(plotSize: plotSize) }
            let leftOuter = axes.map { $0.leftMargin(cr) }.max() ?? 0
            let leftInner = axes.map { $0.leftMargin(cr, includeLabel: false) }.max() ?? 0
            let bottomOuter = axes.map { $0.bottomMargin(cr) }.max() ?? 0
            let bottomInner = axes.map { $0.bottomMargin(cr, includeLabel: false) }.max() ?? 0
            let titleHeight = panels.compactMap { p in p.title.map { (p.fontFamily, $0) } }.map { TextBlock(cr, $1, .title($0)).size.height + Metrics.titlePad }.max() ?? 0
            let overhangTop = max(axes.map { $0.topOverhang(cr) }.max() ?? 0, colorbar?.verticalOverhang(cr) ?? 0)
            let top = max(titleHeight, overhangTop)
            let overhangRight = axes.map { $0.rightOverhang(cr) }.max() ?? 0
            let right = max(colorbar?.width(cr) ?? 0, overhangRight)
            let gapX = leftInner + max(overhangRight, 8), gapY = bottomInner + top + 4
            let width = (bounds.width - 2 * Metrics.outerPad - leftOuter - right - gapX * Double(columns - 1)) / Double(columns)
            let height = (bounds.height - 2 * Metrics.outerPad - topReserve - top - bottomOuter
                - max(0, (colorbar?.verticalOverhang(cr) ?? 0) - bottomOuter) - gapY * Double(rows - 1)) / Double(rows)
            plotSize = Size(width: max(10, width), height: max(10, height))
            rects = panels.indices.map { k in
                let row = k / columns, column = k % columns
                return Rect(x: (bounds.minX + Metrics.outerPad + leftOuter + Double(column) * (plotSize.width + gapX)).rounded(),
                            y: (bounds.minY + Metrics.outerPad + topReserve + top + Double(row) * (plotSize.height + gapY)).rounded(),
                            width: plotSize.width.rounded(), height: plotSize.height.rounded())
            }
        }
        return rects
    }

    /// Everything inside and around one plot rectangle except the colour bar.
    func drawPanel(_ cr: OpaquePointer, plot: Rect, axes: AxesDecoration, showXLabel: Bool, showYLabel: Bool) {
        cairo_save(cr)
        cairo_rectangle(cr, plot.x, plot.y, plot.width, plot.height)
        cairo_clip(cr)
        switch kind {
        case .contour: fillContours(cr, plot: plot, axes: axes)
        case .heatmap: fillCells(cr, plot: plot, axes: axes)
        }
        hatching?.draw(cr, plot: plot, axes: axes)
        if let boundaryLevel {
            switch kind {
            case .contour: drawBoundary(cr, level: boundaryLevel, plot: plot, axes: axes)
            case .heatmap: drawCellBoundary(cr, level: boundaryLevel, plot: plot, axes: axes)
            }
        }
        let labels = referenceLines.map { drawReference($0, cr, plot: plot, axes: axes) }
        cairo_restore(cr)
        for case let (line, anchor?) in zip(referenceLines, labels) { drawReferenceLabel(line, cr, anchor, plot: plot) }
        axes.draw(cr, plot: plot, showXLabel: showXLabel, showYLabel: showYLabel)
        if let title {
            TextBlock(cr, title, .title(fontFamily)).draw(cr, at: Point(plot.midX, plot.minY - Metrics.titlePad), .center, .bottom)
        }
    }

    /// Bands are painted as nested super-level sets (z above level k, up to the top), lowest
    /// first, so neighbouring bands overlap instead of meeting edge to edge: no hairline seams
    /// from antialiasing, on screen or in PDF viewers.
    private func fillContours(_ cr: OpaquePointer, plot: Rect, axes: AxesDecoration) {
        let z = drawnGrid
        let colors = bandColors(levels: levels, colormap: colormap)
        let top = Threshold(levels[levels.count - 1], inclusive: false)
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_GOOD)
        for k in 0..<levels.count - 1 {
            let polygons = Self.mergingWholeCells(
                Contouring.region(z, lower: Threshold(levels[k], inclusive: k == 0), upper: top))
            guard !polygons.isEmpty else { continue }
            for polygon in polygons {
                for (m, p) in polygon.points.enumerated() {
                    let q = axes.point(p, in: plot)
                    if m == 0 { cairo_move_to(cr, q.x, q.y) } else { cairo_line_to(cr, q.x, q.y) }
                }
                cairo_close_path(cr)
            }
            setColor(cr, colors[k])
            cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING)
            cairo_fill(cr)
        }
    }

    /// Cell edges of a heatmap, in page coordinates.
    private func cellEdges(plot: Rect, axes: AxesDecoration) -> (x: [Double], y: [Double]) {
        func edges(_ values: [Double]) -> [Double] {
            let (lo, hi) = extent(values)
            return [lo] + zip(values, values.dropFirst()).map { ($0 + $1) / 2 } + [hi]
        }
        return (edges(grid.xValues).map { axes.point(Point($0, axes.yScale.lower), in: plot).x },
                edges(grid.yValues).map { axes.point(Point(axes.xScale.lower, $0), in: plot).y })
    }

    /// On a heatmap the boundary follows cell edges, separating cells at or above the level
    /// from those below, since an interpolated line through cell centres would misstate cells.
    private func drawCellBoundary(_ cr: OpaquePointer, level: Double, plot: Rect, axes: AxesDecoration) {
        let z = drawnGrid
        let (xEdges, yEdges) = cellEdges(plot: plot, axes: axes)
        func inside(_ i: Int, _ j: Int) -> Bool? { z[i, j].isNaN ? nil : z[i, j] >= level }
        cairo_save(cr)
        setColor(cr, .black)
        cairo_set_line_width(cr, 1.2)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE)
        let nx = grid.xValues.count, ny = grid.yValues.count
        for i in 0..<nx {
            for j in 0..<ny {
                guard let here = inside(i, j) else { continue }
                if i + 1 < nx, let right = inside(i + 1, j), right != here {
                    cairo_move_to(cr, xEdges[i + 1], yEdges[j])
                    cairo_line_to(cr, xEdges[i + 1], yEdges[j + 1])
                }
                if j + 1 < ny, let up = inside(i, j + 1), up != here {
                    cairo_move_to(cr, xEdges[i], yEdges[j + 1])
                    cairo_line_to(cr, xEdges[i + 1], yEdges[j + 1])
                }
            }
        }
        cairo_stroke(cr)
        cairo_restore(cr)
    }

    /// Joins whole-cell rectangles stacked in a column into one rectangle: the same area with far
    /// fewer path elements, which keeps PDF and SVG files small.
    static func mergingWholeCells(_ polygons: [Polygon]) -> [Polygon] {
        var others: [Polygon] = []
        var rectangles: [(x0: Double, x1: Double, y0: Double, y1: Double)] = []
        for polygon in polygons {
            let p = polygon.points
            if p.count == 4, p[0].y == p[1].y, p[1].x == p[2].x, p[2].y == p[3].y, p[3].x == p[0].x,
               p[0].x < p[1].x, p[1].y < p[2].y {
                rectangles.append((p[0].x, p[1].x, p[0].y, p[2].y))
            } else {
                others.append(polygon)
            }
        }
        rectangles.sort { ($0.x0, $0.y0) < ($1.x0, $1.y0) }
        var merged: [(x0: Double, x1: Double, y0: Double, y1: Double)] = []
        for r in rectangles {
            if let last = merged.last, last.x0 == r.x0, last.x1 == r.x1, last.y1 == r.y0 {
                merged[merged.count - 1].y1 = r.y1
            } else {
                merged.append(r)
            }
        }
        return merged.map { r in
            Polygon(points: [Point(r.x0, r.y0), Point(r.x1, r.y0), Point(r.x1, r.y1), Point(r.x0, r.y1)])
        } + others
    }

    private func fillCells(_ cr: OpaquePointer, plot: Rect, axes: AxesDecoration) {
        let z = drawnGrid
        let colors = bandColors(levels: levels, colormap: colormap)
        let snap = Snapper(cr)
        let (xEdges, yEdges) = cellEdges(plot: plot, axes: axes)
        // On vector surfaces cells overlap their right/upper neighbour slightly to hide seams.
        let overlap = snap.active ? 0 : 0.3
        for i in grid.xValues.indices {
            for j in grid.yValues.indices {
                guard let band = Self.band(of: z[i, j], levels: levels) else { continue }
                let x0 = snap.xEdge(xEdges[i]), x1 = snap.xEdge(xEdges[i + 1])
                let y0 = snap.yEdge(yEdges[j]), y1 = snap.yEdge(yEdges[j + 1])
                setColor(cr, colors[band])
                cairo_rectangle(cr, x0, y1 - (j + 1 < grid.yValues.count ? overlap : 0),
                                x1 - x0 + (i + 1 < grid.xValues.count ? overlap : 0), y0 - y1)
                cairo_fill(cr)
            }
        }
    }

    /// The band a value falls in with contourf's closure (nil for NaN or out of range).
    public static func band(of value: Double, levels: [Double]) -> Int? {
        guard !value.isNaN, let lo = levels.first, let hi = levels.last, value >= lo, value <= hi else { return nil }
        for k in 0..<levels.count - 1 where value <= levels[k + 1] { return k }
        return nil
    }

    private func drawBoundary(_ cr: OpaquePointer, level: Double, plot: Rect, axes: AxesDecoration) {
        cairo_save(cr)
        setColor(cr, .black)
        cairo_set_line_width(cr, 1.2)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        for line in Contouring.lines(drawnGrid, threshold: Threshold(level, inclusive: true)) {
            for (m, p) in line.enumerated() {
                let q = axes.point(p, in: plot)
                if m == 0 { cairo_move_to(cr, q.x, q.y) } else { cairo_line_to(cr, q.x, q.y) }
            }
            cairo_stroke(cr)
        }
        cairo_restore(cr)
    }

    /// Draws the line (clipped to the plot) and returns where its label goes: the last point
    /// of the line inside the plot.
    private func drawReference(_ line: ReferenceLine, _ cr: OpaquePointer, plot: Rect, axes: AxesDecoration) -> Point? {
        let points: [Point]
        switch line.shape {
        case .ratio(let c):
            // Sample the line densely enough in y; the plot clip cuts it at the frame.
            let (y0, y1) = (axes.yScale.lower, axes.yScale.upper)
            points = (0...64).map { k in
                let y = y0 + (y1 - y0) * Double(k) / 64
                return Point(c * y, y)
            }
        case .polyline(let p):
            points = p
        }
        let page = points.map { axes.point($0, in: plot) }
        guard page.count >= 2 else { return nil }
        cairo_save(cr)
        setColor(cr, line.color)
        cairo_set_line_width(cr, 1)
        if line.dashed { cairo_set_dash(cr, [3.5, 2.5], 2, 0) }
        for (m, q) in page.enumerated() {
            if m == 0 { cairo_move_to(cr, q.x, q.y) } else { cairo_line_to(cr, q.x, q.y) }
        }
        cairo_stroke(cr)
        cairo_restore(cr)
        let inside = page.filter { $0.x >= plot.minX - 0.01 && $0.x <= plot.maxX + 0.01 && $0.y >= plot.minY - 0.01 && $0.y <= plot.maxY + 0.01 }
        return line.label == nil ? nil : inside.last
    }

    private func drawReferenceLabel(_ line: ReferenceLine, _ cr: OpaquePointer, _ anchor: Point, plot: Rect) {
        guard let label = line.label else { return }
        let text = TextBlock(cr, label, .tick(fontFamily))
        let s = text.size
        // Keep the label inside the plot, on a white box so it reads on any colour.
        // Beside the line where it leaves through the top, below it where it leaves through the
        // right side, so the label never hides the line's end.
        let leavesTop = anchor.y <= plot.minY + 1
        let x = min(max(leavesTop ? anchor.x + 4 : anchor.x - s.width - 4, plot.minX + 2), plot.maxX - s.width - 2)
        let y = min(max(leavesTop ? plot.minY + 3 : anchor.y + 6, plot.minY + 2), plot.maxY - s.height - 2)
        cairo_save(cr)
        cairo_set_source_rgba(cr, 1, 1, 1, 0.85)
        cairo_rectangle(cr, x - 1.5, y, s.width + 3, s.height)
        cairo_fill(cr)
        text.draw(cr, at: Point(x, y), .left, .top)
        cairo_restore(cr)
    }
}

extension PhaseDiagram {
    /// Where the plot rectangle (inside the frame) lands when the figure is drawn into `rect`;
    /// lets a caller align other marks with the data, and tests find known cells.
    public func plotArea(in rect: Rect) -> Rect {
        withMeasuringContext { cr in
            let bounds = Rect(x: 0, y: 0, width: rect.width, height: rect.height)
            let plot = PhaseDiagram.layout(cr, [self], in: bounds, columns: 1, colorbar: showsColorbar ? colorbar : nil)[0]
            return Rect(x: plot.x + rect.x, y: plot.y + rect.y, width: plot.width, height: plot.height)
        }
    }

    /// The page position of a data point (n, d) when the figure is drawn into `rect`.
    public func location(of point: Point, in rect: Rect) -> Point {
        let plot = plotArea(in: rect)
        return axes(plotSize: Size(width: plot.width, height: plot.height)).point(point, in: plot)
    }
}

/// A throwaway context for measuring text outside of drawing (same font setup as drawing).
func withMeasuringContext<T>(_ body: (OpaquePointer) -> T) -> T {
    let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1)!
    let cr = cairo_create(surface)!
    defer { cairo_destroy(cr); cairo_surface_destroy(surface) }
    return body(cr)
}
