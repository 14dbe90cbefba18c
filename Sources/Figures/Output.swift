import CCairo
import Foundation
import NumpyFiles

// Output surfaces. Every figure has one drawing routine, `draw(into:rect:)`, that only talks
// to a cairo_t; the surface behind it (image, PDF, SVG, or a caller's page) decides the format.

/// Something that can be drawn: a value holding data and style, with a preferred size. Encodable
/// so that a figure has a stable identity (the report's figure files are keyed on its JSON).
public protocol Figure: Sendable, Encodable {
    /// The size the figure is drawn at, in points; files take it as their page or image size.
    var size: Size { get set }
    /// The typeface of every label: a family name Pango knows (see `FontCatalog`).
    var fontFamily: String { get set }
    /// Draws the figure to fill `rect` (points, in the context's current user space). The
    /// context's state is saved and restored; nothing is painted outside `rect`, and the
    /// background is left transparent so the figure can sit on a caller's page.
    func draw(into cairo: OpaquePointer, rect: Rect)
}

/// Draws `figure` into a caller-owned `cairo_t` (as an `OpaquePointer`) at `rect`, in vector
/// form when the context's surface is a vector one. This is how a report typesetter places
/// figures on its own PDF pages.
public func drawFigure(_ figure: any Figure, into cairo: OpaquePointer, rect: Rect) {
    figure.draw(into: cairo, rect: rect)
}

public enum OutputFormat: String, CaseIterable, Sendable {
    case png, pdf, svg

    /// The format named by a file's extension (case-insensitive), or nil.
    public init?(pathExtension: String) {
        self.init(rawValue: pathExtension.lowercased())
    }
}

public enum FigureError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case unknownFormat(file: String)
    case cannotWrite(file: String, reason: String)
    case cannotRead(file: String, reason: String)
    case invalidData(file: String, reason: String)

    public var description: String {
        switch self {
        case .unknownFormat(let file):
            return "\(file): unknown output format (use a .png, .pdf or .svg file name)"
        case let .cannotWrite(file, reason): return "\(file): cannot write: \(reason)"
        case let .cannotRead(file, reason): return "\(file): cannot read: \(reason)"
        case let .invalidData(file, reason): return "\(file): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}

extension Figure {
    /// Writes the figure as PNG (`pixelScale` pixels per point; 2 by default for sharp
    /// screens and print), PDF or SVG (vector, sizes in points). The format comes from the
    /// file extension unless given. The file appears atomically.
    public func render(to url: URL, format: OutputFormat? = nil, pixelScale: Double = 2) throws {
        guard let format = format ?? OutputFormat(pathExtension: url.pathExtension) else {
            throw FigureError.unknownFormat(file: url.path)
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.deletingLastPathComponent().path, isDirectory: &isFolder),
              isFolder.boolValue else {
            throw FigureError.cannotWrite(file: url.path, reason: "no such folder")
        }
        try AtomicFile.write(to: url, failure: { FigureError.cannotWrite(file: url.path, reason: $0) }) { temporary in
            let status: cairo_status_t
            switch format {
            case .png:
                let image = rasterize(pixelScale: pixelScale)
                status = image.withSurface { cairo_surface_write_to_png($0, temporary.path) }
            case .pdf, .svg:
                let surface = format == .pdf
                    ? cairo_pdf_surface_create(temporary.path, size.width, size.height)
                    : cairo_svg_surface_create(temporary.path, size.width, size.height)
                if format == .svg { cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PT) }
                let cr = cairo_create(surface)!
                cairo_set_source_rgb(cr, 1, 1, 1)
                cairo_paint(cr)
                draw(into: cr, rect: Rect(x: 0, y: 0, width: size.width, height: size.height))
                cairo_destroy(cr)
                cairo_surface_finish(surface)
                status = cairo_surface_status(surface)
                cairo_surface_destroy(surface)
            }
            guard status == CAIRO_STATUS_SUCCESS else {
                throw FigureError.cannotWrite(file: url.path, reason: String(cString: cairo_status_to_string(status)))
            }
        }
    }

    /// The figure as pixels on a white background, `pixelScale` pixels per point.
    public func rasterize(pixelScale: Double = 2) -> RasterImage {
        // Whole pixels covering the figure; a product a rounding error above a whole number (3.25 in
        // at 300 dpi) is that number, so PNG pixels are exactly size × dpi where that is whole.
        func pixels(_ points: Double) -> Int { Int((points * pixelScale * (1 - 1e-12)).rounded(.up)) }
        let width = pixels(size.width), height = pixels(size.height)
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        cairo_scale(cr, pixelScale, pixelScale)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        draw(into: cr, rect: Rect(x: 0, y: 0, width: size.width, height: size.height))
        cairo_destroy(cr)
        return RasterImage(surface: surface)
    }
}

/// Saves the context, confines drawing to `rect` and moves the origin to its corner, so each
/// figure lays itself out in local coordinates (0, 0)–(width, height).
func withLocalCoordinates(_ cr: OpaquePointer, _ rect: Rect, _ body: (Rect) -> Void) {
    cairo_save(cr)
    cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
    cairo_clip(cr)
    cairo_translate(cr, rect.x, rect.y)
    body(Rect(x: 0, y: 0, width: rect.width, height: rect.height))
    cairo_restore(cr)
}

/// Opaque 8-bit RGB pixels (alpha is kept for completeness), row by row from the top.
public struct RasterImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `0xAARRGGBB` per pixel, premultiplied as Cairo stores it.
    public let pixels: [UInt32]

    public struct Pixel: Sendable, Equatable, CustomStringConvertible {
        public var red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8
        public var description: String { "rgba(\(red), \(green), \(blue), \(alpha))" }
    }

    init(surface: OpaquePointer) {
        cairo_surface_flush(surface)
        width = Int(cairo_image_surface_get_width(surface))
        height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        var pixels = [UInt32](repeating: 0, count: width * height)
        let format = cairo_image_surface_get_format(surface)
        for y in 0..<height {
            let row = UnsafeRawPointer(data + y * stride)
            for x in 0..<width {
                let v = row.load(fromByteOffset: 4 * x, as: UInt32.self)
                pixels[y * width + x] = format == CAIRO_FORMAT_RGB24 ? v | 0xFF00_0000 : v
            }
        }
        self.pixels = pixels
    }

    /// Reads a PNG file (for golden-image comparisons).
    public init(contentsOfPNG url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FigureError.cannotRead(file: url.path, reason: "no such file")
        }
        let surface = cairo_image_surface_create_from_png(url.path)!
        defer { cairo_surface_destroy(surface) }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw FigureError.cannotRead(file: url.path, reason: String(cString: cairo_status_to_string(status)))
        }
        self.init(surface: surface)
    }

    public subscript(x: Int, y: Int) -> Pixel {
        let v = pixels[y * width + x]
        return Pixel(red: UInt8((v >> 16) & 0xFF), green: UInt8((v >> 8) & 0xFF),
                     blue: UInt8(v & 0xFF), alpha: UInt8(v >> 24))
    }

    /// The largest channel difference and the fraction of pixels differing by more than
    /// `tolerance` in some channel; nil when the sizes differ.
    public func difference(from other: RasterImage, tolerance: Int) -> (maximum: Int, fractionOver: Double)? {
        guard width == other.width, height == other.height else { return nil }
        var maximum = 0, over = 0
        for (a, b) in zip(pixels, other.pixels) where a != b {
            var worst = 0
            for shift in stride(from: 0, through: 24, by: 8) {
                worst = max(worst, abs(Int((a >> UInt32(shift)) & 0xFF) - Int((b >> UInt32(shift)) & 0xFF)))
            }
            maximum = max(maximum, worst)
            if worst > tolerance { over += 1 }
        }
        return (maximum, Double(over) / Double(max(1, pixels.count)))
    }

    /// Writes the pixels as a PNG file, atomically.
    public func writePNG(to url: URL) throws {
        try AtomicFile.write(to: url, failure: { FigureError.cannotWrite(file: url.path, reason: $0) }) { temporary in
            let status = withSurface { cairo_surface_write_to_png($0, temporary.path) }
            guard status == CAIRO_STATUS_SUCCESS else {
                throw FigureError.cannotWrite(file: url.path, reason: String(cString: cairo_status_to_string(status)))
            }
        }
    }

    /// A temporary Cairo image surface holding these pixels.
    func withSurface<T>(_ body: (OpaquePointer) -> T) -> T {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))!
        defer { cairo_surface_destroy(surface) }
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        for y in 0..<height {
            let row = UnsafeMutableRawPointer(data + y * stride)
            for x in 0..<width { row.storeBytes(of: pixels[y * width + x], toByteOffset: 4 * x, as: UInt32.self) }
        }
        cairo_surface_mark_dirty(surface)
        return body(surface)
    }
}
