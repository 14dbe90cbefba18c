import Figures
import Foundation
import TestSupport

/// Deterministic synthetic results, shaped like the experiments' outputs, for golden images and
/// for looking at the figures (set NEUREC_FIGURE_DEMO=/some/folder to write them all).
enum Demo {
    /// A recovery rate over n ∈ {10,…,N}, d ∈ {10,…,D}: the mean of `trials` Bernoulli draws of a
    /// logistic transition around n = ratio·d, as the experiments' [n, d, trial] arrays average to.
    static func recoveryGrid(N: Int = 400, D: Int = 100, trials: Int = 5, ratio: Double = 2, seed: UInt64 = 7) -> ScalarGrid {
        var noise = SplitMix64(seed: seed)
        let n = stride(from: 10, through: N, by: 10).map(Double.init)
        let d = stride(from: 10, through: D, by: 10).map(Double.init)
        return ScalarGrid(xValues: n, yValues: d) { x, y in
            let p = 1 / (1 + exp(-(x - ratio * y) / (0.15 * y + 5)))
            return (0..<trials).map { _ in noise.uniform() < p ? 1.0 : 0.0 }.reduce(0, +) / Double(trials)
        }
    }

    static var contour: PhaseDiagram {
        PhaseDiagram(grid: recoveryGrid(), referenceLines: [.ratio(2)],
                     title: "Recovery rate, skip network, relaxed", colorbarLabel: "rate")
    }

    static var heatmap: PhaseDiagram {
        PhaseDiagram(grid: recoveryGrid(N: 100, D: 50, trials: 10, ratio: 1.5, seed: 3), kind: .heatmap,
                     colormap: .viridis, title: "Heatmap, <i>N</i> = 100, <i>D</i> = 50")
    }

    static var panels: PanelFigure {
        let laws = ["Gaussian", "cubic", "whitened", "cubic, whitened"]
        return PanelFigure(panels: laws.enumerated().map { k, law in
            PhaseDiagram(grid: recoveryGrid(ratio: 1.5 + 0.5 * Double(k), seed: UInt64(11 + k)),
                         title: "(\(["a", "b", "c", "d"][k])) <i>X</i> \(law)")
        }, title: "Recovery rate for four data laws", colorbarLabel: "recovery rate")
    }

    static var sigmaRow: PanelFigure {
        let sigmas = ["0", "0.05", "0.1", "0.2"]
        return PanelFigure(panels: sigmas.enumerated().map { k, sigma in
            PhaseDiagram(grid: recoveryGrid(N: 100, D: 50, ratio: 1.5 + Double(k) * 0.4, seed: UInt64(20 + k)),
                         boundaryLevel: nil, title: "<i>σ</i> = \(sigma)")
        }, columns: 4, colorbarLabel: "‖<i>w</i> − <i>w</i>*‖")
    }

    /// The cluster experiment's shape: probability against σ, one line per d, with error bars.
    static var clusterProbability: LinePlot {
        let sigmas = stride(from: 1.0, through: 8.5, by: 0.5).map { $0 }
        return LinePlot(series: [20, 40, 60, 80].map { d in
            let p = sigmas.map { s in 1 / (1 + exp(-(s - Double(d) / 12) * 1.3)) }
            return LinePlot.Series(label: "<i>d</i> = \(d)", x: sigmas, y: p,
                                   errors: p.map { 2 * ($0 * (1 - $0) / 5000).squareRoot() * 10 })
        }, title: "Cluster pattern probability", xLabel: "<i>σ</i>", yLabel: "probability", yRange: 0...1,
           legend: .outsideRight)
    }

    /// Wendel's P(some u ≠ 0 has Xu ≥ 0) = 2^{−(n−1)} Σ_{k<d} C(n−1, k) against an "empirical" curve.
    static var wendel: LinePlot {
        func wendel(_ n: Int, _ d: Int) -> Double {
            var sum = 0.0, c = 1.0
            for k in 0..<min(d, n) {
                sum += c
                c = c * Double(n - 1 - k) / Double(k + 1)
            }
            return sum / pow(2, Double(n - 1))
        }
        let d = 20, ns = Array(stride(from: 10, through: 80, by: 5))
        var noise = SplitMix64(seed: 5)
        let theory = ns.map { wendel($0, d) }
        let empirical = theory.map { min(1, max(0, $0 + 0.04 * (noise.uniform() - 0.5))) }
        return LinePlot(series: [
            .init(label: "Wendel (theory)", x: ns.map(Double.init), y: theory, marker: LinePlot.Marker.none),
            .init(label: "empirical, 100 trials", x: ns.map(Double.init), y: empirical,
                  errors: empirical.map { 2 * ($0 * (1 - $0) / 100).squareRoot() }, marker: .circle, lineWidth: 0),
        ], title: "All-ones pattern, <i>d</i> = 20", xLabel: "<i>n</i>", yLabel: "probability", yRange: 0...1)
    }

    /// Training curves on a log axis.
    static var loss: LinePlot {
        let epochs = (0...400).map(Double.init)
        let train = epochs.map { 10 * exp(-$0 / 40) + 1e-3 }
        let test = epochs.map { 12 * exp(-$0 / 50) + 2e-2 }
        return LinePlot(series: [
            .init(label: "train", x: epochs, y: train, marker: LinePlot.Marker.none),
            .init(label: "test", x: epochs, y: test, marker: LinePlot.Marker.none, dashed: true),
        ], title: "Loss, <i>β</i> = 10<sup>−6</sup>", xLabel: "epoch", yLabel: "loss", yScale: .logarithmic)
    }

    static let all: [(String, any Figure)] = [
        ("contour", contour), ("heatmap", heatmap), ("panels", panels), ("sigma-row", sigmaRow),
        ("cluster", clusterProbability), ("wendel", wendel), ("loss", loss),
    ]
}
