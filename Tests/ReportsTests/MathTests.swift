import Foundation
import Reports
import Testing

/// Fixed metrics so box sizes can be checked by hand: every character is 0.5 em wide, 0.7 em
/// above and 0.2 em below the baseline; delimiters reach 0.8 em above and 0.3 em below (as in
/// real fonts, taller than letters).
struct FixedMeasurer: MathTextMeasuring {
    func measure(_ text: String, font: MathFont, size: Double) -> MathGlyphMetrics {
        if ["(", ")", "‖", "|", "[", "]"].contains(text) {
            return MathGlyphMetrics(width: 0.35 * size, ascent: 0.8 * size, descent: 0.3 * size)
        }
        return MathGlyphMetrics(width: 0.5 * size * Double(text.count), ascent: 0.7 * size, descent: 0.2 * size)
    }
}

func layout(_ tex: String, display: Bool = false, size: Double = 10) throws -> MathBox {
    MathLayout.layout(try TeXParser.parse(tex), display: display, size: size, measurer: FixedMeasurer())
}

@Test func parserBuildsTheTree() throws {
    #expect(try TeXParser.parse("x_i^2") == .scripts(base: .identifier("x", .italic), sub: .identifier("i", .italic), sup: .number("2")))
    #expect(try TeXParser.parse("\\frac{1}{2}") == .fraction(.number("1"), .number("2")))
    #expect(try TeXParser.parse("\\mathbf{X}") == .identifier("X", .bold))
    #expect(try TeXParser.parse("\\mathrm{ReLU}") == .identifier("ReLU", .normal))
    #expect(try TeXParser.parse("\\|w\\|_2") == .scripts(base: .fenced(open: "‖", close: "‖", .identifier("w", .italic)), sub: .number("2"), sup: nil))
    #expect(try TeXParser.parse("a \\to b") == .row([.identifier("a", .italic), .op("→"), .identifier("b", .italic)]))
    #expect(try TeXParser.parse("\\text{s.t.}") == .text("s.t."))
    #expect(try TeXParser.parse("\\operatorname{diag}") == .namedOperator("diag", limits: false))
    #expect(throws: TeXError.self) { try TeXParser.parse("\\foo") }
    do {
        _ = try TeXParser.parse("a + \\weird{b}")
    } catch let error as TeXError {
        #expect(error.message == "unsupported TeX command \\weird")
        #expect(error.offset == 4)
    }
    #expect(throws: TeXError.self) { try TeXParser.parse("\\frac{1}") }
    #expect(throws: TeXError.self) { try TeXParser.parse("{a") }
}

@Test func mathMLStructure() throws {
    let fraction = MathML.render(try TeXParser.parse("\\frac{a}{b}"), display: false)
    #expect(fraction == "<math><mfrac><mi>a</mi><mi>b</mi></mfrac></math>")
    let scripts = MathML.render(try TeXParser.parse("x_i^2"), display: false)
    #expect(scripts == "<math><msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup></math>")
    let norm = MathML.render(try TeXParser.parse("\\|y\\|_2"), display: false)
    #expect(norm.contains("<msub><mrow><mo fence=\"true\" stretchy=\"true\" symmetric=\"true\">‖</mo><mi>y</mi><mo fence=\"true\" stretchy=\"true\" symmetric=\"true\">‖</mo></mrow><mn>2</mn></msub>"))
    let sum = MathML.render(try TeXParser.parse("\\sum_{i=1}^{p} w_i"), display: true)
    #expect(sum.hasPrefix("<math display=\"block\"><mrow><munderover><mo largeop=\"true\""))
    let inlineSum = MathML.render(try TeXParser.parse("\\sum_{i=1}^{p} w_i"), display: false)
    #expect(inlineSum.contains("<msubsup><mo largeop"))
    #expect(MathML.render(try TeXParser.parse("\\mathbb{R}"), display: false).contains("ℝ"))
}

@Test func fractionBoxSitsOnTheAxis() throws {
    let box = try layout("\\frac{a}{b}")
    // Numerator and denominator in script size (7 pt): ascent 4.9, descent 1.4 each.
    let axis = 2.5, thickness = 0.45
    #expect(box.width > 3.5 && box.width < 3.5 + 3)
    // Above the axis: half rule + gap + numerator; below: the mirror image.
    #expect(box.ascent > axis + thickness / 2 + 4.9 + 1.4)
    #expect(box.descent > 4.9 + 1.4 - axis)
    let rules = box.items.compactMap { item -> (Double, Double)? in
        if case let .rule(_, y, width, _) = item { return (y, width) } else { return nil }
    }
    #expect(rules.count == 1)
    #expect(abs(rules[0].0 - axis) < 1e-9)
    // Numerator above the rule, denominator below.
    let baselines = box.items.compactMap { item -> (String, Double)? in
        if case let .glyphs(t, _, _, _, y, _) = item { return (t, y) } else { return nil }
    }
    #expect(baselines.first { $0.0 == "a" }!.1 - 1.4 > axis)
    #expect(baselines.first { $0.0 == "b" }!.1 + 4.9 < axis)
}

@Test func scriptsAreSmallerRaisedAndLowered() throws {
    let box = try layout("x_i^2")
    let glyphs = box.items.compactMap { item -> (String, Double, Double)? in
        if case let .glyphs(t, _, size, _, y, _) = item { return (t, size, y) } else { return nil }
    }
    let sup = glyphs.first { $0.0 == "2" }!, sub = glyphs.first { $0.0 == "i" }!
    #expect(sup.1 == 7 && sub.1 == 7)
    #expect(sup.2 > 3)
    #expect(sub.2 < -1)
    // The scripts do not collide: sup's ink bottom above sub's ink top.
    #expect(sup.2 - 1.4 > sub.2 + 4.9)
    #expect(box.width > 5 + 3.5)
}

@Test func bigOperatorsTakeLimitsInDisplayStyle() throws {
    let display = try layout("\\sum_{i=1}^{p}", display: true)
    let inline = try layout("\\sum_{i=1}^{p}", display: false)
    func find(_ box: MathBox, _ text: String) -> (x: Double, y: Double) {
        for item in box.items { if case let .glyphs(t, _, _, x, y, _) = item, t == text { return (x, y) } }
        return (.nan, .nan)
    }
    // Display: p centred above ∑, the limits below; taller and narrower than side scripts.
    #expect(find(display, "p").y > find(display, "∑").y + 5)
    #expect(find(display, "i").y < find(display, "∑").y - 5)
    #expect(find(inline, "p").x > find(inline, "∑").x)
    #expect(display.height > inline.height)
    let minimum = try layout("\\min_{\\Theta} x", display: true)
    #expect(find(minimum, "Θ").y < 0)
    #expect(find(minimum, "x").x > find(minimum, "min").x + 10)
}

@Test func delimitersGrowWithTheirContent() throws {
    let small = try layout("(x)")
    let tall = try layout("\\left(\\frac{a}{b}\\right)")
    func scale(_ box: MathBox) -> Double {
        for item in box.items { if case let .glyphs("(", _, _, _, _, s) = item { return s } }
        return .nan
    }
    #expect(scale(small) == 1)
    #expect(scale(tall) > 1.2)
    let bare = try layout("\\frac{a}{b}")
    #expect(tall.height >= bare.height)
}

@Test func introductionFormulaHasFractionAndNorm() throws {
    let tex = "\\min_{\\Theta} \\frac{1}{2}\\|f(\\mathbf{X};\\Theta)-\\mathbf{y}\\|_2^2+\\frac{\\beta}{2}R(\\Theta)"
    let node = try TeXParser.parse(tex)
    let box = MathLayout.layout(node, display: true, size: 10, measurer: PangoMathMeasurer())
    let texts = box.items.compactMap { item -> String? in if case let .glyphs(t, _, _, _, _, _) = item { return t } else { return nil } }
    let rules = box.items.filter { if case .rule = $0 { return true } else { return false } }
    #expect(rules.count == 2)
    #expect(texts.filter { $0 == "‖" }.count == 2)
    #expect(texts.contains("min") && texts.contains("Θ") && texts.contains("β") && texts.contains("X"))
    #expect(box.width > 100 && box.width < 300)
    let mathML = MathML.render(node, display: true)
    #expect(mathML.components(separatedBy: "<mfrac>").count == 3)
    #expect(mathML.contains("<munder><mo form=\"prefix\" movablelimits=\"true\">min</mo>"))
}
