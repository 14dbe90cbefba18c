import Experiments
import Figures
import Foundation
import Instances
import Vocabulary

/// Turns a block's results into its figure (a `Figures` value) and its tables.
enum BlockPresentation {
    static func metricLabel(_ metric: Metric) -> String {
        switch metric {
        case .recovery: return "recovery rate"
        case .disAbs: return "absolute distance"
        case .disTest: return "test distance"
        case .cosine: return "cosine similarity"
        case .offPlantedNorm: return "off-planted norm"
        case .nicL: return "P(NIC-L holds)"
        case .irrepresentability: return "P(irrepresentable)"
        case .allOnes: return "P(all-ones pattern)"
        case .seconds: return "seconds"
        case .iterations: return "iterations"
        case .almostOptimal: return "P(almost optimal)"
        case .plantedOptimal: return "P(planted optimal)"
        case .unique: return "P(unique recovery)"
        case .tie: return "P(tie)"
        case .certificateMargin: return "certificate margin"
        case .solverFailed: return "P(no optimum)"
        case .relaxedVerified: return "P(relaxation verified)"
        }
    }

    static func grid(_ array: TrialGrid) -> ScalarGrid {
        ScalarGrid(xValues: array.nValues, yValues: array.dValues, values: array.trialMeans)
    }

    static func figure(for outcome: BlockOutcome) -> (any Figure)? {
        guard let options = outcome.directive.figure else { return nil }
        let directive = outcome.directive
        switch directive.kind {
        case .grid:
            let colormap = Colormap.named(options.colormap) ?? .jet
            var diagrams: [PhaseDiagram] = []
            var label = "value"
            // One panel per run, or with `show:` one panel per metric of the single run.
            let panels: [(result: ExperimentResult, metric: Metric?, title: String?)] = options.show.isEmpty
                ? outcome.results.enumerated().map { ($1, $1.spec.metrics.first, directive.panelTitles[$0]) }
                : outcome.results.prefix(1).flatMap { result in options.show.map { (result, $0, $0 == .recovery ? "P(solver says recovered)" : metricLabel($0)) } }
            for panel in panels {
                guard let metric = panel.metric, let array = panel.result.arrays[metric] else { continue }
                label = options.show.isEmpty ? metricLabel(metric) : "rate"
                var diagram = PhaseDiagram(grid: grid(array), kind: options.kind == .heatmap ? .heatmap : .contour,
                                           levels: options.levels ?? PhaseDiagram.defaultLevels, colormap: colormap,
                                           boundaryLevel: options.boundary, referenceLines: options.ratios.map(ReferenceLine.ratio),
                                           title: panel.title.map { Markup.escape($0) }, colorbarLabel: label)
                if options.ties, let ties = panel.result.arrays[.tie] { diagram.hatching = CellHatching(grid: grid(ties)) }
                diagrams.append(diagram)
            }
            if diagrams.count == 1 { return diagrams[0] }
            guard !diagrams.isEmpty else { return nil }
            return PanelFigure(panels: diagrams, columns: options.columns, colorbarLabel: label)
        case .wendel:
            guard let result = outcome.results.first, let array = result.arrays[.allOnes] else { return nil }
            let means = array.trialMeans
            var series: [LinePlot.Series] = []
            for (j, d) in array.dValues.map({ Int($0) }).enumerated() {
                let color = LinePlot.palette[j % LinePlot.palette.count]
                series.append(.init(label: "empirical, <i>d</i> = \(d)", x: array.nValues,
                                    y: array.nValues.indices.map { means[$0 * array.dValues.count + j] },
                                    color: color, marker: .circle, dashed: false, lineWidth: 0))
                let fine = Array(stride(from: Int(array.nValues.min()!), through: Int(array.nValues.max()!), by: 1))
                series.append(.init(label: "Wendel, <i>d</i> = \(d)", x: fine.map(Double.init),
                                    y: fine.map { AllOnesPattern.wendelProbability(n: $0, d: d) },
                                    color: color, marker: LinePlot.Marker.none, dashed: true))
            }
            return LinePlot(series: series, xLabel: "<i>n</i>", yLabel: "P(all-ones pattern)", yRange: -0.02...1.02, legend: .topRight)
        case .boundary:
            guard let result = outcome.boundaryResult else { return nil }
            return boundaryFigure(result)
        case .cluster:
            guard let cluster = outcome.clusterResult else { return nil }
            let series = cluster.spec.dValues.enumerated().map { j, d in
                LinePlot.Series(label: "<i>d</i> = \(d)", x: cluster.spec.sigmas, y: cluster.probability[j])
            }
            return LinePlot(series: series, xLabel: "<i>σ</i>", yLabel: "probability", yRange: -0.02...1.02, legend: .best)
        }
    }

    static func tables(for outcome: BlockOutcome) -> [(TableKind, TableContent)] {
        outcome.directive.tables.map { kind in
            switch kind {
            case .boundary: return (kind, outcome.boundaryResult.map(locatedBoundaryTable) ?? boundaryTable(outcome))
            case .runs: return (kind, outcome.boundaryResult.map(boundaryRunsTable) ?? runsTable(outcome))
            case .rates: return (kind, ratesTable(outcome))
            }
        }
    }

    static func cell(_ s: String) -> [Inline] { [.text(s)] }

    /// Single run: d, smallest n, n/d. Several panels: d, then "n (n/d)" per panel.
    static func boundaryTable(_ outcome: BlockOutcome) -> TableContent {
        let level = outcome.directive.figure?.boundary ?? 0.9
        var columns: [[(d: Int, n: Int?)]] = []
        var titles: [String] = []
        var label = "value"
        var relation = "≥"
        for (k, result) in outcome.results.enumerated() {
            guard let metric = result.spec.metrics.first, let array = result.arrays[metric] else { continue }
            columns.append(BlockSummary.boundary(array, metric: metric, level: level))
            titles.append(outcome.directive.panelTitles[k] ?? "panel \(k + 1)")
            label = metricLabel(metric)
            relation = BlockSummary.isRate(metric) ? "≥" : "≤"
        }
        let d: [Inline] = [.math(.identifier("d", .italic), source: "d")]
        let n: [Inline] = [.math(.identifier("n", .italic), source: "n")]
        let ratio: [Inline] = [.math(.row([.identifier("n", .italic), .op("/"), .identifier("d", .italic)]), source: "n/d")]
        let dValues = columns.first?.map(\.d) ?? []
        if columns.count == 1 {
            let header: [[Inline]] = [d, [.text("smallest ")] + n + [.text(" with \(label) \(relation) \(BlockSummary.format(level))")], ratio]
            let rows: [[[Inline]]] = dValues.indices.map { j in
                let hit = columns[0][j].n
                return [cell(String(dValues[j])), cell(hit.map(String.init) ?? "—"),
                        cell(hit.map { BlockSummary.format(Double($0) / Double(dValues[j])) } ?? "—")]
            }
            return TableContent(alignments: [.right, .right, .right], header: header, rows: rows)
        }
        let header: [[Inline]] = [d] + titles.map { cell($0) }
        let rows: [[[Inline]]] = dValues.indices.map { j in
            [cell(String(dValues[j]))] + columns.map { column in
                guard let hit = column[j].n else { return cell("—") }
                return cell("\(hit) (\(BlockSummary.format(Double(hit) / Double(dValues[j]))))")
            }
        }
        return TableContent(alignments: Array(repeating: .right, count: header.count), header: header, rows: rows)
    }

    /// Per run: trials, P(unique recovery), P(solver says recovered), P(planted optimal), ties, and
    /// the trials where the solver's verdict and the certificate part ways.
    static func ratesTable(_ outcome: BlockOutcome) -> TableContent {
        let header = [cell("run"), cell("trials"), cell("P(unique recovery)"), cell("P(solver says recovered)"),
                      cell("P(planted optimal)"), cell("ties"), cell("recovered, not unique"), cell("unique, not recovered")]
        var rows: [[[Inline]]] = []
        for (k, result) in outcome.results.enumerated() {
            guard let rates = CertifiedRates(result.arrays) else { continue }
            func rate(_ count: Int?) -> [Inline] { cell(count.map { String(format: "%.3f", rates.rate($0)) } ?? "—") }
            let name = outcome.directive.panelTitles[k] ?? "\(result.spec.learned.rawValue) \(result.spec.fitting.rawValue)"
            rows.append([cell(name), cell(String(rates.trials)), rate(rates.unique), rate(rates.recovered), rate(rates.plantedOptimal),
                         cell(String(rates.ties)), cell(rates.recoveredNotUnique.map(String.init) ?? "—"),
                         cell(rates.uniqueNotRecovered.map(String.init) ?? "—")])
        }
        return TableContent(alignments: [.left] + Array(repeating: .right, count: 7), header: header, rows: rows)
    }

    static func runsTable(_ outcome: BlockOutcome) -> TableContent {
        let header = [cell("run"), cell("grid"), cell("trials"), cell("instances"), cell("seconds")]
        var rows: [[[Inline]]] = []
        for (k, result) in outcome.results.enumerated() {
            let g = result.spec.grid
            let name = outcome.directive.panelTitles[k] ?? "\(result.spec.learned.rawValue) \(result.spec.fitting.rawValue)"
            rows.append([cell(name), cell("n ≤ \(g.nValues.max() ?? 0), d ≤ \(g.dValues.max() ?? 0)"), cell(String(g.trials)),
                         cell(String(result.instanceCount)), cell(String(format: "%.1f", result.seconds))])
        }
        if let cluster = outcome.clusterResult {
            rows.append([cell("cluster, option \(cluster.spec.means.rawValue)"), cell("d ∈ {\(cluster.spec.dValues.map(String.init).joined(separator: ", "))}"),
                         cell(String(cluster.spec.trials)), cell(String(cluster.spec.trials * cluster.spec.dValues.count * cluster.spec.sigmas.count)), cell("—")])
        }
        return TableContent(alignments: [.left, .left, .right, .right, .right], header: header, rows: rows)
    }

    /// n*/d against d, one series per level: the estimate (markers) with its interval as a bar, and
    /// for the skip network Wendel's n/d at the same level (dashed; see `WendelCrossing.reference`).
    static func boundaryFigure(_ result: BoundaryResult) -> LinePlot {
        var series: [LinePlot.Series] = []
        let dValues = result.rows.map { Double($0.d) }
        for (k, level) in result.spec.settings.levels.enumerated() {
            let color = LinePlot.palette[k % LinePlot.palette.count]
            let estimates = result.rows.map(\.estimates[k])
            let ratio = zip(estimates, dValues).map { e, d in e.estimate.map { Double($0) / d } ?? .nan }
            // The interval [lower, upper] as a symmetric bar about its middle (a marker-less series).
            let middle = zip(estimates, dValues).map { e, d in e.upper.map { Double(e.lower + $0) / 2 / d } ?? .nan }
            let half = zip(estimates, dValues).map { e, d in e.upper.map { Double($0 - e.lower) / 2 / d } ?? .nan }
            series.append(.init(label: nil, x: dValues, y: middle, errors: half, color: color, marker: LinePlot.Marker.none, lineWidth: 0))
            series.append(.init(label: "level \(BlockSummary.format(level))", x: dValues, y: ratio, color: color,
                                marker: [LinePlot.Marker.circle, .square, .triangle, .diamond][k % 4]))
            if result.spec.experiment.learned == .skip {
                let wendel = result.rows.map { Double(result.wendelReference(level: level, d: $0.d)) / Double($0.d) }
                series.append(.init(label: "Wendel, level \(BlockSummary.format(level))", x: dValues, y: wendel, color: color,
                                    marker: LinePlot.Marker.none, dashed: true))
            }
        }
        return LinePlot(series: series, xLabel: "<i>d</i>", yLabel: "<i>n</i>*/<i>d</i>",
                        xScale: dValues.count > 1 && (dValues.max()! / dValues.min()! >= 4) ? .logarithmic : .linear, legend: .best)
    }

    /// d, then per level n*, its interval and n*/d; then the probes and instances of each d's search.
    static func locatedBoundaryTable(_ result: BoundaryResult) -> TableContent {
        let levels = result.spec.settings.levels
        let d: [Inline] = [.math(.identifier("d", .italic), source: "d")]
        var header: [[Inline]] = [d]
        for level in levels {
            let at = " (level \(BlockSummary.format(level)))"
            header += [cell("n*" + at), cell("interval" + at), cell("n*/d" + at)]
        }
        header += [cell("probes"), cell("instances"), cell("full grid")]
        let rows: [[[Inline]]] = result.rows.map { row in
            var cells: [[Inline]] = [cell(String(row.d))]
            for e in row.estimates {
                cells.append(cell(e.estimate.map(String.init) ?? "> \(result.spec.settings.maxN)"))
                cells.append(cell("[\(e.lower), \(e.upper.map(String.init) ?? "—")]"))
                cells.append(cell(e.estimate.map { BlockSummary.format(Double($0) / Double(row.d)) } ?? "—"))
            }
            return cells + [cell(String(row.probes.count)), cell(String(row.instances)), cell(String(row.gridInstances))]
        }
        return TableContent(alignments: Array(repeating: .right, count: header.count), header: header, rows: rows)
    }

    /// One row for the search: what it looked at, the instances it used against a full grid's, and time.
    static func boundaryRunsTable(_ result: BoundaryResult) -> TableContent {
        let spec = result.spec, used = result.rows.reduce(0) { $0 + $1.instances }
        let grid = result.rows.reduce(0) { $0 + $1.gridInstances }
        let header = [cell("run"), cell("d"), cell("probes"), cell("instances"), cell("full grid, same resolution"), cell("seconds")]
        let row = [cell("\(spec.experiment.learned.rawValue) \(spec.experiment.fitting.rawValue), \(spec.metric.rawValue)"),
                   cell(spec.dValues.map(String.init).joined(separator: ", ")),
                   cell(String(result.rows.reduce(0) { $0 + $1.probes.count })), cell(String(used)),
                   cell("\(grid) (\(BlockSummary.format(Double(grid) / Double(max(used, 1))))×)"),
                   cell(String(format: "%.1f", result.seconds))]
        return TableContent(alignments: [.left, .left, .right, .right, .right, .right], header: header, rows: [row])
    }
}
