import CCairo
import Figures
import Foundation
import NumpyFiles

/// Typesets the document model into a PDF with Pango and Cairo: numbered headings with a PDF
/// outline, justified and hyphenated paragraphs with inline math, lists, quotes, code, tables
/// with repeated headers, figures drawn as vectors with their captions, display math, clickable
/// cross-references and running page numbers.
public enum PDFRenderer {
    public enum PaperSize: Sendable {
        case a4, letter
        var size: (width: Double, height: Double) { self == .a4 ? (595.276, 841.89) : (612, 792) }
    }

    public struct RenderError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func render(_ document: ReportDocument, to url: URL, paper: PaperSize = .a4) throws {
        let (pageWidth, pageHeight) = paper.size
        try AtomicFile.write(to: url, failure: { RenderError(description: "\(url.path): \($0)") }) { temporary in
            guard let surface = cairo_pdf_surface_create(temporary.path, pageWidth, pageHeight) else {
                throw RenderError(description: "\(url.path): cannot create the PDF")
            }
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, document.title)
            if !document.authors.isEmpty {
                cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, document.authors.joined(separator: ", "))
            }
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "neurec")
            let cr = cairo_create(surface)!
            let setter = Typesetter(cr: cr, surface: surface, textWidth: pageWidth - 2 * Typesetter.sideMargin,
                                    textHeight: pageHeight - Typesetter.topMargin - Typesetter.bottomMargin, document: document)
            let items = setter.flow(document)
            let pages = Paginator.paginate(items.map(\.metrics), pageHeight: setter.textHeight)
            for (pageIndex, page) in pages.enumerated() {
                for placement in page {
                    let item = items[placement.item]
                    cairo_save(cr)
                    cairo_set_source_rgb(cr, 0, 0, 0)
                    item.draw(cr, Typesetter.sideMargin + item.indent, Typesetter.topMargin + placement.top, placement)
                    cairo_restore(cr)
                }
                // Running page number.
                let number = PangoText(cr, font: Typesetter.serif, size: 9)
                number.setText("\(pageIndex + 1)")
                cairo_set_source_rgb(cr, 0.25, 0.25, 0.25)
                number.draw(cr, x: (pageWidth - number.logical.width) / 2, y: pageHeight - Typesetter.bottomMargin / 2 - 5)
                cairo_show_page(cr)
            }
            setter.addOutline()
            let status = cairo_status(cr)
            cairo_destroy(cr)
            cairo_surface_finish(surface)
            let surfaceStatus = cairo_surface_status(surface)
            cairo_surface_destroy(surface)
            guard status == CAIRO_STATUS_SUCCESS, surfaceStatus == CAIRO_STATUS_SUCCESS else {
                let message = String(cString: cairo_status_to_string(status != CAIRO_STATUS_SUCCESS ? status : surfaceStatus))
                throw RenderError(description: "\(url.path): cairo: \(message)")
            }
        }
    }
}

/// A piece of the flow with its metrics and how to draw a placement of it at (x, top).
struct FlowItem {
    var metrics: FlowMetrics
    var indent: Double = 0
    var draw: (OpaquePointer, Double, Double, Placement) -> Void
}
