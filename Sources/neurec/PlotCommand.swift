import ArgumentParser
import Figures
import Foundation

extension PhaseDiagram.Kind: ExpressibleByArgument {}

enum ColormapName: String, CaseIterable, ExpressibleByArgument {
    case jet, viridis, gray
    var colormap: Colormap { Colormap.named(rawValue)! }
}

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw the phase diagram of a result array over (n, d).",
        discussion: """
        FILE is an array [n, d, trial] (or [n, d]) as the experiments save it; trials are averaged \
        ignoring NaN. The grid n ∈ {10, 20, …, N}, d ∈ {10, 20, …, D} is read from the file name \
        pattern n{N}_d{D} unless --n-values and --d-values are given.
        """)

    @Argument(help: "The .npy result file.")
    var file: String

    @Option(name: .shortAndLong, help: "Output file: .png, .pdf or .svg (default: FILE with .png).")
    var output: String?

    @Option(help: "contour: filled contours as in the paper; heatmap: one cell per grid point.")
    var kind: PhaseDiagram.Kind = .contour

    @Option(help: "Level of the black boundary contour, or 'none'.")
    var boundary: String = "0.9"

    @Option(help: "Colour map: jet (the paper's), viridis or gray (perceptually uniform).")
    var cmap: ColormapName = .jet

    @Option(help: "Title (plain text).")
    var title: String?

    @Option(help: "Comma-separated n values of the grid's first axis (overrides the file name).")
    var nValues: String?

    @Option(help: "Comma-separated d values of the grid's second axis (overrides the file name).")
    var dValues: String?

    @Option(help: "Contour levels as start:stop:step.")
    var levels: String = "0:1:0.1"

    @Option(help: "Comma-separated c values: draw reference lines n = c·d.")
    var ratio: String?

    @Option(help: "Resolution of PNG output in pixels per inch (PNG pixels = size × dpi).")
    var dpi: Double = FigureAppearance.defaultDPI

    @Option(help: "Figure size \(FigureAppearance.sizeSyntax) (default: 246x180pt).")
    var size: String?

    @Option(help: "Font family of every label, e.g. \"Latin Modern Roman\" to match a LaTeX paper (see `fc-list : family`).")
    var font: String = FontCatalog.defaultFamily

    @Flag(help: "Leave values above the top level blank instead of saturating them.")
    var noSaturate = false

    private static func numbers(_ text: String, flag: String) throws -> [Double] {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.compactMap(Double.init)
        guard !parts.isEmpty, values.count == parts.count, values.allSatisfy(\.isFinite) else {
            throw ValidationError("\(flag) expects comma-separated numbers, got '\(text)'")
        }
        guard zip(values, values.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ValidationError("\(flag) must be increasing and distinct, got '\(text)'")
        }
        return values
    }

    var parsedLevels: [Double] {
        get throws {
            let parts = levels.split(separator: ":").compactMap { Double($0) }
            guard parts.count == 3, parts[2] > 0, parts[1] > parts[0] else {
                throw ValidationError("--levels expects start:stop:step with start < stop and step > 0, got '\(levels)'")
            }
            let bands = ((parts[1] - parts[0]) / parts[2]).rounded()
            guard bands.isFinite, bands >= 1, bands <= 100, let count = Int(exactly: bands) else {
                throw ValidationError("--levels gives \(bands) bands; use between 1 and 100")
            }
            return (0...count).map { parts[0] + Double($0) * parts[2] }
        }
    }

    var boundaryLevel: Double? {
        get throws {
            if boundary.lowercased() == "none" { return nil }
            guard let level = Double(boundary), level.isFinite else {
                throw ValidationError("--boundary expects a number or 'none', got '\(boundary)'")
            }
            return level
        }
    }

    var appearance: FigureAppearance {
        get throws {
            var appearance = FigureAppearance(fontFamily: font, dpi: dpi)
            if let size {
                guard let parsed = FigureAppearance.parseSize(size) else {
                    throw ValidationError("--size expects \(FigureAppearance.sizeSyntax), at least 1x0.75in and at most 50in a side; got '\(size)'")
                }
                appearance.size = parsed
            }
            if let problem = FigureAppearance.dpiProblem(dpi) { throw ValidationError("--dpi \(problem)") }
            if let problem = FigureAppearance.fontProblem(font) { throw ValidationError("--font: \(problem)") }
            return appearance
        }
    }

    var outputURL: URL {
        if let output { return URL(fileURLWithPath: output) }
        return URL(fileURLWithPath: file).deletingPathExtension().appendingPathExtension("png")
    }

    func validate() throws {
        _ = try parsedLevels
        _ = try boundaryLevel
        if let nValues { _ = try Self.numbers(nValues, flag: "--n-values") }
        if let dValues { _ = try Self.numbers(dValues, flag: "--d-values") }
        if (nValues == nil) != (dValues == nil) {
            throw ValidationError("--n-values and --d-values go together")
        }
        if let ratio { _ = try Self.numbers(ratio, flag: "--ratio") }
        guard OutputFormat(pathExtension: outputURL.pathExtension) != nil else {
            throw ValidationError("--output must end in .png, .pdf or .svg, got '\(outputURL.lastPathComponent)'")
        }
        _ = try appearance
    }

    func run() throws {
        do {
            let grid = try TrialResults.loadGrid(
                URL(fileURLWithPath: file),
                nValues: try nValues.map { try Self.numbers($0, flag: "--n-values") },
                dValues: try dValues.map { try Self.numbers($0, flag: "--d-values") })
            let figure = PhaseDiagram(
                grid: grid, kind: kind, levels: try parsedLevels, colormap: cmap.colormap,
                saturatesAbove: !noSaturate, boundaryLevel: try boundaryLevel,
                referenceLines: try ratio.map { try Self.numbers($0, flag: "--ratio").map(ReferenceLine.ratio) } ?? [],
                title: title.map(Markup.escape))
            let appearance = try appearance
            try appearance.applied(to: figure).render(to: outputURL, pixelScale: appearance.pixelScale)
            print(outputURL.path)
        } catch let error as LocalizedError {
            FileHandle.standardError.write(Data("neurec plot: \(error.errorDescription ?? "\(error)")\n".utf8))
            throw ExitCode.failure
        }
    }
}
