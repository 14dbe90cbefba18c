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
        #expect(png.width == 684 && png.height == 500, "246 × 180 pt at 200 dpi by default")
    }

    /// The issue's own example: a column-wide figure for a LaTeX paper, 975 × 720 px, in Latin Modern.
    @Test  // scripts/bootstrap installs fonts-lmodern for the tests
    func sizesAFigureForAPaperColumn() throws {
        let folder = try temporaryFolder()
        let input = folder.appendingPathComponent("rec_rate_skip_n100_d50_w1_X0_sample2.npy")
        try NumpyArray(shape: [10, 5, 2], repeating: 0.5).write(to: input)
        let options = ["--dpi", "300", "--size", "3.25x2.4in", "--font", "Latin Modern Roman"]
        let png = folder.appendingPathComponent("fig.png"), pdf = folder.appendingPathComponent("fig.pdf")
        for output in [png, pdf] {
            let result = try run(try neurecExecutable().path, ["plot", input.path, "-o", output.path] + options)
            #expect(result.status == 0, "\(result.output)")
        }
        let image = try RasterImage(contentsOfPNG: png)
        #expect(image.width == 975 && image.height == 720)
        if which("pdffonts") != nil {
            let fonts = try run("pdffonts", [pdf.path]).output
            #expect(fonts.contains("LMRoman"), "\(fonts)")
            #expect(!fonts.contains("DejaVu"), "every label in the requested family: \(fonts)")
        }
    }

    @Test func badFigureOptionsNameTheFlag() throws {
        let folder = try temporaryFolder()
        let input = folder.appendingPathComponent("rec_rate_skip_n100_d50_w1_X0_sample2.npy")
        try NumpyArray(shape: [10, 5, 2], repeating: 0.5).write(to: input)
        for (arguments, fragments) in [
            (["--font", "No Such Typeface 42"], ["--font", "No Such Typeface 42", "fc-list"]),
            (["--size", "3x2"], ["--size", "in, cm, mm or pt"]),
            (["--dpi", "0"], ["--dpi", "between"]),
        ] {
            let result = try run(try neurecExecutable().path, ["plot", input.path, "-o", folder.appendingPathComponent("x.png").path] + arguments)
            #expect(result.status != 0)
            for fragment in fragments { #expect(result.output.contains(fragment), "\(arguments): \(result.output)") }
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.png").path))
        }
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
