// Marching squares over a rectilinear grid: filled regions between two levels and level
// lines. Values are interpolated linearly along cell edges and level lines are straight inside
// a cell, like matplotlib's contourf; at saddles (diagonal corners on the same side) the mean
// of the four corners decides whether the diagonal is connected, so neighbouring cells and the
// fill and line routines always agree.

/// Values on a rectilinear grid: `values[i * yValues.count + j]` is z at `(xValues[i], yValues[j])`.
/// This is the layout of an experiment's `[n, d]` mean array, with x = n and y = d.
public struct ScalarGrid: Sendable, Equatable, Encodable {
    public var xValues: [Double]
    public var yValues: [Double]
    public var values: [Double]

    public init(xValues: [Double], yValues: [Double], values: [Double]) {
        precondition(values.count == xValues.count * yValues.count,
                     "grid \(xValues.count)×\(yValues.count) needs \(xValues.count * yValues.count) values, got \(values.count)")
        self.xValues = xValues
        self.yValues = yValues
        self.values = values
    }

    /// Samples `f(x, y)` at every grid point.
    public init(xValues: [Double], yValues: [Double], _ f: (Double, Double) -> Double) {
        self.init(xValues: xValues, yValues: yValues,
                  values: xValues.flatMap { x in yValues.map { y in f(x, y) } })
    }

    public subscript(i: Int, j: Int) -> Double { values[i * yValues.count + j] }

    /// A copy with every value transformed (e.g. saturated at the top level).
    public func mapValues(_ transform: (Double) -> Double) -> ScalarGrid {
        ScalarGrid(xValues: xValues, yValues: yValues, values: values.map(transform))
    }
}

/// A closed polygon in data coordinates (the last point joins the first).
public struct Polygon: Sendable, Equatable {
    public var points: [Point]
    public init(points: [Point]) { self.points = points }

    /// Signed area (positive counter-clockwise with y up).
    public var area: Double {
        guard points.count >= 3 else { return 0 }
        var sum = 0.0
        for k in points.indices {
            let a = points[k], b = points[(k + 1) % points.count]
            sum += a.x * b.y - b.x * a.y
        }
        return sum / 2
    }
}

/// One side of a region: z above `level`, with `inclusive` deciding whether z == level counts.
public struct Threshold: Sendable, Equatable {
    public var level: Double
    public var inclusive: Bool
    public init(_ level: Double, inclusive: Bool) { self.level = level; self.inclusive = inclusive }
    func isAbove(_ z: Double) -> Bool { inclusive ? z >= level : z > level }
}

public enum Contouring {
    /// The filled contour bands with matplotlib's contourf semantics: band k is
    /// levels[k] < z ≤ levels[k+1], except band 0, which also includes z == levels[0].
    /// Values outside [levels.first, levels.last] belong to no band (saturate them first to
    /// colour them). Each band is a list of per-cell polygons, counter-clockwise.
    public static func bands(_ grid: ScalarGrid, levels: [Double]) -> [[Polygon]] {
        guard levels.count >= 2 else { return [] }
        return (0..<levels.count - 1).map { k in
            region(grid, lower: Threshold(levels[k], inclusive: k == 0),
                   upper: Threshold(levels[k + 1], inclusive: false))
        }
    }

    /// The part of the grid's domain where z is above `lower` and not above `upper` (no upper
    /// bound when nil), as polygons clipped cell by cell. Cells with a NaN corner are left out.
    public static func region(_ grid: ScalarGrid, lower: Threshold, upper: Threshold?) -> [Polygon] {
        var polygons: [Polygon] = []
        let nx = grid.xValues.count, ny = grid.yValues.count
        guard nx >= 2, ny >= 2 else { return [] }
        for i in 0..<nx - 1 {
            for j in 0..<ny - 1 {
                if let cell = Cell(grid, i, j) {
                    polygons += cell.region(lower: lower, upper: upper)
                }
            }
        }
        return polygons
    }

    /// The level line where z crosses `threshold`, as polylines in data coordinates. A line
    /// that closes on itself repeats its first point at the end.
    public static func lines(_ grid: ScalarGrid, threshold: Threshold) -> [[Point]] {
        let nx = grid.xValues.count, ny = grid.yValues.count
        guard nx >= 2, ny >= 2 else { return [] }
        // Segments between edge crossings; edges are identified globally so that segments of
        // neighbouring cells join exactly.
        var segments: [(EdgeID, EdgeID)] = []
        var points: [EdgeID: Point] = [:]
        for i in 0..<nx - 1 {
            for j in 0..<ny - 1 {
                guard let cell = Cell(grid, i, j) else { continue }
                for (a, b) in cell.pairs(threshold) {
                    segments.append((cell.edgeIDs[a], cell.edgeIDs[b]))
                    points[cell.edgeIDs[a]] = cell.crossing(edge: a, level: threshold.level)
                    points[cell.edgeIDs[b]] = cell.crossing(edge: b, level: threshold.level)
                }
            }
        }
        var byEdge: [EdgeID: [Int]] = [:]
        for (k, s) in segments.enumerated() {
            byEdge[s.0, default: []].append(k)
            byEdge[s.1, default: []].append(k)
        }
        var used = [Bool](repeating: false, count: segments.count)
        var result: [[Point]] = []
        // Start open lines at their ends (edges used by one segment only), then closed loops.
        let starts = segments.indices.filter { byEdge[segments[$0].0]!.count == 1 || byEdge[segments[$0].1]!.count == 1 }
            + Array(segments.indices)
        for start in starts where !used[start] {
            used[start] = true
            var (first, current) = segments[start]
            if byEdge[current]!.count == 1 { swap(&first, &current) }
            var chain = [first, current]
            while let next = byEdge[current]!.first(where: { !used[$0] }) {
                used[next] = true
                current = segments[next].0 == current ? segments[next].1 : segments[next].0
                chain.append(current)
            }
            result.append(chain.map { points[$0]! })
        }
        return result
    }
}

/// An edge of the grid: horizontal edges run from (i, j) to (i+1, j), vertical ones from
/// (i, j) to (i, j+1).
struct EdgeID: Hashable {
    let vertical: Bool
    let i: Int
    let j: Int
}

/// One grid cell with corners counter-clockwise: 0 = (i, j), 1 = (i+1, j), 2 = (i+1, j+1),
/// 3 = (i, j+1); edge k joins corner k to corner k+1.
private struct Cell {
    let corners: [Point]
    let z: [Double]
    let edgeIDs: [EdgeID]

    init?(_ grid: ScalarGrid, _ i: Int, _ j: Int) {
        let z = [grid[i, j], grid[i + 1, j], grid[i + 1, j + 1], grid[i, j + 1]]
        guard !z.contains(where: \.isNaN) else { return nil }
        let x0 = grid.xValues[i], x1 = grid.xValues[i + 1], y0 = grid.yValues[j], y1 = grid.yValues[j + 1]
        self.z = z
        corners = [Point(x0, y0), Point(x1, y0), Point(x1, y1), Point(x0, y1)]
        edgeIDs = [EdgeID(vertical: false, i: i, j: j), EdgeID(vertical: true, i: i + 1, j: j),
                   EdgeID(vertical: false, i: i, j: j + 1), EdgeID(vertical: true, i: i, j: j)]
    }

    /// Edges 2 and 3 run against the grid's own direction; crossings are always computed from
    /// the edge's lower-index end so the two cells sharing an edge get bit-identical points.
    func canonicalEnds(_ edge: Int) -> (Int, Int) {
        edge < 2 ? (edge, (edge + 1) % 4) : ((edge + 1) % 4, edge)
    }

    /// Where along the edge (0 at the canonical start) z equals `level`.
    func canonicalParameter(edge: Int, level: Double) -> Double {
        let (a, b) = canonicalEnds(edge)
        return min(1, max(0, (level - z[a]) / (z[b] - z[a])))
    }

    func crossing(edge: Int, level: Double) -> Point {
        let (a, b) = canonicalEnds(edge)
        let t = canonicalParameter(edge: edge, level: level)
        return Point(corners[a].x + t * (corners[b].x - corners[a].x),
                     corners[a].y + t * (corners[b].y - corners[a].y))
    }

    /// Which edges' crossings of the threshold are joined inside the cell.
    func pairs(_ threshold: Threshold) -> [(Int, Int)] {
        let above = z.map(threshold.isAbove)
        let crossed = (0..<4).filter { above[$0] != above[($0 + 1) % 4] }
        switch crossed.count {
        case 2:
            return [(crossed[0], crossed[1])]
        case 4:
            // Saddle: the corners on the other side from the cell's centre are cut off.
            let centerAbove = threshold.isAbove(z.reduce(0, +) / 4)
            return centerAbove == above[0] ? [(0, 1), (2, 3)] : [(3, 0), (1, 2)]
        default:
            return []
        }
    }

    private struct Node {
        let point: Point
        /// Whether the boundary right after this node (going counter-clockwise) is in the region.
        let inRegionAfter: Bool
        /// For crossings: which threshold (0 lower, 1 upper) and which edge.
        let crossing: (threshold: Int, edge: Int)?
    }

    func region(lower: Threshold, upper: Threshold?) -> [Polygon] {
        let thresholds = [lower] + (upper.map { [$0] } ?? [])
        // 0 below the region, 1 inside, 2 above it.
        func state(_ value: Double) -> Int {
            thresholds.reduce(0) { $0 + ($1.isAbove(value) ? 1 : 0) }
        }
        let states = z.map(state)
        if states.allSatisfy({ $0 == 1 }) { return [Polygon(points: corners)] }
        if states.allSatisfy({ $0 == states[0] }) { return [] }

        // Walk the boundary counter-clockwise collecting corners and crossings in order.
        var nodes: [Node] = []
        var nodeOfCrossing: [Int: Int] = [:]  // threshold * 4 + edge → node index
        for edge in 0..<4 {
            let a = edge, b = (edge + 1) % 4
            nodes.append(Node(point: corners[a], inRegionAfter: states[a] == 1, crossing: nil))
            var onEdge: [(position: Double, threshold: Int)] = []
            for (k, threshold) in thresholds.enumerated() where threshold.isAbove(z[a]) != threshold.isAbove(z[b]) {
                let t = canonicalParameter(edge: edge, level: threshold.level)
                onEdge.append((edge < 2 ? t : 1 - t, k))
            }
            let rising = states[b] > states[a]
            onEdge.sort { rising ? $0.threshold < $1.threshold : $0.threshold > $1.threshold }
            for (_, k) in onEdge {
                // Crossing threshold k upwards enters state k+1; downwards, state k.
                let after = rising ? k + 1 : k
                nodeOfCrossing[k * 4 + edge] = nodes.count
                nodes.append(Node(point: crossing(edge: edge, level: thresholds[k].level),
                                  inRegionAfter: after == 1, crossing: (k, edge)))
            }
        }
        var partner: [Int: Int] = [:]
        for (k, threshold) in thresholds.enumerated() {
            for (a, b) in pairs(threshold) {
                guard let na = nodeOfCrossing[k * 4 + a], let nb = nodeOfCrossing[k * 4 + b] else { continue }
                partner[na] = nb
                partner[nb] = na
            }
        }

        var polygons: [Polygon] = []
        var visited = Set<Int>()
        for start in nodes.indices where nodes[start].inRegionAfter && !visited.contains(start) {
            var points: [Point] = []
            var current = start
            for _ in 0..<(2 * nodes.count + 2) {
                points.append(nodes[current].point)
                if nodes[current].inRegionAfter {
                    visited.insert(current)
                    current = (current + 1) % nodes.count
                } else if let next = partner[current] {
                    current = next
                } else {
                    break  // cannot happen for consistent pairings; drop rather than loop
                }
                if current == start { break }
            }
            polygons.append(Polygon(points: points))
        }
        return polygons
    }
}
