// Colour maps. `jet` reproduces the paper's figures; `viridis` and `gray` are perceptually
// uniform alternatives that survive grayscale printing and colour-vision deficiencies.

/// A map from [0, 1] to colours, sampled like matplotlib's 256-entry lookup tables so a band's
/// colour is the same byte-for-byte as matplotlib's for the same level.
public struct Colormap: Sendable, Hashable, Encodable {
    public let name: String
    /// Piecewise-linear control points (position, value) per channel.
    let red: [Stop], green: [Stop], blue: [Stop]

    struct Stop: Sendable, Hashable, Encodable { let at: Double; let value: Double }

    init(name: String, red: [(Double, Double)], green: [(Double, Double)], blue: [(Double, Double)]) {
        self.name = name
        self.red = red.map { Stop(at: $0.0, value: $0.1) }
        self.green = green.map { Stop(at: $0.0, value: $0.1) }
        self.blue = blue.map { Stop(at: $0.0, value: $0.1) }
    }

    /// Equally spaced colours from 0 to 1.
    init(name: String, hexColors: [UInt32]) {
        let colors = hexColors.map { RGBColor(hex: $0) }
        let step = 1.0 / Double(colors.count - 1)
        self.init(name: name,
                  red: colors.enumerated().map { (Double($0.offset) * step, $0.element.red) },
                  green: colors.enumerated().map { (Double($0.offset) * step, $0.element.green) },
                  blue: colors.enumerated().map { (Double($0.offset) * step, $0.element.blue) })
    }

    /// The colour at `t` (clamped to [0, 1]); NaN gives white, the colour of missing data.
    public func color(at t: Double) -> RGBColor {
        guard !t.isNaN else { return .white }
        // matplotlib's 256-entry table: entry k holds the map at k/255 and t picks entry ⌊256 t⌋.
        let entry = min(255, max(0, Int(t * 256)))
        let x = Double(entry) / 255
        return RGBColor(red: Self.interpolate(red, x), green: Self.interpolate(green, x),
                        blue: Self.interpolate(blue, x))
    }

    private static func interpolate(_ stops: [Stop], _ x: Double) -> Double {
        if x <= stops[0].at { return stops[0].value }
        for k in 1..<stops.count where x <= stops[k].at {
            let a = stops[k - 1], b = stops[k]
            return a.value + (b.value - a.value) * (x - a.at) / (b.at - a.at)
        }
        return stops[stops.count - 1].value
    }

    /// matplotlib's jet: blue → cyan → yellow → red, with dark ends.
    public static let jet = Colormap(
        name: "jet",
        red: [(0, 0), (0.35, 0), (0.66, 1), (0.89, 1), (1, 0.5)],
        green: [(0, 0), (0.125, 0), (0.375, 1), (0.64, 1), (0.91, 0), (1, 0)],
        blue: [(0, 0.5), (0.11, 1), (0.34, 1), (0.65, 0), (1, 0)])

    /// viridis (van der Walt and Smith, CC0), 33 samples of the published table.
    public static let viridis = Colormap(name: "viridis", hexColors: [
        0x440154, 0x470D60, 0x48186A, 0x482374, 0x472D7B, 0x453781, 0x424086, 0x3E4989,
        0x3B528B, 0x375B8D, 0x33638D, 0x2F6B8E, 0x2C728E, 0x297A8E, 0x26828E, 0x23898E,
        0x21918C, 0x1F988B, 0x1FA088, 0x22A785, 0x28AE80, 0x32B67A, 0x3FBC73, 0x4EC36B,
        0x5EC962, 0x70CF57, 0x84D44B, 0x98D83E, 0xADDC30, 0xC2DF23, 0xD8E219, 0xECE51B, 0xFDE725,
    ])

    /// Black to white.
    public static let gray = Colormap(name: "gray", red: [(0, 0), (1, 1)], green: [(0, 0), (1, 1)],
                                      blue: [(0, 0), (1, 1)])

    public static let all: [Colormap] = [.jet, .viridis, .gray]

    /// The map of that name (`jet`, `viridis`, `gray`), or nil.
    public static func named(_ name: String) -> Colormap? {
        all.first { $0.name == name.lowercased() }
    }

    public static func == (lhs: Colormap, rhs: Colormap) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// The discrete colours of filled contours: band k gets the map's colour at the middle of
/// [levels[k], levels[k+1]], normalised over the level range, as matplotlib's contourf does.
public func bandColors(levels: [Double], colormap: Colormap) -> [RGBColor] {
    guard levels.count >= 2, let lo = levels.first, let hi = levels.last, hi > lo else { return [] }
    return (0..<levels.count - 1).map { k in
        colormap.color(at: ((levels[k] + levels[k + 1]) / 2 - lo) / (hi - lo))
    }
}
