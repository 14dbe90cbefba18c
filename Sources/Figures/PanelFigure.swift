import CCairo

/// Several phase diagrams side by side (a row) or in a grid (e.g. 2×2 for the paper's four data
/// laws, or a row of σ values), with one shared colour bar. The colour bar, levels and colour map
/// are the first panel's and are applied to every panel so colours mean the same everywhere.
public struct PanelFigure: Figure {
    public var panels: [PhaseDiagram]
    public var columns: Int
    /// Markup above all panels; each panel's own `title` labels the panel.
    public var title: String?
    public var colorbarLabel: String?
    public var size: Size
    /// The typeface of every label, the panels' included.
    public var fontFamily: String

    /// `columns` defaults to a row for up to three panels and to two columns (2×2) for four.
    public init(panels: [PhaseDiagram], columns: Int? = nil, title: String? = nil,
                colorbarLabel: String? = nil, size: Size? = nil, fontFamily: String = FontCatalog.defaultFamily) {
        precondition(!panels.isEmpty, "a panel figure needs panels")
        let columns = max(1, min(panels.count, columns ?? (panels.count == 4 ? 2 : panels.count)))
        let rows = (panels.count + columns - 1) / columns
        self.panels = panels
        self.columns = columns
        self.title = title
        self.colorbarLabel = colorbarLabel
        self.fontFamily = fontFamily
        // About 170 × 125 pt per panel: a row of four fits a two-column page's full width (7 in).
        self.size = size ?? Size(width: 40 + 128 * Double(columns) + 10 * Double(columns - 1),
                                 height: (title == nil ? 10 : 24) + 122 * Double(rows))
    }

    public func draw(into cairo: OpaquePointer, rect: Rect) {
        withLocalCoordinates(cairo, rect) { bounds in
            let first = panels[0]
            let shared = panels.map { panel -> PhaseDiagram in
                var p = panel
                p.levels = first.levels
                p.colormap = first.colormap
                p.fontFamily = fontFamily
                return p
            }
            var colorbar = shared[0].colorbar
            colorbar.label = colorbarLabel ?? first.colorbarLabel
            let titleBlock = title.map { TextBlock(cairo, $0, TextStyle(size: TextStyle.title(fontFamily).size + 0.5, family: fontFamily)) }
            let reserve = titleBlock.map { $0.size.height + Metrics.titlePad } ?? 0
            let plots = PhaseDiagram.layout(cairo, shared, in: bounds, columns: columns, colorbar: colorbar,
                                            topReserve: reserve)
            for (k, panel) in shared.enumerated() {
                let axes = panel.axes(plotSize: Size(width: plots[k].width, height: plots[k].height))
                panel.drawPanel(cairo, plot: plots[k], axes: axes,
                                showXLabel: k + columns >= shared.count, showYLabel: k % columns == 0)
            }
            // The bar spans from the top of the first row to the bottom of the last.
            let top = plots.map(\.minY).min()!, bottom = plots.map(\.maxY).max()!
            let right = plots.map(\.maxX).max()!
            colorbar.draw(cairo, besides: Rect(x: right, y: top, width: 0, height: bottom - top))
            if let titleBlock {
                let left = plots.map(\.minX).min()!
                titleBlock.draw(cairo, at: Point((left + right) / 2, Metrics.outerPad), .center, .top)
            }
        }
    }
}
