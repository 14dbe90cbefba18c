import Figures
import Foundation

/// A figure as the report run just produced it: its data and, if rendered, its PNG.
public struct RegeneratedFigure: Sendable {
    public var data: FigureData
    public var png: URL?

    public init(data: FigureData, png: URL?) {
        self.data = data
        self.png = png
    }

    public init(id: String, arrays: [TrialArray], png: URL?) {
        self.init(data: FigureData(id: id, arrays: arrays), png: png)
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

    /// One line per figure, then a summary line.
    public var description: String {
        let failed = failures.count, updated = verdicts.filter(\.updated).count
        var summary = "\(verdicts.count) figure(s): \(verdicts.count - failed - updated) passed, \(failed) failed"
        if updated > 0 { summary += ", \(updated) baseline(s) updated" }
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
            verdict = FigureVerdict(figureID: figure.id, problems: ["figure id used twice in the report"])
            verdicts.append(verdict)
            continue
        }
        var comparison: ImageComparison?
        if let baseline = try baselines.load(figure.id) {
            verdict = compareFigure(baseline: baseline, regenerated: figure.data, rules: rules)
            switch (baselines.image(figure.id), figure.png) {
            case let (old?, new?):
                do {
                    comparison = try ImageComparison(baselinePNG: old, regeneratedPNG: new, rules: rules)
                    verdict.image = comparison?.verdict
                } catch {
                    verdict.problems.append("cannot compare images: \(error.localizedDescription)")
                }
            case (nil, _?):
                verdict.problems.append("no baseline image \(baselines.imageURL(for: figure.id).lastPathComponent)")
            default:
                break
            }
        } else {
            verdict = FigureVerdict(figureID: figure.id, arrays: [], problems: [
                "no baseline in \(baselines.folder.path) (run with --update to create it)",
            ])
        }
        let diffURL = diffFolder.appendingPathComponent("\(figure.id).diff.png")
        if update {
            try baselines.write(figure.data, png: figure.png)
            verdict.updated = true
        }
        if !verdict.passed, let comparison {
            try FileManager.default.createDirectory(at: diffFolder, withIntermediateDirectories: true)
            try comparison.writeDifferenceImage(to: diffURL)
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
