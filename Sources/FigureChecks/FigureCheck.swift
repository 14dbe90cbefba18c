import Figures
import Foundation

/// A figure as the report run just produced it: its data and, if rendered, its PNG.
public struct RegeneratedFigure: Sendable {
    public var data: FigureData
    public var png: URL?
    /// The same figure drawn from other data by the current code, e.g. the report's
    /// `PhaseDiagram` with its grid replaced by `data.arrays[0].meanGrid()`. When given, the
    /// drawing check compares the baseline PNG with the baseline data redrawn, so it sees drawing
    /// changes only, whatever the data noise.
    public var redraw: (@Sendable (FigureData) throws -> any Figure)?
    /// Pixels per point of `png` (`BaselineStore.imageDPI` / 72 = 2 when the check renders it).
    public var pixelScale: Double

    public init(data: FigureData, png: URL?, pixelScale: Double = BaselineStore.imageDPI / 72,
                redraw: (@Sendable (FigureData) throws -> any Figure)? = nil) {
        self.data = data
        self.png = png
        self.pixelScale = pixelScale
        self.redraw = redraw
    }

    public init(id: String, arrays: [TrialArray], png: URL?, pixelScale: Double = BaselineStore.imageDPI / 72,
                redraw: (@Sendable (FigureData) throws -> any Figure)? = nil) {
        self.init(data: FigureData(id: id, arrays: arrays), png: png, pixelScale: pixelScale, redraw: redraw)
    }

    public var id: String { data.id }
}

/// All verdicts of one check, in the report's figure order (stale baselines last).
public struct CheckReport: Sendable, CustomStringConvertible {
    public var verdicts: [FigureVerdict]

    public init(verdicts: [FigureVerdict]) {
        self.verdicts = verdicts
    }

    public var allPassed: Bool { verdicts.allSatisfy(\.passed) }
    public var failures: [FigureVerdict] { verdicts.filter { !$0.passed } }

    /// One line per figure, then a summary in the plain "figures: N passed, N failed" form that
    /// test-result readers recognise.
    public var description: String {
        let failed = failures.count, updated = verdicts.filter(\.updated).count
        var summary = "figures: \(verdicts.count - failed - updated) passed, \(failed) failed"
        if updated > 0 { summary += " (\(updated) baselines updated)" }
        return (verdicts.map(\.description) + [summary]).joined(separator: "\n")
    }
}

/// Compares each regenerated figure with its baseline in `baselines`: its data by the statistical
/// rule of README.md, its PNG with the perceptual tolerance. For a failure with both images, a
/// side-by-side difference image `ID.diff.png` is written to `diffFolder` (a passing figure's old
/// one is removed). Baselines of figures the report no longer makes fail as stale.
///
/// With `update`, every regenerated figure's baseline is rewritten (and stale ones removed); its
/// verdict still shows how it differed from the old baseline, marked UPDATED, and passes.
public func checkFigures(_ figures: [RegeneratedFigure], baselines: BaselineStore, update: Bool,
                         diffFolder: URL, rules: ComparisonRules = .standard) throws -> CheckReport {
    var verdicts: [FigureVerdict] = []
    var seen = Set<String>()
    for figure in figures {
        var verdict: FigureVerdict
        if !seen.insert(figure.id).inserted {
            verdict = FigureVerdict(figureID: figure.id, metricNames: figure.data.arrays.map(\.name),
                                    problems: ["figure id used twice in the report"])
            verdicts.append(verdict)
            continue
        }
        // `drawing`: baseline PNG vs baseline data redrawn now; `visual`: baseline PNG vs new PNG.
        var drawing: ImageComparison?, visual: ImageComparison?
        if let baseline = try baselines.load(figure.id) {
            verdict = compareFigure(baseline: baseline, regenerated: figure.data, rules: rules)
            if let old = baselines.image(figure.id) {
                do {
                    let oldImage = try RasterImage(contentsOfPNG: old)
                    if let redraw = figure.redraw {
                        let redrawn = try redraw(baseline).rasterize(pixelScale: figure.pixelScale)
                        drawing = ImageComparison(baseline: oldImage, regenerated: redrawn, rules: rules)
                        verdict.image = drawing?.verdict
                    }
                    if let new = figure.png {
                        visual = ImageComparison(baseline: oldImage, regenerated: try RasterImage(contentsOfPNG: new),
                                                 rules: rules)
                        visual?.verdict.decisive = verdict.dataIdentical
                        if drawing == nil { verdict.image = visual?.verdict }
                    }
                } catch {
                    verdict.problems.append("cannot compare images: \(error.localizedDescription)")
                }
            } else if figure.png != nil || figure.redraw != nil {
                verdict.problems.append("no baseline image \(baselines.imageURL(for: figure.id).lastPathComponent)")
            }
        } else {
            verdict = FigureVerdict(figureID: figure.id, metricNames: figure.data.arrays.map(\.name), problems: [
                "no baseline in \(baselines.folder.path) (run with --update to create it)",
            ])
        }
        let diffURL = diffFolder.appendingPathComponent("\(figure.id).diff.png")
        if update {
            try baselines.write(figure.data, png: figure.png)
            verdict.updated = true
        }
        // The picture that explains the failure: a drawing change if there is one (or nothing else to
        // show), else the data's.
        let explaining: (ImageComparison, String)?
        if let drawing, !drawing.verdict.passed || visual == nil {
            explaining = (drawing, "new (baseline data, current drawing)")
        } else {
            explaining = visual.map { ($0, "new") }
        }
        if !verdict.passed, let (comparison, label) = explaining {
            try FileManager.default.createDirectory(at: diffFolder, withIntermediateDirectories: true)
            try comparison.writeDifferenceImage(to: diffURL, newLabel: label)
            verdict.diffImage = diffURL
        } else if FileManager.default.fileExists(atPath: diffURL.path) {
            try? FileManager.default.removeItem(at: diffURL)
        }
        verdicts.append(verdict)
    }
    for id in try baselines.figureIDs() where !seen.contains(id) {
        var verdict = FigureVerdict(figureID: id, problems: ["stale baseline: the report no longer makes this figure"])
        if update {
            try baselines.remove(id)
            verdict.updated = true
        }
        verdicts.append(verdict)
    }
    return CheckReport(verdicts: verdicts)
}
