import Foundation
import TestSupport

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("neurec-figures-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}


let popplerAvailable = which("pdfinfo") != nil && which("pdftoppm") != nil && which("pdfimages") != nil
