import Experiments
import Foundation
import NumpyFiles

/// An output format of `neurec run`.
public enum ReportFormat: String, CaseIterable, Sendable {
    case md, html, pdf
}

/// Writes a built document: first its figure files (`FigureWriter`), then the chosen formats to
/// `DIR/NAME.{md,html,pdf}`, each through a temporary file renamed over the old one (`AtomicFile`):
/// a folder of that name is an error, never deleted, and an interrupted run leaves the previous
/// report whole.
public enum ReportWriter {
    @discardableResult
    public static func write(_ document: ReportDocument, to directory: URL, formats: [ReportFormat] = ReportFormat.allCases,
                             paper: PDFRenderer.PaperSize = .a4) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FigureWriter.write(document, to: directory)
        var written: [URL] = []
        for format in formats {
            let url = directory.appendingPathComponent("\(document.name).\(format.rawValue)")
            switch format {
            case .md:
                try AtomicFile.write(Data(MarkdownRenderer.render(document).utf8), to: url)
            case .html:
                try AtomicFile.write(Data(HTMLRenderer.render(document, outputDirectory: directory).utf8), to: url)
            case .pdf:
                try PDFRenderer.render(document, to: url, paper: paper)  // itself written through AtomicFile
            }
            written.append(url)
        }
        return written
    }
}
