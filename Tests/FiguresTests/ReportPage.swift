import CCairo
import Figures
import Foundation

/// What a report typesetter does: its own PDF surface and page, figures drawn into rectangles.
enum ReportPageForTests {
    static func write(to url: URL, figures: [(any Figure, Rect)], pageSize: Size) throws {
        let surface = cairo_pdf_surface_create(url.path, pageSize.width, pageSize.height)!
        let cr = cairo_create(surface)!
        for (figure, rect) in figures { drawFigure(figure, into: cr, rect: rect) }
        cairo_show_page(cr)
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        if status != CAIRO_STATUS_SUCCESS { throw FigureError.cannotWrite(file: url.path, reason: "cairo status \(status)") }
    }
}
