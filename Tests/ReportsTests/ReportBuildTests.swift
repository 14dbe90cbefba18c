import Experiments
import Figures
import Foundation
import Reports
import TestSupport
import Testing

/// The folder of the package (tests run from anywhere).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let sampleTemplate = """
---
title: Sample
authors: [A. Author, B. Author]
date: 2026-11-29
scales:
  ci: {N: 40, D: 20, trials: 2}
  paper: {N: 400, D: 100, trials: 5}
---

# Intro

See @one and @two, and the table @one.table. The ratio is {{ one.threshold_ratio }} and
$\\min_{\\Theta} \\frac{1}{2}\\|f(\\mathbf{X};\\Theta)-\\mathbf{y}\\|_2^2+\\frac{\\beta}{2}R(\\Theta)$ is the problem.

## Details

```neurec
id: one
experiment: {planted: linear, learned: skip, form: relaxed, metric: recovery, optw: 1, optx: 0}
figure: {caption: "First figure, $n/d$."}
table: boundary
```

```neurec
id: two
experiment: {learned: skip, form: relaxed}
grid: {ci: {N: 30, D: 20, trials: 1}, paper: {N: 400, D: 100, trials: 5}}
panels:
  - {optx: 0, title: Gaussian}
  - {optx: 1, title: cubic}
figure: {caption: "Second figure."}
```

| a | b |
|:--|--:|
| 1 | 2 |
"""

@Test func frontMatterAndDirectivesParse() throws {
    let parsed = try ReportBuilder.parse(text: sampleTemplate, file: "sample.md", scale: nil)
    #expect(parsed.frontMatter.title == "Sample")
    #expect(parsed.frontMatter.authors == ["A. Author", "B. Author"])
    #expect(parsed.scale == "ci")
    #expect(parsed.directives.map(\.id) == ["one", "two"])
    guard case .grid(let spec) = parsed.directives[0].runs[0] else { Issue.record("not a grid run"); return }
    #expect(spec.grid.nValues == [10, 20, 30, 40])
    #expect(spec.grid.dValues == [10, 20])
    #expect(spec.grid.trials == 2)
    #expect(spec.parameters.plantedWeights == .structured)
    #expect(parsed.directives[1].runs.count == 2)
    guard case .grid(let panel) = parsed.directives[1].runs[1] else { Issue.record("not a grid run"); return }
    #expect(panel.parameters.dataLaw == .cubic)
    #expect(panel.grid.nValues == [10, 20, 30])
    let paper = try ReportBuilder.parse(text: sampleTemplate, file: "sample.md", scale: "paper")
    guard case .grid(let big) = paper.directives[0].runs[0] else { return }
    #expect(big.grid.nValues.last == 400 && big.grid.dValues.last == 100 && big.grid.trials == 5)
}

/// Replaces `old` in the sample and expects `file:line: message` containing `fragment`.
func expectDirectiveError(_ old: String, _ new: String, line: Int, _ fragment: String) {
    let text = sampleTemplate.replacingOccurrences(of: old, with: new)
    #expect(text != sampleTemplate)
    do {
        _ = try ReportBuilder.parse(text: text, file: "sample.md", scale: nil)
        Issue.record("expected an error for \(new)")
    } catch let error as ReportError {
        #expect(error.file == "sample.md")
        #expect(error.line == line, "\(error)")
        #expect(error.description.contains(fragment), "\(error)")
        #expect(error.description.hasPrefix("sample.md:\(line): "))
    } catch {
        Issue.record("unexpected \(error)")
    }
}

@Test func directiveErrorsNameFileLineAndKey() {
    expectDirectiveError("optw: 1, optx: 0}", "optw: 1, optx: 0, colour: 3}", line: 19, "unknown key 'colour'")
    expectDirectiveError("optw: 1, optx: 0}", "optw: 1, optx: zero}", line: 19, "'optx' must be an integer")
    expectDirectiveError("form: relaxed, metric", "form: loose, metric", line: 19, "'form' must be one of relaxed, exact, approx, train")
    expectDirectiveError("grid: {ci: {N: 30, D: 20, trials: 1}", "grid: {ci: {N: 5, D: 20, trials: 1}", line: 27, "impossible grid")
    expectDirectiveError("figure: {caption: \"Second figure.\"}", "figure: {caption: \"Second figure.\", kind: pie}", line: 31, "figure.kind")
    expectDirectiveError("  - {optx: 1, title: cubic}", "  - {optx: 7, title: cubic}", line: 30, "'optx' must be 0")
    expectDirectiveError("id: two", "id: one", line: 25, "duplicate block id 'one'")
}

@Test func buildNumbersFiguresAndResolvesValues() throws {
    let out = try temporaryFolder("reports-build")
    let executor = DemoExecutor()
    let document = try ReportBuilder(executor: executor, log: { _ in })
        .build(text: sampleTemplate, file: "sample.md", options: ReportOptions(outputDirectory: out))
    #expect(executor.gridRuns.count == 3)
    var figures: [FigureContent] = []
    var headings: [String] = []
    var paragraphs: [[Inline]] = []
    for block in document.blocks {
        switch block {
        case .figure(let f): figures.append(f)
        case let .heading(_, number, _, content): headings.append(number + " " + Inline.plainText(content))
        case .paragraph(let c): paragraphs.append(c)
        default: break
        }
    }
    #expect(figures.map(\.number) == [1, 2])
    #expect(headings == ["1 Intro", "1.1 Details"])
    let prose = Inline.plainText(paragraphs[0])
    #expect(prose.contains("See Figure 1 and Figure 2, and the table Table 1."))
    #expect(!prose.contains("{{"))
    // The demo's transition sits at n = 2d: the threshold ratio must come out near 2.
    let ratio = prose.components(separatedBy: "The ratio is ").last!.prefix(4)
    let value = Double(ratio.trimmingCharacters(in: .whitespaces)) ?? 0
    #expect(value >= 1.5 && value <= 3, "ratio \(ratio)")
    // Building writes nothing; the figure writer then writes every file the model names.
    for f in figures {
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent(f.pngPath).path))
    }
    let written = try FigureWriter.write(document, to: out)
    #expect(written.count == 2 * figures.count)
    for f in figures {
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(f.pngPath).path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(f.pdfPath).path))
    }
}

@Test func unknownReferenceAndValueAreErrors() {
    for (bad, fragment) in [("See @three", "unknown reference @three"), ("{{ one.nope }}", "unknown value {{ one.nope }}"),
                            ("$\\foo{x}$", "unsupported TeX command \\foo")] {
        let text = sampleTemplate.replacingOccurrences(of: "See @one", with: bad + " @one")
        do {
            _ = try ReportBuilder(executor: DemoExecutor(), log: { _ in })
                .build(text: text, file: "s.md", options: ReportOptions(outputDirectory: try temporaryFolder("reports-refs")))
            Issue.record("expected an error for \(bad)")
        } catch let error as ReportError {
            #expect(error.line == 12, "\(error)")
            #expect(error.message.contains(fragment), "\(error)")
        } catch { Issue.record("\(error)") }
    }
}

@Test func keepGoingRendersTheErrorInPlace() throws {
    let text = sampleTemplate.replacingOccurrences(of: "optw: 1, optx: 0}", with: "optw: 1, optx: 0, colour: 3}")
        .replacingOccurrences(of: "See @one and ", with: "See ")
        .replacingOccurrences(of: " and the table @one.table. The ratio is {{ one.threshold_ratio }}", with: ".")
    let out = try temporaryFolder("reports-keep")
    let document = try ReportBuilder(executor: DemoExecutor(), log: { _ in })
        .build(text: text, file: "s.md", options: ReportOptions(outputDirectory: out, keepGoing: true))
    let errors = document.blocks.compactMap { block -> String? in if case .error(let m) = block { return m } else { return nil } }
    #expect(errors.count == 1)
    #expect(errors.first?.hasPrefix("s.md:19: unknown key 'colour'") == true)
    let html = HTMLRenderer.render(document, outputDirectory: out)
    #expect(html.contains("class=\"error\""))
}

@Test func markdownLinksResolveAndHTMLIsSelfContained() throws {
    let out = try temporaryFolder("reports-outputs")
    let document = try ReportBuilder(executor: DemoExecutor(), log: { _ in })
        .build(text: sampleTemplate, file: "sample.md", options: ReportOptions(outputDirectory: out))
    try ReportWriter.write(document, to: out, formats: [.md, .html])
    let markdown = try String(contentsOf: out.appendingPathComponent("sample.md"), encoding: .utf8)
    let links = markdown.matches(of: /\]\(([^)#]+)\)/).map { String($0.1) }
    #expect(links.count >= 4)
    for link in links {
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(link).path), "broken link \(link)")
    }
    for anchor in markdown.matches(of: /\]\(#([^)]+)\)/).map({ String($0.1) }) {
        #expect(markdown.contains("id=\"\(anchor)\""), "missing anchor \(anchor)")
    }
    #expect(markdown.contains("| :--- | ---: |"))
    let html = try String(contentsOf: out.appendingPathComponent("sample.html"), encoding: .utf8)
    #expect(!html.contains("<script"))
    #expect(!html.contains("http://") && !html.contains("https://"))
    #expect(html.contains("<img src=\"data:image/png;base64,"))
    #expect(html.components(separatedBy: "<figure").count == 3)
    #expect(html.contains("<mfrac>"))
    #expect(html.contains("<a href=\"#fig-two\">Figure 2</a>"))
    #expect(html.contains("id=\"fig-two\""))
}

/// Unchanged figures are not redrawn. (Experiment results, cluster ones included, are cached by the
/// experiment runner behind the executor: ExperimentsTests check that.)
@Test func rerunSkipsUnchangedFigures() throws {
    let out = try temporaryFolder("reports-rerun")
    let executor = DemoExecutor()
    let builder = ReportBuilder(executor: executor, log: { _ in })
    let text = sampleTemplate + "\n```neurec\nid: cl\nexperiment: {kind: cluster, d: [20, 40], sigma: [1, 2, 3], trials: 50}\n```\n"
    let document = try builder.build(text: text, file: "sample.md", options: ReportOptions(outputDirectory: out))
    #expect(executor.clusterRuns.count == 1)
    #expect(try FigureWriter.write(document, to: out).count == 6)
    let png = out.appendingPathComponent("figures/sample/one.png")
    let first = try FileManager.default.attributesOfItem(atPath: png.path)[.modificationDate] as! Date
    Thread.sleep(forTimeInterval: 0.05)
    let again = try builder.build(text: text, file: "sample.md", options: ReportOptions(outputDirectory: out))
    #expect(try FigureWriter.write(again, to: out).isEmpty)
    let second = try FileManager.default.attributesOfItem(atPath: png.path)[.modificationDate] as! Date
    #expect(first == second)
}

/// The figure files are keyed on the figure's data and style, not on how Swift prints it: a
/// changed figure is redrawn, an equal one (rebuilt from scratch) is not.
@Test func changedFiguresAreRedrawn() throws {
    let out = try temporaryFolder("redraw")
    let builder = ReportBuilder(executor: DemoExecutor(), log: { _ in })
    var document = try builder.build(text: sampleTemplate, file: "sample.md", options: ReportOptions(outputDirectory: out))
    #expect(try FigureWriter.write(document, to: out).count == 4)
    let rebuilt = try ReportBuilder(executor: DemoExecutor(), log: { _ in })
        .build(text: sampleTemplate, file: "sample.md", options: ReportOptions(outputDirectory: out))
    #expect(try FigureWriter.write(rebuilt, to: out).isEmpty)
    let index = try #require(document.blocks.firstIndex { if case .figure = $0 { return true } else { return false } })
    guard case .figure(var content) = document.blocks[index], var diagram = content.figure as? PhaseDiagram else {
        Issue.record("the sample's first figure is a phase diagram")
        return
    }
    diagram.grid.values[0] = diagram.grid.values[0] == 0 ? 0.5 : 0
    content.figure = diagram
    document.blocks[index] = .figure(content)
    let redrawn = try FigureWriter.write(document, to: out)
    #expect(redrawn.map(\.lastPathComponent) == ["\(content.label).png", "\(content.label).pdf"])
}

@Test func shippedReportsParseAtBothScales() throws {
    for name in ["paper", "quick"] {
        let url = packageRoot.appendingPathComponent("reports/\(name).md")
        let text = try String(contentsOf: url, encoding: .utf8)
        for scale in ["ci", "paper"] {
            let parsed = try ReportBuilder.parse(text: text, file: "reports/\(name).md", scale: scale)
            #expect(!parsed.directives.isEmpty)
        }
        let out = try temporaryFolder("reports-shipped-\(name)")
        let document = try ReportBuilder(executor: DemoExecutor(), log: { _ in })
            .build(text: text, file: "reports/\(name).md", options: ReportOptions(outputDirectory: out))
        try ReportWriter.write(document, to: out)
        if let keep = ProcessInfo.processInfo.environment["NEUREC_REPORTS_DEMO_OUT"] {
            let target = URL(fileURLWithPath: keep)
            try? FileManager.default.removeItem(at: target.appendingPathComponent(name))
            try? FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: out, to: target.appendingPathComponent(name))
        }
    }
}

/// Trials whose fit reached no optimum are counted over every grid run of the report, so `neurec run`
/// can refuse to exit 0 on them; a report without any counts none.
@Test func failedTrialsAreCountedOverTheReport() throws {
    let out = try temporaryFolder("failed-trials")
    let clean = try ReportBuilder(executor: DemoExecutor(), log: { _ in })
        .build(text: sampleTemplate, file: "sample.md", options: ReportOptions(outputDirectory: out))
    #expect(clean.failedTrials == 0)
    let executor = DemoExecutor()
    executor.failedTrialsPerRun = 2
    let failing = try ReportBuilder(executor: executor, log: { _ in })
        .build(text: sampleTemplate, file: "sample.md", options: ReportOptions(outputDirectory: out))
    #expect(executor.gridRuns.count > 0)
    #expect(failing.failedTrials == 2 * executor.gridRuns.count)
}

/// A report's boundary blocks are searched at once (their probes overlap in time), and each block's
/// table is the one it gets searched alone.
@Test func boundaryBlocksAreSearchedAtOnce() throws {
    func block(_ id: String, _ metric: String) -> String {
        "```neurec\nid: \(id)\nexperiment: {kind: boundary, metric: \(metric), d: [10, 20], trials: 10, max_trials: 20}\ntable: boundary\n```\n"
    }
    let header = "---\ntitle: Boundaries\nscales:\n  ci: {N: 40, D: 20, trials: 2}\n---\n\n"
    let out = try temporaryFolder("reports-boundaries")
    defer { try? FileManager.default.removeItem(at: out) }
    func tables(_ template: String, executor: DemoExecutor) throws -> [String] {
        let document = try ReportBuilder(executor: executor, log: { _ in })
            .build(text: template, file: "boundaries.md", options: ReportOptions(outputDirectory: out))
        return document.blocks.compactMap { if case .table(let table, _, _, _) = $0 { "\(table)" } else { nil } }
    }
    let together = DemoExecutor()
    together.probeDelay = 0.002
    let both = try tables(header + block("rising", "recovery") + "\n" + block("falling", "all_ones"), executor: together)
    #expect(together.mostBoundaryMetricsAtOnce == 2)
    let alone = try tables(header + block("rising", "recovery"), executor: DemoExecutor())
        + tables(header + block("falling", "all_ones"), executor: DemoExecutor())
    #expect(both == alone)
}
