import Experiments
import Figures
import Foundation
import NumpyFiles
import Vocabulary

/// Writes the figure files a built document names — PNG (shown by Markdown and HTML) and PDF (a
/// vector copy) under the paths in each `FigureContent`, relative to the output folder — after
/// `ReportBuilder` has built the model and before the renderers read it. A figure is redrawn
/// only when its files are missing or its data or style changed: a key of its stable encoding is
/// stored beside the PNG (`ID.hash`).
public enum FigureWriter {
    /// Writes every figure of `document` below `directory`; returns the files (re)drawn.
    @discardableResult
    public static func write(_ document: ReportDocument, to directory: URL) throws -> [URL] {
        var written: [URL] = []
        for figure in figures(in: document.blocks) {
            written += try write(figure, to: directory)
        }
        return written
    }

    static func figures(in blocks: [Block]) -> [FigureContent] {
        blocks.flatMap { block -> [FigureContent] in
            switch block {
            case .figure(let f): return [f]
            case .list(_, _, _, let items): return items.flatMap { figures(in: $0) }
            case .quote(let inner): return figures(in: inner)
            default: return []
            }
        }
    }

    private static func write(_ content: FigureContent, to directory: URL) throws -> [URL] {
        let png = directory.appendingPathComponent(content.pngPath)
        let pdf = directory.appendingPathComponent(content.pdfPath)
        let hashFile = png.deletingPathExtension().appendingPathExtension("hash")
        let fm = FileManager.default
        do {
            let key = try cacheKey(content.figure, pngDPI: content.pngDPI)
            if fm.fileExists(atPath: png.path), fm.fileExists(atPath: pdf.path),
               (try? String(contentsOf: hashFile, encoding: .utf8)) == key {
                return []
            }
            try fm.createDirectory(at: png.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.createDirectory(at: pdf.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.figure.render(to: png, pixelScale: content.pngDPI / 72)
            try content.figure.render(to: pdf)
            try AtomicFile.write(Data(key.utf8), to: hashFile)
        } catch {
            throw ReportError(file: content.pngPath, line: 0, message: "cannot render figure '\(content.label)': \(userMessage(for: error))")
        }
        return [png, pdf]
    }

    /// FNV-1a (`stableHash`) of the PNG resolution, the figure's type and its canonical JSON (sorted
    /// keys, NaN and ±∞ spelled out): equal for equal data and style in any process and on any machine.
    static func cacheKey(_ figure: any Figure, pngDPI: Double) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let json = try encoder.encode(figure)
        let prefix = Array("figure-v3 \(pngDPI) \(type(of: figure)) ".utf8)
        return String(stableHash(prefix + Array(json)), radix: 16)
    }
}
