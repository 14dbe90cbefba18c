import CCairo
import Foundation

/// Curves against one variable: success probability against σ (one line per d), theory against
/// experiment (Wendel's formula), loss per epoch on a log axis; optional error bars and a legend.
public struct LinePlot: Figure {
    public enum Marker: String, CaseIterable, Sendable, Encodable { case circle, square, triangle, diamond, cross, none }
    public enum Scale: Sendable, Equatable, Encodable { case linear, logarithmic }
    /// `best` picks the inside corner covering the fewest data; `outsideRight` puts the legend
    /// beside the plot, for curves that fill the whole plot.
    public enum LegendPosition: Sendable, Equatable, Encodable { case best, topLeft, topRight, bottomLeft, bottomRight, outsideRight, hidden }

    public struct Series: Sendable, Encodable {
        /// Markup for the legend; nil keeps the series out of it.
        public var label: String?
        public var x: [Double]
        public var y: [Double]
        /// Half-lengths of symmetric error bars (e.g. a standard error over trials); nil for none.
        public var errors: [Double]?
        /// nil picks the next colour of `LinePlot.palette`.
        public var color: RGBColor?
        /// nil picks the next marker of circle, square, triangle, diamond.
        public var marker: Marker?
        public var dashed: Bool
        public var lineWidth: Double

        public init(label: String? = nil, x: [Double], y: [Double], errors: [Double]? = nil,
                    color: RGBColor? = nil, marker: Marker? = nil, dashed: Bool = false, lineWidth: Double = 1.2) {
            precondition(x.count == y.count, "x has \(x.count) values, y \(y.count)")
            precondition(errors.map { $0.count == y.count } ?? true, "errors must match y")
            self.label = label
            self.x = x
            self.y = y
            self.errors = errors
            self.color = color
            self.marker = marker
            self.dashed = dashed
            self.lineWidth = lineWidth
        }
    }

    public var series: [Series]
    public var title: String?

    /// Mean and standard error over trials at each x (NaN trials ignored), for curves with error
    /// bars from repeated experiments. `trials[i]` holds the trials at `x[i]`.
    public static func meanAndStandardError(_ trials: [[Double]]) -> (mean: [Double], error: [Double]) {
        let stats = trials.map { values -> (Double, Double) in
            let v = values.filter { !$0.isNaN }
            guard !v.isEmpty else { return (.nan, .nan) }
            let mean = v.reduce(0, +) / Double(v.count)
            guard v.count > 1 else { return (mean, 0) }
            let variance = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count - 1)
            return (mean, (variance / Double(v.count)).squareRoot())
        }
        return (stats.map(\.0), stats.map(\.1))
    }
    public var xLabel: String?
    public var yLabel: String?
    public var xScale: Scale
    public var yScale: Scale
    /// Fixed axis ranges; nil fits the data with a small margin.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var legend: LegendPosition
    public var size: Size
    /// The typeface of every label (a family name Pango knows; see `FontCatalog`).
    public var fontFamily: String

    /// Distinguishable colours (Tableau's, as matplotlib's default cycle).
    public static let palette: [RGBColor] = [0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B,
                                             0xE377C2, 0x7F7F7F].map { RGBColor(hex: $0) }
    static let markerCycle: [Marker] = [.circle, .square, .triangle, .diamond]

    public init(series: [Series], title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
                xScale: Scale = .linear, yScale: Scale = .linear, xRange: ClosedRange<Double>? = nil,
                yRange: ClosedRange<Double>? = nil, legend: LegendPosition = .best,
                size: Size = Size(width: 246, height: 180), fontFamily: String = FontCatalog.defaultFamily) {
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.xRange = xRange
        self.yRange = yRange
        self.legend = legend
        self.size = size
        self.fontFamily = fontFamily
    }

    func color(_ k: Int) -> RGBColor { series[k].color ?? Self.palette[k % Self.palette.count] }
    func marker(_ k: Int) -> Marker { series[k].marker ?? Self.markerCycle[k % Self.markerCycle.count] }

    private func usable(_ x: Double, _ y: Double) -> Bool {
        x.isFinite && y.isFinite && (xScale == .linear || x > 0) && (yScale == .linear || y > 0)
    }

    /// Points that can be drawn on the scales (log axes drop values ≤ 0).
    private func usable(_ s: Series) -> [(x: Double, y: Double, e: Double)] {
        (0..<s.x.count).compactMap { i in
            guard usable(s.x[i], s.y[i]) else { return nil }
            let e = s.errors?[i] ?? 0
            return (s.x[i], s.y[i], e.isFinite ? e : 0)
        }
    }

    private func range(_ values: [Double], fixed: ClosedRange<Double>?, scale: Scale) -> (Double, Double) {
        if let fixed { return (fixed.lowerBound, fixed.upperBound) }
        let finite = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        guard var lo = finite.min(), var hi = finite.max() else { return scale == .linear ? (0, 1) : (1, 10) }
        if scale == .logarithmic {
            var a = log10(lo), b = log10(hi)
            if b - a < 1 { a = floor(a); b = max(ceil(b), a + 1) } else { let pad = 0.04 * (b - a); a -= pad; b += pad }
            return (pow(10, a), pow(10, b))
        }
        if lo == hi { lo -= 0.5; hi += 0.5 }
        let pad = 0.04 * (hi - lo)
        return (lo - pad, hi + pad)
    }

    private func ticks(_ lo: Double, _ hi: Double, scale: Scale, maxCount: Int) -> [Tick] {
        if scale == .logarithmic { return Ticks.logarithmic(lo, hi) }
        let values = Ticks.nice(lo, hi, maxCount: maxCount)
        return zip(values, Ticks.labels(values)).map { Tick(value: $0, label: $1) }
    }

    func axes(plotSize: Size) -> AxesDecoration {
        let points = series.map(usable)
        let xs = points.flatMap { $0.map(\.x) }
        let ys = points.flatMap { $0.flatMap { [$0.y - $0.e, $0.y + $0.e, $0.y] } }
        let (x0, x1) = range(xs, fixed: xRange, scale: xScale)
        let (y0, y1) = range(ys, fixed: yRange, scale: yScale)
        return AxesDecoration(
            xScale: AxisScale(lower: x0, upper: x1, logarithmic: xScale == .logarithmic),
            yScale: AxisScale(lower: y0, upper: y1, logarithmic: yScale == .logarithmic),
            xTicks: ticks(x0, x1, scale: xScale, maxCount: max(2, Int(plotSize.width / 32))),
            yTicks: ticks(y0, y1, scale: yScale, maxCount: max(2, Int(plotSize.height / 18))),
            xLabel: xLabel, yLabel: yLabel, fontFamily: fontFamily)
    }

    public func draw(into cairo: OpaquePointer, rect: Rect) {
        withLocalCoordinates(cairo, rect) { bounds in
            var plot = bounds.inset(left: 40, top: 20, right: 20, bottom: 30)
            var axes = axes(plotSize: Size(width: plot.width, height: plot.height))
            for _ in 0..<2 {
                let titleHeight = title.map { TextBlock(cairo, $0, .title(fontFamily)).size.height + Metrics.titlePad } ?? 0
                let top = Metrics.outerPad + max(titleHeight, axes.topOverhang(cairo), 2)
                let legendWidth = legend == .outsideRight ? (legendSize(cairo)?.width ?? 0) + 6 : 0
                let right = Metrics.outerPad + max(axes.rightOverhang(cairo), 2) + legendWidth
                plot = bounds.inset(left: Metrics.outerPad + axes.leftMargin(cairo), top: top, right: right,
                                    bottom: Metrics.outerPad + axes.bottomMargin(cairo))
                plot = Rect(x: plot.x.rounded(), y: plot.y.rounded(), width: plot.width.rounded(), height: plot.height.rounded())
                axes = self.axes(plotSize: Size(width: plot.width, height: plot.height))
            }
            cairo_save(cairo)
            cairo_rectangle(cairo, plot.x, plot.y, plot.width, plot.height)
            cairo_clip(cairo)
            for k in series.indices { drawSeries(k, cairo, plot: plot, axes: axes) }
            cairo_restore(cairo)
            axes.draw(cairo, plot: plot)
            drawLegend(cairo, plot: plot, axes: axes)
            if let title {
                TextBlock(cairo, title, .title(fontFamily)).draw(cairo, at: Point(plot.midX, plot.minY - Metrics.titlePad), .center, .bottom)
            }
        }
    }

    private func drawSeries(_ k: Int, _ cr: OpaquePointer, plot: Rect, axes: AxesDecoration) {
        let s = series[k]
        let points = usable(s)
        cairo_save(cr)
        setColor(cr, color(k))
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        if s.errors != nil {
            cairo_set_line_width(cr, 0.8)
            for p in points where p.e > 0 {
                let lowValue = yScale == .logarithmic ? max(p.y - p.e, axes.yScale.lower) : p.y - p.e
                let top = axes.point(Point(p.x, p.y + p.e), in: plot), bottom = axes.point(Point(p.x, lowValue), in: plot)
                cairo_move_to(cr, top.x, top.y)
                cairo_line_to(cr, bottom.x, bottom.y)
                for y in [top.y, bottom.y] {
                    cairo_move_to(cr, top.x - 2, y)
                    cairo_line_to(cr, top.x + 2, y)
                }
                cairo_stroke(cr)
            }
        }
        if s.lineWidth > 0 && points.count > 1 {
            cairo_set_line_width(cr, s.lineWidth)
            if s.dashed { cairo_set_dash(cr, [4, 2.5], 2, 0) }
            // A missing value (NaN, or ≤ 0 on a log axis) breaks the line rather than bridging it.
            var drawing = false
            for i in s.x.indices {
                guard usable(s.x[i], s.y[i]) else { drawing = false; continue }
                let q = axes.point(Point(s.x[i], s.y[i]), in: plot)
                if drawing { cairo_line_to(cr, q.x, q.y) } else { cairo_move_to(cr, q.x, q.y) }
                drawing = true
            }
            cairo_stroke(cr)
            cairo_set_dash(cr, nil, 0, 0)
        }
        for p in points { Self.drawMarker(marker(k), cr, at: axes.point(Point(p.x, p.y), in: plot)) }
        cairo_restore(cr)
    }

    /// Markers of about equal visual weight, 4.5 pt across, in the current colour.
    static func drawMarker(_ marker: Marker, _ cr: OpaquePointer, at c: Point) {
        let r = 2.3
        switch marker {
        case .none: return
        case .circle: cairo_arc(cr, c.x, c.y, r, 0, 2 * Double.pi)
        case .square: cairo_rectangle(cr, c.x - r * 0.88, c.y - r * 0.88, r * 1.76, r * 1.76)
        case .triangle:
            cairo_move_to(cr, c.x, c.y - r * 1.2)
            cairo_line_to(cr, c.x + r * 1.1, c.y + r * 0.75)
            cairo_line_to(cr, c.x - r * 1.1, c.y + r * 0.75)
            cairo_close_path(cr)
        case .diamond:
            cairo_move_to(cr, c.x, c.y - r * 1.25)
            cairo_line_to(cr, c.x + r, c.y)
            cairo_line_to(cr, c.x, c.y + r * 1.25)
            cairo_line_to(cr, c.x - r, c.y)
            cairo_close_path(cr)
        case .cross:
            cairo_save(cr)
            cairo_set_line_width(cr, 1.1)
            cairo_set_dash(cr, nil, 0, 0)
            cairo_move_to(cr, c.x - r, c.y - r); cairo_line_to(cr, c.x + r, c.y + r)
            cairo_move_to(cr, c.x - r, c.y + r); cairo_line_to(cr, c.x + r, c.y - r)
            cairo_stroke(cr)
            cairo_restore(cr)
            return
        }
        cairo_fill(cr)
    }

    private static let legendSample = 16.0, legendPad = 4.0, legendGap = 4.0

    /// The legend box's size, nil when there is no legend.
    private func legendSize(_ cr: OpaquePointer) -> Size? {
        let labels = series.compactMap(\.label)
        guard legend != .hidden, !labels.isEmpty else { return nil }
        let texts = labels.map { TextBlock(cr, $0, .legend(fontFamily)) }
        let rowHeight = max(texts.map(\.size.height).max()!, 7)
        return Size(width: Self.legendPad + Self.legendSample + Self.legendGap + texts.map(\.size.width).max()! + Self.legendPad,
                    height: Self.legendPad + rowHeight * Double(labels.count) + Self.legendPad - 2)
    }

    private func drawLegend(_ cr: OpaquePointer, plot: Rect, axes: AxesDecoration) {
        let entries = series.indices.filter { series[$0].label != nil }
        guard let box = legendSize(cr) else { return }
        let texts = entries.map { TextBlock(cr, series[$0].label!, .legend(fontFamily)) }
        let sample = Self.legendSample, pad = Self.legendPad, gap = Self.legendGap
        let rowHeight = max(texts.map(\.size.height).max()!, 7)
        let inset = 5.0
        func rect(_ position: LegendPosition) -> Rect {
            if position == .outsideRight {
                return Rect(x: plot.maxX + 6, y: plot.minY, width: box.width, height: box.height)
            }
            let left = position == .topLeft || position == .bottomLeft
            let top = position == .topLeft || position == .topRight
            return Rect(x: left ? plot.minX + inset : plot.maxX - inset - box.width,
                        y: top ? plot.minY + inset : plot.maxY - inset - box.height,
                        width: box.width, height: box.height)
        }
        var position = legend
        if legend == .best {
            // The corner covering the fewest data points (line segments sampled too).
            let points = series.indices.flatMap { k -> [Point] in
                let p = usable(series[k]).map { axes.point(Point($0.x, $0.y), in: plot) }
                return p + zip(p, p.dropFirst()).flatMap { a, b in
                    (1..<8).map { t in Point(a.x + (b.x - a.x) * Double(t) / 8, a.y + (b.y - a.y) * Double(t) / 8) }
                }
            }
            position = [.topRight, .topLeft, .bottomRight, .bottomLeft].min { a, b in
                let ra = rect(a), rb = rect(b)
                func count(_ r: Rect) -> Int { points.filter { $0.x >= r.minX - 3 && $0.x <= r.maxX + 3 && $0.y >= r.minY - 3 && $0.y <= r.maxY + 3 }.count }
                return count(ra) < count(rb)
            }!
        }
        let r = rect(position)
        cairo_save(cr)
        if position != .outsideRight {
            cairo_set_source_rgba(cr, 1, 1, 1, 0.9)
            cairo_rectangle(cr, r.x, r.y, r.width, r.height)
            cairo_fill_preserve(cr)
            cairo_set_source_rgb(cr, 0.8, 0.8, 0.8)
            cairo_set_line_width(cr, 0.6)
            cairo_stroke(cr)
        }
        for (row, k) in entries.enumerated() {
            let y = r.minY + pad - 1 + rowHeight * (Double(row) + 0.5)
            setColor(cr, color(k))
            cairo_set_line_width(cr, series[k].lineWidth)
            if series[k].dashed { cairo_set_dash(cr, [4, 2.5], 2, 0) }
            if series[k].lineWidth > 0 {
                cairo_move_to(cr, r.minX + pad, y)
                cairo_line_to(cr, r.minX + pad + sample, y)
                cairo_stroke(cr)
            }
            cairo_set_dash(cr, nil, 0, 0)
            Self.drawMarker(marker(k), cr, at: Point(r.minX + pad + sample / 2, y))
            texts[row].draw(cr, at: Point(r.minX + pad + sample + gap, y), .left, .center)
        }
        cairo_restore(cr)
    }
}
