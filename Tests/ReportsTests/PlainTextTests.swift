import Figures
import Foundation
import Reports
import TestSupport
import Testing

/// Math read as plain Unicode text for alt text, titles, PDF metadata and outlines.
@Suite struct PlainTextMath {
    @Test(arguments: [
        ("\\mathbf{X}", "X"),
        ("\\sigma", "σ"),
        ("w_0", "w₀"),
        ("x^2", "x²"),
        ("10^{-6}", "10⁻⁶"),
        ("n = 2d", "n = 2d"),
        ("n/d", "n/d"),
        ("\\|w_0 - \\mathbf{w}^*\\|_2", "‖w₀ − w*‖₂"),
        ("\\|f(\\mathbf{X}_{\\text{test}}) - \\mathbf{y}_{\\text{test}}\\|_2", "‖f(Xₜₑₛₜ) − yₜₑₛₜ‖₂"),
        ("\\max(2n, 50)", "max(2n, 50)"),
        ("\\log n", "log n"),
        ("-u", "−u"),
        ("\\sum_{i=1}^{p} \\|w_i\\|_2", "∑ᵢ₌₁ᵖ ‖wᵢ‖₂"),
        ("\\frac{\\beta}{2}", "β/2"),
        ("\\frac{a+b}{c}", "(a + b)/c"),
        ("\\mathbb{R}^{n \\times d}", "ℝ^(n×d)"),
        ("\\mathbb{R}^{d}", "ℝᵈ"),
        ("\\mathbf{X}^\\top", "Xᵀ"),
        ("\\min_{\\Theta} R(\\Theta)", "min_Θ R(Θ)"),
        ("x_{\\text{a b}}", "x_(ab)"),
        ("\\hat{w}", "w\u{0302}"),
    ])
    func formulasReadAsText(_ tex: String, _ expected: String) throws {
        #expect(try TeXParser.parse(tex).plainText == expected)
    }

    /// The Unicode script tables are built by zipping two strings: every character must pair up.
    @Test func everyScriptCharacterIsAScriptForm() throws {
        let digits = try TeXParser.parse("x_{0123456789}^{0123456789}").plainText
        #expect(digits == "x₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹")
        let letters = try TeXParser.parse("x^{abcdefghijklmnoprstuvwxyz}").plainText
        #expect(letters == "xᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ")
        #expect(try TeXParser.parse("x_{aehijklmnoprstuvx}").plainText == "xₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
    }
}

/// Alt text, HTML alt and titles of a built report never show raw TeX.
@Suite struct ReportPlainText {
    static let template = sampleTemplate
        .replacingOccurrences(of: "title: Sample", with: "title: \"Phase transitions in $\\\\sigma$ and $\\\\mathbf{X}$\"")
        .replacingOccurrences(of: "caption: \"First figure, $n/d$.\"",
                              with: "caption: \"Recovery for a Gaussian $\\\\mathbf{X}$, noise $\\\\sigma = 10^{-6}$, $\\\\|w_0 - \\\\mathbf{w}^*\\\\|_2$ and $\\\\mathbb{1}[\\\\mathbf{X}u \\\\ge 0]$.\"")

    @Test func altTextAndTitlesArePlainText() throws {
        #expect(Self.template != sampleTemplate)
        let out = try temporaryFolder("plaintext")
        let document = try ReportBuilder(executor: DemoExecutor(), log: { _ in })
            .build(text: Self.template, file: "sample.md", options: ReportOptions(outputDirectory: out))
        #expect(document.title == "Phase transitions in σ and X")
        try ReportWriter.write(document, to: out, formats: [.md, .html])
        let markdown = try String(contentsOf: out.appendingPathComponent("sample.md"), encoding: .utf8)
        let images = markdown.split(separator: "\n").filter { $0.hasPrefix("![") }
        #expect(images.count == 2)
        for image in images { #expect(!image.contains("\\") && !image.contains("$"), "\(image)") }
        #expect(images[0].hasPrefix("![Figure 1. Recovery for a Gaussian X, noise σ = 10⁻⁶, ‖w₀ − w*‖₂ and 1[Xu ≥ 0].]("),
                "\(images[0])")

        let html = try String(contentsOf: out.appendingPathComponent("sample.html"), encoding: .utf8)
        let alts = html.matches(of: /alt="([^"]*)"/).map { String($0.1) }
        #expect(alts.count == 2)
        #expect(alts[0].hasPrefix("Figure 1. Recovery for a Gaussian X, noise σ = 10⁻⁶"), "\(alts[0])")
        for alt in alts { #expect(!alt.contains("\\"), "\(alt)") }
        #expect(html.contains("<title>Phase transitions in σ and X</title>"))
    }

    @Test func pdfMetadataAndOutlineArePlainText() throws {
        guard let pdfinfo = tool("pdfinfo") else { print("skipped: pdfinfo not installed"); return }
        let text = Self.template.replacingOccurrences(of: "## Details", with: "## Details for $\\mathbf{w}^*$")
        let out = try temporaryFolder("plainpdf")
        let document = try ReportBuilder(executor: DemoExecutor(), log: { _ in })
            .build(text: text, file: "sample.md", options: ReportOptions(outputDirectory: out))
        let pdf = try ReportWriter.write(document, to: out, formats: [.pdf])[0]
        let info = try runTool(pdfinfo, [pdf.path]).output
        let title = info.split(separator: "\n").first { $0.hasPrefix("Title:") }?.dropFirst(6).trimmingCharacters(in: .whitespaces)
        #expect(title == "Phase transitions in σ and X", "\(info)")
        // The outline entry of the heading: Cairo writes non-ASCII titles as UTF-16BE with a BOM.
        let raw = try Data(contentsOf: pdf)
        let entry = "1.1 Details for w*"
        let utf16 = Data([0xFE, 0xFF]) + entry.data(using: .utf16BigEndian)!
        #expect(raw.range(of: Data("/Title (\(entry))".utf8)) != nil || raw.range(of: utf16) != nil)
        #expect(raw.range(of: Data("mathbf".utf8)) == nil)
    }

    @Test func aTitleWhoseMathDoesNotParseIsAnError() {
        let text = sampleTemplate.replacingOccurrences(of: "title: Sample", with: "title: \"Bad $\\\\foo$\"")
        #expect(throws: ReportError.self) { try ReportBuilder.parse(text: text, file: "s.md", scale: nil) }
    }
}

/// `figures:` in the front matter and `figure:` in a block set size, typeface and PNG resolution.
@Suite struct ReportFigureAppearance {
    @Test func frontMatterDefaultsAndBlockOverrides() throws {
        let text = sampleTemplate
            .replacingOccurrences(of: "date: 2026-11-29", with: "date: 2026-11-29\nfigures: {dpi: 100, size: 4x3in, font: DejaVu Serif}")
            .replacingOccurrences(of: "figure: {caption: \"Second figure.\"}",
                                  with: "figure: {caption: \"Second figure.\", size: 6x2in, dpi: 50}")
        let out = try temporaryFolder("appearance")
        let document = try ReportBuilder(executor: DemoExecutor(), log: { _ in })
            .build(text: text, file: "sample.md", options: ReportOptions(outputDirectory: out))
        try FigureWriter.write(document, to: out)
        let figures = document.blocks.compactMap { block -> FigureContent? in if case .figure(let f) = block { f } else { nil } }
        #expect(figures.count == 2)
        #expect(figures.allSatisfy { $0.figure.fontFamily == "DejaVu Serif" })
        let first = try RasterImage(contentsOfPNG: out.appendingPathComponent(figures[0].pngPath))
        #expect(first.width == 400 && first.height == 300)
        let second = try RasterImage(contentsOfPNG: out.appendingPathComponent(figures[1].pngPath))
        #expect(second.width == 300 && second.height == 100)

        // The figure check renders at the baselines' resolution whatever the template says.
        let checked = try temporaryFolder("appearance-check")
        try FigureWriter.write(try ReportBuilder(executor: DemoExecutor(), log: { _ in })
            .build(text: text, file: "sample.md", options: ReportOptions(outputDirectory: checked, pngDPI: 144)), to: checked)
        let fixed = try RasterImage(contentsOfPNG: checked.appendingPathComponent(figures[0].pngPath))
        #expect(fixed.width == 576 && fixed.height == 432)
    }

    @Test func theDefaultIs200DPIAtTheFiguresOwnSize() throws {
        let out = try temporaryFolder("appearance-default")
        let document = try ReportBuilder(executor: DemoExecutor(), log: { _ in })
            .build(text: sampleTemplate, file: "sample.md", options: ReportOptions(outputDirectory: out))
        try FigureWriter.write(document, to: out)
        guard case .figure(let f)? = document.blocks.first(where: { if case .figure = $0 { true } else { false } }) else {
            Issue.record("no figure"); return
        }
        #expect(f.figure.fontFamily == "DejaVu Sans")
        let image = try RasterImage(contentsOfPNG: out.appendingPathComponent(f.pngPath))
        #expect(image.width == Int((f.figure.size.width * 200 / 72).rounded(.up)))
    }

    @Test func badAppearanceKeysNameTheKeyAndLine() {
        for (replacement, fragment) in [
            ("figures: {font: No Such Typeface 42}", "'figures.font': no installed font family 'No Such Typeface 42'"),
            ("figures: {size: 4x3}", "'figures.size' must be WxH in in, cm, mm or pt"),
            ("figures: {dpi: 0}", "'figures.dpi' must be between"),
            ("figures: {colour: red}", "unknown key 'colour' in 'figures'"),
        ] {
            let text = sampleTemplate.replacingOccurrences(of: "date: 2026-11-29", with: "date: 2026-11-29\n" + replacement)
            do {
                _ = try ReportBuilder.parse(text: text, file: "sample.md", scale: nil)
                Issue.record("expected an error for \(replacement)")
            } catch let error as ReportError {
                #expect(error.line == 5, "\(error)")
                #expect(error.message.contains(fragment), "\(error)")
                if replacement.contains("font") { #expect(error.message.contains("fc-list")) }
            } catch { Issue.record("\(error)") }
        }
        expectDirectiveError("figure: {caption: \"First figure, $n/d$.\"}", "figure: {caption: \"x\", font: Nope Sans}",
                             line: 20, "'figure.font': no installed font family 'Nope Sans'")
    }
}
