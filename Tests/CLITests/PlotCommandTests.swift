import Figures
import Foundation
import NumpyFiles
import TestSupport
import Testing

@Suite struct PlotCommand {
    @Test func drawsAnExperimentsResultFile() throws {
        let neurec = try neurecExecutable().path
        let folder = try temporaryFolder("plot")
        let input = folder.appendingPathComponent("rec_rate_skip_n100_d50_w1_X0_sample2.npy")
        // [n, d, trial] with the cell (n = 10, d = 10) all NaN, as skipped cells are saved.
        var array = NumpyArray(shape: [10, 5, 2], repeating: 1)
        array[0, 0, 0] = .nan
        array[0, 0, 1] = .nan
        array[9, 4, 1] = 0
        try array.write(to: input)
        for name in ["out.png", "out.pdf", "out.svg"] {
            let output = folder.appendingPathComponent(name)
            let result = try run(neurec, ["plot", input.path, "-o", output.path, "--kind", "heatmap",
                                                "--cmap", "viridis", "--title", "a <title> & more"])
            #expect(result.status == 0, "\(result.output)")
            #expect(FileManager.default.fileExists(atPath: output.path))
        }
        let png = try RasterImage(contentsOfPNG: folder.appendingPathComponent("out.png"))
        #expect(png.width == 492 && png.height == 360)
    }

    @Test func badInputGivesOneLineNamingTheFile() throws {
        let neurec = try neurecExecutable().path
        let folder = try temporaryFolder("plot")
        let input = folder.appendingPathComponent("rec_rate_n100_d50.npy")
        try Data("not numpy".utf8).write(to: input)
        let result = try run(neurec, ["plot", input.path])
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(input.path) && lines[0].contains("not a NumPy"), "\(result.output)")

        let invalid = try run(neurec, ["plot", input.path, "--cmap", "parula"])
        #expect(invalid.status != 0)
        #expect(invalid.output.contains("--cmap") && invalid.output.contains("viridis"))
    }
}
