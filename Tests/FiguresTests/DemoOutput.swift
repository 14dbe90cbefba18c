import Figures
import Foundation
import TestSupport
import Testing

/// Writes every demo figure as PNG, PDF and SVG when NEUREC_FIGURE_DEMO names a folder; a way to
/// look at the figures, not a check.
@Test(.enabled(if: ProcessInfo.processInfo.environment["NEUREC_FIGURE_DEMO"] != nil, "set NEUREC_FIGURE_DEMO=folder to write the demo figures"))
func writeDemoFigures() throws {
    let folder = URL(fileURLWithPath: ProcessInfo.processInfo.environment["NEUREC_FIGURE_DEMO"]!)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, figure) in Demo.all {
        for format in OutputFormat.allCases {
            try figure.render(to: folder.appendingPathComponent("\(name).\(format.rawValue)"))
        }
    }
}
