import CCairo

/// An optional layer over a phase diagram: diagonal hatching on the cells where `marked` holds,
/// e.g. the cells where some trial was a tie (science §10), so a distance drawn there is read as
/// one point of an optimal face rather than the instance's answer.
public struct CellHatching: Sendable, Equatable, Encodable {
    /// Same x and y values as the diagram's grid; a cell is hatched where its value is > 0.
    public var grid: ScalarGrid
    public var color: RGBColor
    /// Distance between hatch lines, in points.
    public var spacing: Double

    public init(grid: ScalarGrid, color: RGBColor = .black, spacing: Double = 4) {
        self.grid = grid
        self.color = color
        self.spacing = spacing
    }

    /// Hatches each marked cell: the rectangle halfway to its neighbours, clipped to the plot.
    func draw(_ cr: OpaquePointer, plot: Rect, axes: AxesDecoration) {
        func edges(_ values: [Double]) -> [Double] {
            guard let first = values.first, let last = values.last else { return [] }
            let inner = zip(values, values.dropFirst()).map { ($0 + $1) / 2 }
            let lowGap = values.count > 1 ? (values[1] - first) / 2 : 0.5
            let highGap = values.count > 1 ? (last - values[values.count - 2]) / 2 : 0.5
            return [first - lowGap] + inner + [last + highGap]
        }
        let xEdges = edges(grid.xValues), yEdges = edges(grid.yValues)
        cairo_save(cr)
        cairo_rectangle(cr, plot.x, plot.y, plot.width, plot.height)
        cairo_clip(cr)
        cairo_set_source_rgb(cr, color.red, color.green, color.blue)
        cairo_set_line_width(cr, 0.6)
        for i in grid.xValues.indices {
            for j in grid.yValues.indices where grid[i, j] > 0 {
                let a = axes.point(Point(xEdges[i], yEdges[j]), in: plot)
                let b = axes.point(Point(xEdges[i + 1], yEdges[j + 1]), in: plot)
                let x0 = min(a.x, b.x), x1 = max(a.x, b.x), y0 = min(a.y, b.y), y1 = max(a.y, b.y)
                cairo_save(cr)
                cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0)
                cairo_clip(cr)
                // Lines x − y = const, one every `spacing`, across the whole cell.
                var offset = -(y1 - y0)
                while offset <= x1 - x0 {
                    cairo_move_to(cr, x0 + offset, y1)
                    cairo_line_to(cr, x0 + offset + (y1 - y0), y0)
                    offset += spacing
                }
                cairo_stroke(cr)
                cairo_restore(cr)
            }
        }
        cairo_restore(cr)
    }
}
