import CCairo
import Foundation

// Axes: scales from data to the plot rectangle, tick choice and labels, the frame, and the
// colour bar. Everything is measured with the same Pango layouts that draw it, so margins fit
// the labels exactly and nothing is clipped.

/// A data interval mapped to [0, 1], linearly or by log10.
struct AxisScale {
    var lower: Double
    var upper: Double
    var logarithmic = false

    func fraction(_ v: Double) -> Double {
        if logarithmic { return (log10(v) - log10(lower)) / (log10(upper) - log10(lower)) }
        return (v - lower) / (upper - lower)
    }
}

struct Tick {
    var value: Double
    var label: String?  // nil for minor ticks
}

enum Ticks {
    /// "Nice" values (1, 2 or 5 × 10^k apart) covering [lower, upper]: the densest such step that
    /// gives at most `maxCount` ticks.
    static func nice(_ lower: Double, _ upper: Double, maxCount: Int) -> [Double] {
        guard upper > lower, maxCount >= 1 else { return [lower] }
        func ticks(_ step: Double) -> [Double] {
            var result: [Double] = []
            var k = ceil(lower / step - 1e-9)
            while k * step <= upper + step * 1e-9 {
                let v = k * step
                result.append(abs(v) < step * 1e-9 ? 0 : v)
                k += 1
            }
            return result
        }
        var exponent = floor(log10((upper - lower) / Double(maxCount))) - 1
        while true {
            for m in [1.0, 2, 5] {
                let candidate = ticks(m * pow(10, exponent))
                if candidate.count <= maxCount { return candidate }
            }
            exponent += 1
        }
    }

    /// Ticks at grid values: the nice values that are grid points if there are enough of them
    /// (for n ∈ {10, …, 400}: 100, 200, 300, 400), else every k-th grid value.
    static func atGridValues(_ values: [Double], maxCount: Int) -> [Double] {
        guard let lo = values.min(), let hi = values.max(), hi > lo else { return values }
        let tolerance = (hi - lo) * 1e-9
        // A slightly denser nice step may be needed for three grid-valued ticks (100, 200, 300
        // rather than 200, 400).
        var best: [Double] = []
        for count in maxCount...(maxCount + 2) {
            let onGrid = nice(lo, hi, maxCount: count).filter { v in values.contains { abs($0 - v) <= tolerance } }
            if onGrid.count >= min(3, maxCount, values.count) && onGrid.count <= maxCount + 1 { return onGrid }
            if onGrid.count <= maxCount + 1 && onGrid.count > best.count { best = onGrid }
        }
        if best.count >= 2 { return best }
        let stride = max(1, Int((Double(values.count) / Double(max(1, maxCount))).rounded(.up)))
        return values.enumerated().filter { $0.offset % stride == 0 }.map(\.element)
    }

    /// Decimal labels with as many digits as the spacing needs and a true minus sign.
    static func labels(_ values: [Double]) -> [String] {
        let spacing = zip(values, values.dropFirst()).map { abs($1 - $0) }.min() ?? 1
        var decimals = 0
        while decimals < 6 {
            let scaled = spacing * pow(10, Double(decimals))
            let allRound = values.allSatisfy { v in
                let s = v * pow(10, Double(decimals))
                return abs(s - s.rounded()) < 1e-6 * max(1, abs(s))
            }
            if scaled >= 1 - 1e-9 && allRound { break }
            decimals += 1
        }
        return values.map { v in
            let text = String(format: "%.\(decimals)f", v == 0 ? 0 : v)
            return text.hasPrefix("-") ? "−" + text.dropFirst() : text
        }
    }

    /// Decades of a log axis, labelled 10^k, with unlabelled minor ticks at 2…9 × 10^k.
    static func logarithmic(_ lower: Double, _ upper: Double) -> [Tick] {
        var ticks: [Tick] = []
        let first = Int(floor(log10(lower) + 1e-9)), last = Int(ceil(log10(upper) - 1e-9))
        let step = max(1, (last - first + 5) / 6)  // at most ~6 labelled decades
        for e in first...last {
            let decade = pow(10, Double(e))
            if decade >= lower * (1 - 1e-9) && decade <= upper * (1 + 1e-9) {
                let exponent = e < 0 ? "−\(-e)" : "\(e)"
                ticks.append(Tick(value: decade, label: (e - first) % step == 0 ? "10<sup>\(exponent)</sup>" : nil))
            }
            if step == 1 {
                for m in 2...9 {
                    let v = Double(m) * decade
                    if v > lower && v < upper { ticks.append(Tick(value: v, label: nil)) }
                }
            }
        }
        return ticks
    }
}

/// Pixel snapping for raster output: on an image surface, axis-parallel lines are moved to the
/// pixel grid and their widths rounded to whole pixels so they are crisp at any density. On
/// vector surfaces everything passes through unchanged.
struct Snapper {
    let active: Bool
    let cr: OpaquePointer

    init(_ cr: OpaquePointer) {
        self.cr = cr
        active = cairo_surface_get_type(cairo_get_target(cr)) == CAIRO_SURFACE_TYPE_IMAGE
    }

    private var scale: Double {
        var dx = 1.0, dy = 0.0
        cairo_user_to_device_distance(cr, &dx, &dy)
        return (dx * dx + dy * dy).squareRoot()
    }

    func width(_ w: Double) -> Double {
        guard active else { return w }
        return max(1, (w * scale).rounded()) / scale
    }

    /// A coordinate moved so a line of width `w` (already snapped) covers whole pixels.
    func x(_ x: Double, lineWidth w: Double) -> Double { snap(x, w, horizontal: true) }
    func y(_ y: Double, lineWidth w: Double) -> Double { snap(y, w, horizontal: false) }

    private func snap(_ c: Double, _ w: Double, horizontal: Bool) -> Double {
        guard active else { return c }
        var dx = horizontal ? c : 0, dy = horizontal ? 0 : c
        cairo_user_to_device(cr, &dx, &dy)
        let pixels = Int((w * scale).rounded())
        var d = horizontal ? dx : dy
        d = pixels % 2 == 1 ? floor(d) + 0.5 : d.rounded()
        if horizontal { dx = d } else { dy = d }
        cairo_device_to_user(cr, &dx, &dy)
        return horizontal ? dx : dy
    }

    /// Coordinates moved to the nearest pixel boundary, for edges of fills.
    func xEdge(_ c: Double) -> Double { active ? x(c, lineWidth: 2 / scale) : c }
    func yEdge(_ c: Double) -> Double { active ? y(c, lineWidth: 2 / scale) : c }

    /// A rectangle whose edges sit on pixel boundaries, for fills that must meet a frame.
    func rect(_ r: Rect) -> Rect {
        guard active else { return r }
        let x0 = xEdge(r.minX), x1 = xEdge(r.maxX), y0 = yEdge(r.minY), y1 = yEdge(r.maxY)
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }
}

/// Sizes shared by every plot, in points, chosen for a figure one column wide (≈ 3.4 in).
enum Metrics {
    static let frameWidth = 0.8
    static let tickLength = 3.0
    static let tickWidth = 0.8
    static let tickPad = 2.5  // between tick and its label
    static let labelPad = 3.0  // between tick labels and the axis label
    static let outerPad = 4.0  // around the whole figure
    static let titlePad = 5.0
    static let colorbarGap = 9.0
    static let colorbarWidth = 9.0
}

/// The frame, ticks and labels around one plot rectangle.
struct AxesDecoration {
    var xScale: AxisScale
    var yScale: AxisScale
    var xTicks: [Tick]
    var yTicks: [Tick]
    var xLabel: String?
    var yLabel: String?
    var fontFamily: String

    func point(_ p: Point, in plot: Rect) -> Point {
        Point(plot.minX + xScale.fraction(p.x) * plot.width, plot.maxY - yScale.fraction(p.y) * plot.height)
    }

    /// Room needed left of the plot: axis label, tick labels, ticks.
    func leftMargin(_ cr: OpaquePointer, includeLabel: Bool = true) -> Double {
        let widest = yTicks.compactMap(\.label).map { TextBlock(cr, $0, .tick(fontFamily)).size.width }.max() ?? 0
        var m = Metrics.tickLength + Metrics.tickPad + widest
        if includeLabel, let yLabel { m += Metrics.labelPad + TextBlock(cr, yLabel, .label(fontFamily)).size.height }
        return m
    }

    func bottomMargin(_ cr: OpaquePointer, includeLabel: Bool = true) -> Double {
        let tall = xTicks.compactMap(\.label).map { TextBlock(cr, $0, .tick(fontFamily)).size.height }.max() ?? 0
        var m = Metrics.tickLength + Metrics.tickPad + tall
        if includeLabel, let xLabel { m += Metrics.labelPad + TextBlock(cr, xLabel, .label(fontFamily)).size.height }
        return m
    }

    /// Half of the widest x tick label can stick out right of the plot.
    func rightOverhang(_ cr: OpaquePointer) -> Double {
        guard let last = xTicks.last(where: { $0.label != nil }), xScale.fraction(last.value) > 0.98 else { return 0 }
        return TextBlock(cr, last.label!, .tick(fontFamily)).size.width / 2
    }

    func topOverhang(_ cr: OpaquePointer) -> Double {
        guard let last = yTicks.last(where: { $0.label != nil }), yScale.fraction(last.value) > 0.98 else { return 0 }
        return TextBlock(cr, last.label!, .tick(fontFamily)).size.height / 2
    }

    func draw(_ cr: OpaquePointer, plot: Rect, showXLabel: Bool = true, showYLabel: Bool = true) {
        let snap = Snapper(cr)
        cairo_save(cr)
        setColor(cr, .black)
        let tickWidth = snap.width(Metrics.tickWidth)
        cairo_set_line_width(cr, tickWidth)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
        var widestY = 0.0, tallestX = 0.0
        for tick in xTicks {
            let f = xScale.fraction(tick.value)
            guard f >= -1e-9 && f <= 1 + 1e-9 else { continue }
            let x = snap.x(plot.minX + f * plot.width, lineWidth: tickWidth)
            let length = tick.label == nil ? Metrics.tickLength * 0.6 : Metrics.tickLength
            cairo_move_to(cr, x, plot.maxY)
            cairo_line_to(cr, x, plot.maxY + length)
            cairo_stroke(cr)
            if let label = tick.label {
                let text = TextBlock(cr, label, .tick(fontFamily))
                text.draw(cr, at: Point(x, plot.maxY + Metrics.tickLength + Metrics.tickPad), .center, .top)
                tallestX = max(tallestX, text.size.height)
            }
        }
        for tick in yTicks {
            let f = yScale.fraction(tick.value)
            guard f >= -1e-9 && f <= 1 + 1e-9 else { continue }
            let y = snap.y(plot.maxY - f * plot.height, lineWidth: tickWidth)
            let length = tick.label == nil ? Metrics.tickLength * 0.6 : Metrics.tickLength
            cairo_move_to(cr, plot.minX, y)
            cairo_line_to(cr, plot.minX - length, y)
            cairo_stroke(cr)
            if let label = tick.label {
                let text = TextBlock(cr, label, .tick(fontFamily))
                text.draw(cr, at: Point(plot.minX - Metrics.tickLength - Metrics.tickPad, y), .right, .center)
                widestY = max(widestY, text.size.width)
            }
        }
        drawFrame(cr, plot)
        if showXLabel, let xLabel {
            TextBlock(cr, xLabel, .label(fontFamily)).draw(
                cr, at: Point(plot.midX, plot.maxY + Metrics.tickLength + Metrics.tickPad + tallestX + Metrics.labelPad),
                .center, .top)
        }
        if showYLabel, let yLabel {
            // Reads bottom to top; its page-right side (the text's bottom) faces the tick labels.
            TextBlock(cr, yLabel, .label(fontFamily)).drawVertical(
                cr, at: Point(plot.minX - Metrics.tickLength - Metrics.tickPad - widestY - Metrics.labelPad, plot.midY),
                .bottom)
        }
        cairo_restore(cr)
    }
}

func drawFrame(_ cr: OpaquePointer, _ r: Rect) {
    let snap = Snapper(cr)
    let w = snap.width(Metrics.frameWidth)
    let x0 = snap.x(r.minX, lineWidth: w), x1 = snap.x(r.maxX, lineWidth: w)
    let y0 = snap.y(r.minY, lineWidth: w), y1 = snap.y(r.maxY, lineWidth: w)
    cairo_save(cr)
    setColor(cr, .black)
    cairo_set_line_width(cr, w)
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER)
    cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0)
    cairo_stroke(cr)
    cairo_restore(cr)
}

/// A vertical bar of the band colours with the levels as ticks, right of the plot(s).
struct Colorbar {
    var levels: [Double]
    var colors: [RGBColor]
    var label: String?
    var fontFamily: String

    private func labels(forHeight height: Double, _ cr: OpaquePointer) -> [String?] {
        let all = Ticks.labels(levels)
        let lineHeight = TextBlock(cr, "0", .tick(fontFamily)).size.height
        // Thin the labels out until they no longer touch.
        var every = 1
        while every < levels.count, height / Double(levels.count - 1) * Double(every) < lineHeight * 1.15 { every += 1 }
        return all.enumerated().map { $0.offset % every == 0 ? $0.element : nil }
    }

    /// Width from the plot's right edge to the end of the colour bar's labels.
    func width(_ cr: OpaquePointer) -> Double {
        let widest = Ticks.labels(levels).map { TextBlock(cr, $0, .tick(fontFamily)).size.width }.max() ?? 0
        var w = Metrics.colorbarGap + Metrics.colorbarWidth + Metrics.tickLength + Metrics.tickPad + widest
        if let label { w += Metrics.labelPad + TextBlock(cr, label, .label(fontFamily)).size.height }
        return w
    }

    /// Draws the bar spanning the vertical extent of `plot`, starting right of it.
    func draw(_ cr: OpaquePointer, besides plot: Rect) {
        guard levels.count >= 2, let lo = levels.first, let hi = levels.last, hi > lo else { return }
        let snap = Snapper(cr)
        let bar = snap.rect(Rect(x: plot.maxX + Metrics.colorbarGap, y: plot.minY,
                                 width: Metrics.colorbarWidth, height: plot.height))
        func y(_ v: Double) -> Double { bar.maxY - (v - lo) / (hi - lo) * bar.height }
        cairo_save(cr)
        for (k, color) in colors.enumerated() {
            setColor(cr, color)
            // Overlap by a hair so antialiasing leaves no seams between bands.
            let top = y(levels[k + 1]), bottom = y(levels[k])
            cairo_rectangle(cr, bar.minX, top, bar.width, bottom - top + (k == 0 ? 0 : 0.25))
            cairo_fill(cr)
        }
        let tickWidth = snap.width(Metrics.tickWidth)
        cairo_set_line_width(cr, tickWidth)
        setColor(cr, .black)
        var widest = 0.0
        for (v, label) in zip(levels, labels(forHeight: bar.height, cr)) {
            let ty = snap.y(y(v), lineWidth: tickWidth)
            cairo_move_to(cr, bar.maxX, ty)
            cairo_line_to(cr, bar.maxX + (label == nil ? Metrics.tickLength * 0.6 : Metrics.tickLength), ty)
            cairo_stroke(cr)
            if let label {
                let text = TextBlock(cr, label, .tick(fontFamily))
                text.draw(cr, at: Point(bar.maxX + Metrics.tickLength + Metrics.tickPad, ty), .left, .center)
                widest = max(widest, text.size.width)
            }
        }
        drawFrame(cr, bar)
        if let label {
            TextBlock(cr, label, .label(fontFamily)).drawVertical(
                cr, at: Point(bar.maxX + Metrics.tickLength + Metrics.tickPad + widest + Metrics.labelPad, bar.midY), .top)
        }
        cairo_restore(cr)
    }

    /// Half a tick label sticks out above and below the bar.
    func verticalOverhang(_ cr: OpaquePointer) -> Double {
        TextBlock(cr, "0", .tick(fontFamily)).size.height / 2
    }
}
