import Foundation

/// An output format of `neurec run`.
public enum ReportFormat: String, CaseIterable, Sendable {
    case md, html, pdf
}

/// Writes a built document: first its figure files (`FigureWriter`), then the chosen formats to
/// `DIR/NAME.{md,html,pdf}`.
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
                try MarkdownRenderer.render(document).write(to: url, atomically: true, encoding: .utf8)
            case .html:
                try HTMLRenderer.render(document, outputDirectory: directory).write(to: url, atomically: true, encoding: .utf8)
            case .pdf:
                try PDFRenderer.render(document, to: url, paper: paper)
            }
            written.append(url)
        }
        return written
    }
}
