import Foundation
import Figures
import TestSupport
import Testing

private func totalArea(_ polygons: [Polygon]) -> Double { polygons.reduce(0) { $0 + $1.area } }

private let levels = stride(from: 0.0, through: 1.0, by: 0.1).map { $0 }

@Suite struct ContourGeometry {
    /// z = x on [0, 1]²: band k is exactly the strip levels[k] < x ≤ levels[k+1].
    @Test func linearFieldGivesStrips() {
        let xs = stride(from: 0.0, through: 1.0, by: 0.125).map { $0 }
        let grid = ScalarGrid(xValues: xs, yValues: [0, 0.5, 1]) { x, _ in x }
        let bands = Contouring.bands(grid, levels: levels)
        #expect(bands.count == 10)
        for (k, band) in bands.enumerated() {
            #expect(abs(totalArea(band) - 0.1) < 1e-12, "band \(k)")
            for p in band.flatMap(\.points) {
                #expect(p.x >= levels[k] - 1e-12 && p.x <= levels[k + 1] + 1e-12)
            }
        }
    }

    /// z = x² + y² on [0, 1]²: band areas are quarter annuli, π(r₂² − r₁²)/4 with r = √level,
    /// up to the discretisation error of linear interpolation on a fine grid.
    @Test func radialFieldGivesQuarterAnnuli() {
        let xs = stride(from: 0.0, through: 1.0, by: 0.01).map { $0 }
        let grid = ScalarGrid(xValues: xs, yValues: xs) { x, y in x * x + y * y }
        let bands = Contouring.bands(grid, levels: levels)
        for k in 0..<10 {
            let exact = Double.pi * (levels[k + 1] - levels[k]) / 4
            #expect(abs(totalArea(bands[k]) - exact) < 2e-4, "band \(k): \(totalArea(bands[k])) vs \(exact)")
        }
        // The level line z = 0.5 is a quarter circle of radius √0.5 from the x axis to the y axis.
        let lines = Contouring.lines(grid, threshold: Threshold(0.5, inclusive: true))
        #expect(lines.count == 1)
        for p in lines[0] { #expect(abs((p.x * p.x + p.y * p.y).squareRoot() - 0.5.squareRoot()) < 1e-4) }
        let ends = [lines[0].first!, lines[0].last!].sorted { $0.x < $1.x }
        #expect(abs(ends[0].x) < 1e-12 && abs(ends[1].y) < 1e-12)
    }

    /// Bands tile the domain: every point with levels.first ≤ z ≤ levels.last is in exactly one
    /// band, so band areas add up to the whole area even for a rough field with saddles.
    @Test func bandsTileTheDomain() {
        let xs = (0..<12).map { Double($0) }
        let grid = ScalarGrid(xValues: xs, yValues: xs) { x, y in
            0.5 + 0.49 * sin(1.7 * x) * cos(2.3 * y)
        }
        let area = totalArea(Contouring.bands(grid, levels: levels).flatMap { $0 })
        #expect(abs(area - 121) < 1e-9)
        for polygon in Contouring.bands(grid, levels: levels).flatMap({ $0 }) {
            #expect(polygon.area >= -1e-12, "polygons are counter-clockwise")
        }
    }

    /// A single saddle cell: the centre value decides whether the high corners are connected.
    @Test func saddleIsResolvedByTheCentre() {
        // High corners (0,0) and (1,1); centre mean 0.55 > 0.5 → one connected region.
        let connected = ScalarGrid(xValues: [0, 1], yValues: [0, 1], values: [1.0, 0.1, 0.1, 1.0])
        let above = Contouring.region(connected, lower: Threshold(0.5, inclusive: false), upper: nil)
        #expect(above.count == 1)
        // Centre mean 0.4 < 0.5 → two separate corner triangles.
        let separate = ScalarGrid(xValues: [0, 1], yValues: [0, 1], values: [0.9, 0.0, 0.0, 0.7])
        let pieces = Contouring.region(separate, lower: Threshold(0.5, inclusive: false), upper: nil)
        #expect(pieces.count == 2)
        // Region and complement still tile the cell in both cases.
        for grid in [connected, separate] {
            let hi = totalArea(Contouring.region(grid, lower: Threshold(0.5, inclusive: false), upper: nil))
            let lo = totalArea(Contouring.region(grid, lower: Threshold(-1, inclusive: true),
                                                 upper: Threshold(0.5, inclusive: false)))
            #expect(abs(hi + lo - 1) < 1e-12)
        }
        // Lines agree with the fill: two segments either way, pairing by the centre.
        #expect(Contouring.lines(connected, threshold: Threshold(0.5, inclusive: false)).count == 2)
    }

    /// matplotlib's closure: a plateau exactly at 0.2 is in band (0.1, 0.2]; 0 is in band 0;
    /// 1 is in the top band; NaN cells are left out.
    @Test func levelValuesBelongToTheBandBelow() {
        func band(of value: Double) -> [Int] {
            let grid = ScalarGrid(xValues: [0, 1], yValues: [0, 1], values: [value, value, value, value])
            return Contouring.bands(grid, levels: levels).enumerated().filter { !$0.element.isEmpty }.map(\.offset)
        }
        #expect(band(of: 0.2) == [1])
        #expect(band(of: 0) == [0])
        #expect(band(of: 1) == [9])
        #expect(band(of: 0.25) == [2])
        #expect(band(of: 1.5) == [])
        #expect(band(of: .nan) == [])
    }

    @Test func nanCellsAreLeftBlank() {
        // 3×2 grid, NaN at x index 2: only the first cell is filled.
        let grid = ScalarGrid(xValues: [0, 1, 2], yValues: [0, 1], values: [0.5, 0.5, 0.5, 0.5, .nan, 0.5])
        let area = totalArea(Contouring.bands(grid, levels: levels).flatMap { $0 })
        #expect(abs(area - 1) < 1e-12)
    }
}

@Suite struct Colormaps {
    /// Reference bytes are matplotlib's contourf face colours for levels 0…1 by 0.1 (±1 for
    /// rounding exact halves: Python rounds them to even).
    @Test func jetBandColoursMatchMatplotlib() {
        let colors = bandColors(levels: levels, colormap: .jet).map(\.bytes)
        let reference: [(Int, Int, Int)] = [(0x00, 0x00, 0xB6), (0x00, 0x18, 0xFF), (0x00, 0x80, 0xFF),
                                            (0x00, 0xE4, 0xF8), (0x53, 0xFF, 0xA4), (0xA4, 0xFF, 0x53),
                                            (0xF8, 0xF5, 0x00), (0xFF, 0x94, 0x00), (0xFF, 0x38, 0x00),
                                            (0xB6, 0x00, 0x00)]
        for (c, r) in zip(colors, reference) {
            #expect(abs(Int(c.red) - r.0) <= 1 && abs(Int(c.green) - r.1) <= 1 && abs(Int(c.blue) - r.2) <= 1,
                    "\(c) vs \(r)")
        }
    }

    @Test func namedMaps() {
        #expect(Colormap.named("VIRIDIS") == .viridis)
        #expect(Colormap.named("parula") == nil)
        #expect(Colormap.viridis.color(at: 0).bytes == (0x44, 0x01, 0x54))
        #expect(Colormap.viridis.color(at: 1).bytes == (0xFD, 0xE7, 0x25))
        #expect(Colormap.gray.color(at: 1).bytes == (255, 255, 255))
    }
}
