import Foundation

public enum PDFRenderer {
    public enum PaperSize: Sendable { case a4, letter }
    public static func render(_ document: ReportDocument, to url: URL, paper: PaperSize) throws {}
}
