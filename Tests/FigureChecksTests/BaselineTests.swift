import FigureChecks
import Figures
import Foundation
import TestSupport
import NumpyFiles
import Testing

@Suite struct BaselineStoreTests {
    @Test func roundTripKeepsValuesAndNaN() throws {
        let folder = try temporaryFolder("checks")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = BaselineStore(folder: folder.appendingPathComponent("figures/baseline/paper"))
        var distance = Synthetic.distance()
        distance.plottedRange = 0...2
        distance.values.values[7] = 1e-7
        let figure = FigureData(id: "fig7", arrays: [Synthetic.recovery(), distance])
        try store.write(figure, png: nil)
        #expect(try store.load("fig7") == figure)
        #expect(try store.load("fig8") == nil)
        #expect(try store.figureIDs() == ["fig7"])
        let text = try String(contentsOf: store.dataURL(for: "fig7"), encoding: .utf8)
        #expect(text.contains("null") && text.contains("\"kind\": \"continuous\""))
        try store.remove("fig7")
        #expect(try store.figureIDs().isEmpty)
    }

    @Test func defaultFolderIsNamedAfterTheReport() {
        let store = BaselineStore(report: URL(fileURLWithPath: "/repo/reports/paper.md"), root: URL(fileURLWithPath: "/repo"))
        #expect(store.folder.path == "/repo/figures/baseline/paper")
    }

    @Test func corruptBaselineIsAnError() throws {
        let folder = try temporaryFolder("checks")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("{\"format\": \"other\"}".utf8).write(to: folder.appendingPathComponent("fig.json"))
        #expect(throws: FigureCheckError.self) { try BaselineStore(folder: folder).load("fig") }
    }
}

/// The driver end to end, as `neurec check` uses it: update, check, perturb, check again.
@Suite struct CheckDriverTests {
    struct Setup {
        let folder: URL
        let store: BaselineStore
        let diffs: URL

        init() throws {
            folder = try temporaryFolder("checks")
            store = BaselineStore(folder: folder.appendingPathComponent("figures/baseline/paper"))
            diffs = folder.appendingPathComponent("reports")
        }

        /// Renders the figure of `arrays[0]` to out/ID.png and returns it as a regenerated figure.
        func regenerated(_ id: String, _ arrays: [TrialArray], colormap: Colormap = .jet,
                         redraws: Bool = false) throws -> RegeneratedFigure {
            let out = folder.appendingPathComponent("out")
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            let png = out.appendingPathComponent("\(id).png")
            let diagram = PhaseDiagram(grid: arrays[0].meanGrid(), colormap: colormap)
            try diagram.render(to: png)
            let redraw: @Sendable (FigureData) throws -> any Figure = { data in
                var figure = diagram
                figure.grid = data.arrays[0].meanGrid()
                return figure
            }
            return RegeneratedFigure(id: id, arrays: arrays, png: png, redraw: redraws ? redraw : nil)
        }
    }

    @Test func passesOnCommittedBaselinesAndFailsOnRegressions() throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let recovery = Synthetic.recovery(), distance = Synthetic.distance()
        let figures = [try setup.regenerated("fig4a", [recovery]), try setup.regenerated("fig7", [distance])]

        // No baselines yet: fail, then --update writes them.
        let missing = try checkFigures(figures, baselines: setup.store, update: false, diffFolder: setup.diffs)
        #expect(!missing.allPassed && missing.verdicts.allSatisfy { $0.problems[0].contains("no baseline") })
        let updated = try checkFigures(figures, baselines: setup.store, update: true, diffFolder: setup.diffs)
        #expect(updated.allPassed && updated.verdicts.allSatisfy(\.updated))
        #expect(try setup.store.figureIDs() == ["fig4a", "fig7"])
        #expect(setup.store.image("fig4a") != nil)

        // Regenerated exactly: pass, images compared.
        let same = try checkFigures(figures, baselines: setup.store, update: false, diffFolder: setup.diffs)
        #expect(same.allPassed, "\(same)")
        #expect(same.verdicts.allSatisfy { $0.image?.pixelsOff == 0 })

        // A couple of boundary trials flip: pass.
        let flipped = [try setup.regenerated("fig4a", [Synthetic.flippingBoundaryTrials(recovery, count: 2)]), figures[1]]
        let noisy = try checkFigures(flipped, baselines: setup.store, update: false, diffFolder: setup.diffs)
        #expect(noisy.allPassed, "\(noisy)")

        // A shifted transition and one figure's metric replaced: both fail, with difference images.
        var replaced = Synthetic.recovery(seed: 9)
        replaced.name = "irr"
        let broken = [try setup.regenerated("fig4a", [Synthetic.recovery(shift: 10)]), try setup.regenerated("fig7", [replaced])]
        let report = try checkFigures(broken, baselines: setup.store, update: false, diffFolder: setup.diffs)
        #expect(!report.allPassed && report.failures.count == 2, "\(report)")
        for verdict in report.verdicts {
            let diff = try #require(verdict.diffImage)
            #expect(diff.lastPathComponent == "\(verdict.figureID).diff.png")
            #expect(try RasterImage(contentsOfPNG: diff).width > 0)
        }
        #expect(report.description.split(separator: "\n").count == 3)
        if let keep = ProcessInfo.processInfo.environment["NEUREC_CHECKS_DEMO"] {
            print(report)
            try? FileManager.default.copyItem(at: report.verdicts[0].diffImage!,
                                              to: URL(fileURLWithPath: keep).appendingPathComponent("diff-shift.png"))
        }

        // Passing again removes the stale difference images.
        let again = try checkFigures([try setup.regenerated("fig4a", [recovery]), try setup.regenerated("fig7", [distance])], baselines: setup.store, update: false, diffFolder: setup.diffs)
        #expect(again.allPassed)
        #expect(!FileManager.default.fileExists(atPath: setup.diffs.appendingPathComponent("fig4a.diff.png").path))
    }

    @Test func drawingRegressionAloneFails() throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let figures = [try setup.regenerated("fig4a", [Synthetic.recovery()])]
        _ = try checkFigures(figures, baselines: setup.store, update: true, diffFolder: setup.diffs)
        let redrawn = [try setup.regenerated("fig4a", [Synthetic.recovery()], colormap: .gray)]
        let report = try checkFigures(redrawn, baselines: setup.store, update: false, diffFolder: setup.diffs)
        let verdict = report.verdicts[0]
        #expect(verdict.dataPassed && !verdict.imagePassed && !report.allPassed, "\(report)")
        #expect(verdict.diffImage != nil)
    }

    /// Without a way to redraw, the new PNG is compared with the baseline PNG and only counts when
    /// the data are identical: two flipped trials move contours but must pass.
    @Test func imageOfNoisyDataIsNotDecisive() throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        _ = try checkFigures([try setup.regenerated("fig4a", [Synthetic.recovery()])], baselines: setup.store,
                             update: true, diffFolder: setup.diffs)
        let flipped = Synthetic.flippingBoundaryTrials(Synthetic.recovery(), count: 2)
        let report = try checkFigures([try setup.regenerated("fig4a", [flipped])], baselines: setup.store,
                                      update: false, diffFolder: setup.diffs)
        let image = try #require(report.verdicts[0].image)
        #expect(report.allPassed && !image.passed && !image.decisive, "\(report)")
    }

    /// With `redraw`, the baseline data are drawn by the current code: data noise cannot fail the
    /// drawing check, a drawing change fails it even when the data differ.
    @Test func redrawnBaselineSeparatesDrawingFromData() throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        _ = try checkFigures([try setup.regenerated("fig4a", [Synthetic.recovery()], redraws: true)],
                             baselines: setup.store, update: true, diffFolder: setup.diffs)
        let flipped = Synthetic.flippingBoundaryTrials(Synthetic.recovery(), count: 2)
        let noisy = try checkFigures([try setup.regenerated("fig4a", [flipped], redraws: true)], baselines: setup.store,
                                     update: false, diffFolder: setup.diffs)
        let image = try #require(noisy.verdicts[0].image)
        #expect(noisy.allPassed && image.decisive && image.pixelsOff == 0, "\(noisy)")

        let redrawn = try checkFigures([try setup.regenerated("fig4a", [flipped], colormap: .viridis, redraws: true)],
                                       baselines: setup.store, update: false, diffFolder: setup.diffs)
        #expect(!redrawn.allPassed && redrawn.verdicts[0].dataPassed && !redrawn.verdicts[0].imagePassed, "\(redrawn)")
        let diff = try #require(redrawn.verdicts[0].diffImage)
        #expect(try RasterImage(contentsOfPNG: diff).width > 0)
        if let keep = ProcessInfo.processInfo.environment["NEUREC_CHECKS_DEMO"] {
            print(redrawn)
            try? FileManager.default.copyItem(at: diff, to: URL(fileURLWithPath: keep).appendingPathComponent("diff-drawing.png"))
        }
    }

    @Test func staleBaselineFailsAndUpdateRemovesIt() throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let both = [try setup.regenerated("fig4a", [Synthetic.recovery()]), try setup.regenerated("fig4b", [Synthetic.recovery(seed: 3)])]
        _ = try checkFigures(both, baselines: setup.store, update: true, diffFolder: setup.diffs)
        let report = try checkFigures([both[0]], baselines: setup.store, update: false, diffFolder: setup.diffs)
        #expect(!report.allPassed && report.failures.map(\.figureID) == ["fig4b"])
        _ = try checkFigures([both[0]], baselines: setup.store, update: true, diffFolder: setup.diffs)
        #expect(try setup.store.figureIDs() == ["fig4a"])
    }
}
