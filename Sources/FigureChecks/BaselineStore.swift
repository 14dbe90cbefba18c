import Foundation
import NumpyFiles
import Vocabulary

public enum FigureCheckError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case cannotRead(file: String, reason: String)
    case cannotWrite(file: String, reason: String)
    case invalidBaseline(file: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotRead(file, reason): return "\(file): cannot read: \(reason)"
        case let .cannotWrite(file, reason): return "\(file): cannot write: \(reason)"
        case let .invalidBaseline(file, reason): return "\(file): not a figure baseline: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}

/// The committed baselines of one report: a folder (by default `figures/baseline/NAME/`) with, per
/// figure, `ID.json` (its data, format below) and `ID.png` (its rendering).
///
/// `ID.json` holds `format`, `id` and `arrays`; each array has `name`, `kind` ("rate" or
/// "continuous"), `range` (plotted [lo, hi]), `n`, `d`, `trials` and `values` nested
/// [n][d][trial], one line per n value, NaN written as `null`. One self-contained text file per
/// figure keeps the baseline reviewable in a diff and makes each write a single atomic rename.
public struct BaselineStore: Sendable {
    public static let formatName = "neurec-figure-baseline/1"
    /// Resolution of every baseline PNG and of the figures compared with it: 2 pixels per point.
    /// Fixed, whatever dpi a report asks for, so the image tolerance (a 3×3 neighbourhood, 0.5 %
    /// of pixels) keeps the meaning it was calibrated with and baselines change only with the drawing.
    public static let imageDPI = 144.0
    public let folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    /// `ROOT/figures/baseline/NAME/` for the report `NAME.md`.
    public init(report: URL, root: URL) {
        let name = report.deletingPathExtension().lastPathComponent
        self.init(folder: root.appendingPathComponent("figures/baseline/\(name)", isDirectory: true))
    }

    public func dataURL(for id: String) -> URL { folder.appendingPathComponent("\(id).json") }
    public func imageURL(for id: String) -> URL { folder.appendingPathComponent("\(id).png") }

    /// Ids of the figures with a baseline, sorted; empty when the folder does not exist.
    public func figureIDs() throws -> [String] {
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
                .map { String($0.dropLast(5)) }
                .sorted()
        } catch {
            throw FigureCheckError.cannotRead(file: folder.path, reason: error.localizedDescription)
        }
    }

    /// The baseline data of a figure, or nil when it has none.
    public func load(_ id: String) throws -> FigureData? {
        let url = dataURL(for: id)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw FigureCheckError.cannotRead(file: url.path, reason: error.localizedDescription)
        }
        return try BaselineStore.decode(data, source: url.path)
    }

    /// The baseline PNG of a figure, or nil when it has none.
    public func image(_ id: String) -> URL? {
        let url = imageURL(for: id)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Writes a figure's baseline: `ID.json` from `figure` and `ID.png` copied from `png` (or
    /// removed when nil). Each file appears atomically; the folder is created if needed.
    public func write(_ figure: FigureData, png: URL?) throws {
        guard !figure.id.isEmpty, !figure.id.contains("/"), !figure.id.hasPrefix(".") else {
            throw FigureCheckError.cannotWrite(file: folder.path, reason: "figure id '\(figure.id)' is not a file name")
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw FigureCheckError.cannotWrite(file: folder.path, reason: error.localizedDescription)
        }
        let text = try BaselineStore.encode(figure, source: dataURL(for: figure.id).path)
        try AtomicFile.write(Data(text.utf8), to: dataURL(for: figure.id), failure: cannotWrite(dataURL(for: figure.id)))
        if let png {
            let bytes: Data
            do { bytes = try Data(contentsOf: png) } catch {
                throw FigureCheckError.cannotRead(file: png.path, reason: error.localizedDescription)
            }
            try AtomicFile.write(bytes, to: imageURL(for: figure.id), failure: cannotWrite(imageURL(for: figure.id)))
        } else {
            try? FileManager.default.removeItem(at: imageURL(for: figure.id))
        }
    }

    /// Removes a figure's baseline files (a figure no longer in the report).
    public func remove(_ id: String) throws {
        for url in [dataURL(for: id), imageURL(for: id)] where FileManager.default.fileExists(atPath: url.path) {
            do { try FileManager.default.removeItem(at: url) } catch {
                throw FigureCheckError.cannotWrite(file: url.path, reason: error.localizedDescription)
            }
        }
    }

    // MARK: The file format

    private struct File: Decodable {
        var format: String
        var id: String
        var arrays: [Entry]
    }

    private struct Entry: Decodable {
        var name: String
        var kind: ValueKind
        var range: [Double]
        var n: [Double]
        var d: [Double]
        var trials: Int
        var values: [[[Double?]]]
    }

    static func decode(_ data: Data, source: String) throws -> FigureData {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch {
            throw FigureCheckError.invalidBaseline(file: source, reason: "\(error)")
        }
        guard file.format == formatName else {
            throw FigureCheckError.invalidBaseline(file: source, reason: "format '\(file.format)', expected '\(formatName)'")
        }
        let arrays = try file.arrays.map { entry -> TrialArray in
            guard entry.range.count == 2, entry.range[0] < entry.range[1] else {
                throw FigureCheckError.invalidBaseline(file: source, reason: "\(entry.name): range must be [lo, hi]")
            }
            let shapeOK = entry.trials >= 0 && entry.values.count == entry.n.count
                && entry.values.allSatisfy { $0.count == entry.d.count && $0.allSatisfy { $0.count == entry.trials } }
            guard shapeOK else {
                throw FigureCheckError.invalidBaseline(
                    file: source, reason: "\(entry.name): values are not \(entry.n.count)×\(entry.d.count)×\(entry.trials)")
            }
            let flat = entry.values.flatMap { $0.flatMap { $0.map { $0 ?? .nan } } }
            return TrialArray(name: entry.name, kind: entry.kind,
                              grid: TrialGrid(nValues: entry.n, dValues: entry.d, trials: entry.trials, values: flat),
                              plottedRange: entry.range[0]...entry.range[1])
        }
        return FigureData(id: file.id, arrays: arrays)
    }

    static func encode(_ figure: FigureData, source: String) throws -> String {
        func number(_ value: Double) throws -> String {
            if value.isNaN { return "null" }
            guard value.isFinite else {
                throw FigureCheckError.cannotWrite(file: source, reason: "infinite value cannot be stored")
            }
            return formatGridValue(value)
        }
        func list(_ values: some Sequence<Double>) throws -> String {
            "[" + (try values.map(number)).joined(separator: ", ") + "]"
        }
        var lines = ["{", "  \"format\": \(quoted(formatName)),", "  \"id\": \(quoted(figure.id)),", "  \"arrays\": ["]
        for (k, array) in figure.arrays.enumerated() {
            lines += [
                "    {",
                "      \"name\": \(quoted(array.name)),",
                "      \"kind\": \(quoted(array.kind.rawValue)),",
                "      \"range\": \(try list([array.plottedRange.lowerBound, array.plottedRange.upperBound])),",
                "      \"n\": \(try list(array.nValues)),",
                "      \"d\": \(try list(array.dValues)),",
                "      \"trials\": \(array.trials),",
                "      \"values\": [",
            ]
            let dCount = array.dValues.count
            for i in 0..<array.nValues.count {
                let cells = try (0..<dCount).map { j in try list(array.grid.trialValues(cell: i * dCount + j)) }
                lines.append("        [" + cells.joined(separator: ", ") + "]" + (i + 1 < array.nValues.count ? "," : ""))
            }
            lines += ["      ]", "    }" + (k + 1 < figure.arrays.count ? "," : "")]
        }
        lines += ["  ]", "}", ""]
        return lines.joined(separator: "\n")
    }
}

private func quoted(_ text: String) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    return String(decoding: (try? encoder.encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
}

/// How a failed baseline write reads.
private func cannotWrite(_ url: URL) -> (String) -> any Error {
    { FigureCheckError.cannotWrite(file: url.path, reason: $0) }
}
