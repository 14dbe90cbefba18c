import Experiments
import Figures
import Instances
import Vocabulary
import Yams

/// What a block shows as a figure.
public struct FigureOptions: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case contour, heatmap, line }
    public var kind: Kind
    /// Level of the black boundary contour (and of the boundary table); nil for none.
    public var boundary: Double?
    public var colormap: String
    public var caption: String
    public var columns: Int?
    /// Reference lines n = c·d.
    public var ratios: [Double]
    public var levels: [Double]?
    /// Size, typeface and PNG resolution: the front matter's `figures`, then this block's keys.
    public var appearance: FigureAppearance
    /// One panel per metric of a single experiment (e.g. the three rates of science §10 side by side).
    public var show: [Metric] = []
    /// Hatch the cells where some trial was a tie (science §10).
    public var ties = false
}

/// A table a block can show.
public enum TableKind: String, Sendable, CaseIterable {
    /// For each d: the smallest n where the mean reaches the boundary level, and n/d.
    case boundary
    /// Instances and wall time of each run.
    case runs
    /// P(unique recovery), P(solver says recovered), P(planted optimal) and the ties of each run
    /// (science §10).
    case rates
}

/// One experiment run of a block, resolved for the chosen scale.
public enum PlannedRun: Sendable, Equatable {
    case grid(ExperimentSpec)
    case cluster(ClusterSpec)
}

/// A ```neurec block, validated and resolved for one scale.
public struct Directive: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case grid, cluster, wendel, boundary }
    public var id: String
    public var line: Int
    public var kind: Kind
    /// One run per panel (a single panel without `panels:`), with the panel titles.
    public var runs: [PlannedRun]
    public var panelTitles: [String?]
    public var figure: FigureOptions?
    public var tables: [TableKind]
    public var tableCaption: String?
    /// d values of a Wendel block.
    public var wendelD: [Int]
    /// The search of a boundary block (its `runs` are empty: the probes are decided as it goes).
    public var boundary: BoundarySpec? = nil
}

/// Reads directive YAML into a `Directive` for a scale; every error names the file line and key.
struct DirectiveParser {
    let file: String
    let scaleName: String
    let scale: ScaleSettings
    let scaleNames: [String]
    /// The front matter's `figures` settings.
    var figureDefaults = FigureAppearance()

    static let topKeys = ["id", "experiment", "grid", "panels", "figure", "table", "table_caption"]
    static let gridExperimentKeys = ["kind", "planted", "learned", "network", "form", "metric", "metrics", "optw", "optx",
                                     "sigma", "neu", "seed", "rng"]
    static let clusterKeys = ["kind", "option", "d", "sigma", "trials", "seed"]
    static let wendelKeys = ["kind", "d", "n", "trials", "seed", "rng"]
    static let boundaryKeys = gridExperimentKeys.filter { $0 != "metrics" && $0 != "rng" }
        + ["d", "levels", "confidence", "trials", "max_trials", "start_ratio", "min_n", "max_n"]
    static let figureKeys = ["kind", "boundary", "cmap", "colormap", "caption", "columns", "ratio", "levels", "show", "ties"]
        + YAMLReader.appearanceKeys
    static let gridKeys = ["N", "D", "n", "d", "trials", "step"]

    func parse(yaml: String, line: Int) throws -> Directive {
        let r = YAMLReader(file: file, firstLine: line)
        guard let root = try r.compose(yaml) else { throw ReportError(file: file, line: line, message: "empty neurec block") }
        let m = try r.mapping(root, "a neurec block", allowed: Self.topKeys)
        guard let idNode = m["id"] else { throw r.fail(root, "a neurec block needs an 'id'") }
        let id = try r.string(idNode, "id")
        guard let first = id.first, first.isLetter, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw r.fail(idNode, "'id' must start with a letter and use letters, digits, _ or - (got '\(id)')")
        }
        guard let experiment = m["experiment"] else { throw r.fail(root, "block '\(id)' needs an 'experiment'") }
        guard experiment.mapping != nil else { throw r.fail(experiment, "'experiment' must be a mapping") }
        let kindName = try experiment.mapping?["kind"].map { try r.choice($0, "kind", Directive.Kind.allCases.map(\.rawValue)) } ?? "grid"
        let kind = Directive.Kind(rawValue: kindName)!

        var directive = Directive(id: id, line: line, kind: kind, runs: [], panelTitles: [], figure: nil, tables: [],
                                  tableCaption: nil, wendelD: [])
        switch kind {
        case .grid:
            let grid = try resolveGrid(m["grid"], r)
            let base = try r.mapping(experiment, "'experiment'", allowed: Self.gridExperimentKeys)
            if let panels = m["panels"] {
                guard let list = panels.sequence, !list.isEmpty else { throw r.fail(panels, "'panels' must be a non-empty list of experiment overrides") }
                for panel in list {
                    let overrides = try r.mapping(panel, "a panel", allowed: Self.gridExperimentKeys.filter { $0 != "kind" } + ["title"])
                    var merged = base
                    for (k, v) in overrides where k != "title" { merged[k] = v }
                    directive.runs.append(.grid(try gridSpec(merged, grid: grid, r)))
                    directive.panelTitles.append(try overrides["title"].map { try r.string($0, "title") })
                }
            } else {
                directive.runs = [.grid(try gridSpec(base, grid: grid, r))]
                directive.panelTitles = [nil]
            }
        case .cluster:
            if let g = m["grid"] { throw r.fail(g, "a cluster block has no 'grid' (set d, sigma and trials in 'experiment')") }
            let e = try r.mapping(experiment, "a cluster experiment", allowed: Self.clusterKeys)
            var spec = ClusterSpec(trials: scale.clusterTrials)
            if let o = e["option"] {
                let option = try r.int(o, "option")
                guard let means = ClusterMeans(rawValue: option) else { throw r.fail(o, "'option' must be 1, 2 or 3, got \(option)") }
                spec.means = means
            }
            if let d = e["d"] { spec.dValues = try r.increasingInts(d, "d") }
            if let s = e["sigma"] { spec.sigmas = try r.doubles(s, "sigma") }
            if let t = e["trials"] { spec.trials = try perScaleInt(t, "trials", r) }
            if let s = e["seed"] { spec.seed = UInt32(truncatingIfNeeded: try r.int(s, "seed")) }
            guard (1...ExperimentSpec.maxTrials).contains(spec.trials), spec.dValues.allSatisfy({ (1...ExperimentSpec.maxSize).contains($0) }),
                  spec.sigmas.allSatisfy({ $0 > 0 && $0 <= InstanceParameters.maxSigma }) else {
                throw r.fail(experiment, "a cluster experiment needs trials in [1, \(ExperimentSpec.maxTrials)], d in [1, \(ExperimentSpec.maxSize)] and σ in (0, \(Int(InstanceParameters.maxSigma))]")
            }
            directive.runs = [.cluster(spec)]
            directive.panelTitles = [nil]
        case .wendel:
            let e = try r.mapping(experiment, "a wendel experiment", allowed: Self.wendelKeys)
            let dValues = try e["d"].map { try r.increasingInts($0, "d") } ?? [10]
            guard !dValues.isEmpty, dValues.allSatisfy({ (1...ExperimentSpec.maxSize).contains($0) }) else {
                throw r.fail(e["d"], "'d' must be in [1, \(ExperimentSpec.maxSize)]")
            }
            let dMax = dValues.max()!
            let nValues = try e["n"].map { try r.increasingInts($0, "n") } ?? Array(stride(from: 2, through: 4 * dMax, by: max(1, dMax / 5)))
            let trials = try e["trials"].map { try perScaleInt($0, "trials", r) } ?? scale.wendelTrials
            guard trials > 0, nValues.allSatisfy({ $0 >= 1 }) else { throw r.fail(experiment, "a wendel experiment needs trials > 0 and n ≥ 1") }
            var spec = ExperimentSpec(planted: .linear, learned: .skip, fitting: .relaxed,
                                      grid: InstanceGrid(nValues: nValues, dValues: dValues, trials: trials), metrics: [.allOnes])
            if let s = e["seed"] { spec.seed = UInt32(truncatingIfNeeded: try r.int(s, "seed")) }
            if let g = e["rng"] { spec.rng = StreamMode(rawValue: try r.choice(g, "rng", StreamMode.allCases.map(\.rawValue)))! }
            directive.runs = [.grid(spec)]
            directive.panelTitles = [nil]
            directive.wendelD = dValues
        case .boundary:
            if let g = m["grid"] { throw r.fail(g, "a boundary block has no 'grid' (set d, levels and trials in 'experiment')") }
            if let p = m["panels"] { throw r.fail(p, "a boundary block has no 'panels' (use one block per experiment)") }
            directive.boundary = try boundarySpec(experiment, r)
        }

        if let f = m["figure"] {
            if f.bool == false {
                directive.figure = nil
            } else {
                directive.figure = try figureOptions(f, kind: kind, r)
            }
        } else {
            directive.figure = try figureOptions(nil, kind: kind, r)
        }
        if let t = m["table"] {
            let names: [Node] = t.sequence.map { Array($0) } ?? [t]
            if t.bool == false {
                directive.tables = []
            } else {
                directive.tables = try names.map { TableKind(rawValue: try r.choice($0, "table", TableKind.allCases.map(\.rawValue)))! }
            }
            if directive.tables.contains(.boundary), kind != .grid, kind != .boundary {
                throw r.fail(t, "table 'boundary' needs a grid or boundary experiment (this block is '\(kind.rawValue)')")
            }
            if directive.tables.contains(.rates), kind == .boundary { throw r.fail(t, "table 'rates' needs a grid experiment") }
        }
        if let c = m["table_caption"] { directive.tableCaption = try r.string(c, "table_caption") }
        try addShownMetrics(&directive, figureNode: m["figure"], tableNode: m["table"], r)
        return directive
    }

    /// Records what `figure.show`, `figure.ties` and `table: rates` draw from, beside the block's
    /// own metrics (they come from the same trials: the cache keeps every metric of a trial).
    func addShownMetrics(_ directive: inout Directive, figureNode: Node?, tableNode: Node?, _ r: YAMLReader) throws {
        var wanted: [(Metric, Node?)] = (directive.figure?.show ?? []).map { ($0, figureNode) }
        if directive.figure?.ties == true { wanted.append((.tie, figureNode)) }
        let rates = directive.tables.contains(.rates)
        if rates { wanted += [Metric.unique, .plantedOptimal, .tie].map { ($0, tableNode) } }
        guard !wanted.isEmpty else { return }
        guard directive.kind == .grid else { throw r.fail(figureNode ?? tableNode, "'figure.show', 'figure.ties' and 'table: rates' need a grid experiment") }
        if directive.figure?.show.isEmpty == false, directive.runs.count > 1 {
            throw r.fail(figureNode, "'figure.show' draws one panel per metric of a single experiment: drop 'panels' or 'show'")
        }
        for k in directive.runs.indices {
            guard case .grid(var spec) = directive.runs[k] else { continue }
            for (metric, node) in wanted where !spec.metrics.contains(metric) {
                spec.metrics.append(metric)
                do { try spec.validate() } catch { throw r.fail(node, "\(error)") }
            }
            // The solver's verdict beside the certificates, where recovery is defined.
            if rates, !spec.metrics.contains(.recovery) {
                var withRecovery = spec
                withRecovery.metrics.append(.recovery)
                if (try? withRecovery.validate()) != nil { spec = withRecovery }
            }
            directive.runs[k] = .grid(spec)
        }
    }

    /// `grid:` as {N, D, trials}, explicit {n: [...], d: [...]}, or per scale {ci: {...}, paper: {...}};
    /// missing values come from the front matter's scale.
    func resolveGrid(_ node: Node?, _ r: YAMLReader) throws -> InstanceGrid {
        var settings: [String: Node] = [:]
        var where_: Node? = node
        if let node {
            guard let mapping = node.mapping else { throw r.fail(node, "'grid' must be a mapping") }
            let keys = mapping.keys.compactMap(\.string)
            if keys.contains(where: { scaleNames.contains($0) }) {
                let perScale = try r.mapping(node, "'grid'", allowed: scaleNames)
                if let chosen = perScale[scaleName] {
                    settings = try r.mapping(chosen, "'grid.\(scaleName)'", allowed: Self.gridKeys)
                    where_ = chosen
                }
            } else {
                settings = try r.mapping(node, "'grid'", allowed: Self.gridKeys + scaleNames)
            }
        }
        let step = try settings["step"].map { try r.int($0, "step") } ?? scale.step
        let maxN = try settings["N"].map { try r.int($0, "N") } ?? scale.maxN
        let maxD = try settings["D"].map { try r.int($0, "D") } ?? scale.maxD
        let trials = try settings["trials"].map { try r.int($0, "trials") } ?? scale.trials
        guard step > 0 else { throw r.fail(settings["step"], "'step' must be positive") }
        // Checked before the strides below build the value lists.
        for (key, value) in [("N", maxN), ("D", maxD)] where value > ExperimentSpec.maxSize {
            throw r.fail(settings[key] ?? where_, "'\(key)' must be at most \(ExperimentSpec.maxSize), got \(value)")
        }
        guard trials <= ExperimentSpec.maxTrials else {
            throw r.fail(settings["trials"] ?? where_, "'trials' must be at most \(ExperimentSpec.maxTrials), got \(trials)")
        }
        let nValues = try settings["n"].map { try r.increasingInts($0, "n") } ?? Array(stride(from: step, through: maxN, by: step))
        let dValues = try settings["d"].map { try r.increasingInts($0, "d") } ?? Array(stride(from: step, through: maxD, by: step))
        guard !nValues.isEmpty else { throw r.fail(settings["N"] ?? where_, "impossible grid: N = \(maxN) is below the step \(step), so there are no n values") }
        guard !dValues.isEmpty else { throw r.fail(settings["D"] ?? where_, "impossible grid: D = \(maxD) is below the step \(step), so there are no d values") }
        guard nValues.allSatisfy({ $0 >= 1 }), dValues.allSatisfy({ $0 >= 1 }) else { throw r.fail(where_, "impossible grid: n and d must be ≥ 1") }
        guard trials >= 1 else { throw r.fail(settings["trials"] ?? where_, "impossible grid: trials must be ≥ 1, got \(trials)") }
        return InstanceGrid(nValues: nValues, dValues: dValues, trials: trials)
    }

    /// A boundary experiment: the grid keys of the experiment (one metric), the d values and the
    /// search settings (`trials` is a probe's first look, `max_trials` its cap); d and the trial
    /// counts may be given per scale.
    func boundarySpec(_ node: Node, _ r: YAMLReader) throws -> BoundarySpec {
        let e = try r.mapping(node, "a boundary experiment", allowed: Self.boundaryKeys)
        guard let dNode = e["d"] else { throw r.fail(node, "a boundary experiment needs 'd' (a list, or one per scale)") }
        let dValues = try r.increasingInts(try perScale(dNode, "d", r), "d")
        guard !dValues.isEmpty, dValues.allSatisfy({ (1...ExperimentSpec.maxSize).contains($0) }) else {
            throw r.fail(dNode, "'d' must be in [1, \(ExperimentSpec.maxSize)]")
        }
        let metricNode = e["metric"]
        let metric = try metricNode.map { Metric(rawValue: try r.choice($0, "metric", Metric.boundaryMetrics.map(\.rawValue)))! } ?? .recovery
        var gridKeys = e.filter { Self.gridExperimentKeys.contains($0.key) && $0.key != "kind" }
        gridKeys.removeValue(forKey: "metric")
        let start = Int((2 * Double(dValues[0])).rounded())
        var experiment = try gridSpec(gridKeys, grid: InstanceGrid(nValues: [max(1, start)], dValues: [dValues[0]], trials: 1), r)
        experiment.metrics = [metric]
        var settings = BoundarySearchSettings(initialTrials: scale.trials)
        if let l = e["levels"] { settings.levels = try r.doubles(l, "levels") }
        if let c = e["confidence"] { settings.confidence = try r.double(c, "confidence") }
        if let t = e["trials"] { settings.initialTrials = try perScaleInt(t, "trials", r) }
        settings.maxTrials = try e["max_trials"].map { try perScaleInt($0, "max_trials", r) } ?? 16 * settings.initialTrials
        if let n = e["min_n"] { settings.minN = try r.int(n, "min_n") }
        if let n = e["max_n"] { settings.maxN = try r.int(n, "max_n") }
        var spec = BoundarySpec(experiment: experiment, metric: metric, dValues: dValues, settings: settings)
        if let s = e["start_ratio"] { spec.startRatio = try r.double(s, "start_ratio") }
        do { try spec.validate() } catch {
            throw r.fail(metricNode ?? e["levels"] ?? node, "\(error)")
        }
        return spec
    }

    /// A value, or a mapping with one value per scale (the chosen scale's).
    func perScale(_ node: Node, _ key: String, _ r: YAMLReader) throws -> Node {
        guard let mapping = node.mapping, mapping.keys.contains(where: { scaleNames.contains($0.string ?? "") }) else { return node }
        let m = try r.mapping(node, "'\(key)'", allowed: scaleNames)
        guard let v = m[scaleName] else { throw r.fail(node, "'\(key)' has no value for scale '\(scaleName)'") }
        return v
    }

    func perScaleInt(_ node: Node, _ key: String, _ r: YAMLReader) throws -> Int {
        if node.mapping != nil {
            let m = try r.mapping(node, "'\(key)'", allowed: scaleNames)
            guard let v = m[scaleName] else { throw r.fail(node, "'\(key)' has no value for scale '\(scaleName)'") }
            return try r.int(v, key)
        }
        return try r.int(node, key)
    }

    func gridSpec(_ e: [String: Node], grid: InstanceGrid, _ r: YAMLReader) throws -> ExperimentSpec {
        let learnedNode = e["learned"] ?? e["network"]
        let learned = try learnedNode.map { NetworkKind(rawValue: try r.choice($0, "learned", NetworkKind.allCases.map(\.rawValue)))! } ?? .skip
        let defaultPlanted: PlantedModel = learned == .skip ? .linear : learned == .normalized ? .normalized : .plain
        let planted = try e["planted"].map { PlantedModel(rawValue: try r.choice($0, "planted", PlantedModel.allCases.map(\.rawValue)))! } ?? defaultPlanted
        let fitting = try e["form"].map { Fitting(rawValue: try r.choice($0, "form", Fitting.allCases.map(\.rawValue)))! } ?? .relaxed
        var metrics: [Metric] = [.recovery]
        if let one = e["metric"] { metrics = [Metric(rawValue: try r.choice(one, "metric", Metric.allCases.map(\.rawValue)))!] }
        if let many = e["metrics"] {
            guard let list = many.sequence, !list.isEmpty else { throw r.fail(many, "'metrics' must be a non-empty list") }
            metrics = try list.map { Metric(rawValue: try r.choice($0, "metrics", Metric.allCases.map(\.rawValue)))! }
        }
        var parameters = InstanceParameters()
        if let x = e["optx"] {
            let v = try r.int(x, "optx")
            guard let law = DataLaw(rawValue: v) else { throw r.fail(x, "'optx' must be 0 (Gaussian), 1 (cubic), 2 (whitened) or 3 (cubic whitened), got \(v)") }
            parameters.dataLaw = law
        }
        let optw = try e["optw"].map { try r.int($0, "optw") }
        if let k = e["neu"] { parameters.neurons = try r.int(k, "neu") }
        if let s = e["sigma"] { parameters.sigma = try r.double(s, "sigma") }
        guard parameters.sigma >= 0, parameters.sigma <= InstanceParameters.maxSigma else {
            throw r.fail(e["sigma"], "'sigma' must be a number in [0, \(Int(InstanceParameters.maxSigma))], got \(parameters.sigma)")
        }
        if planted == .linear {
            guard let w = optw.map(PlantedWeights.init(rawValue:)) ?? .gaussian, w != .opposite else {
                throw r.fail(e["optw"], "'optw' must be 0 (Gaussian) or 1 (smallest right singular vector) for a planted linear neuron, got \(optw ?? 0)")
            }
            parameters.plantedWeights = w
        } else {
            guard (1...InstanceParameters.maxNeurons).contains(parameters.neurons) else {
                throw r.fail(e["neu"], "'neu' must be in [1, \(InstanceParameters.maxNeurons)], got \(parameters.neurons)")
            }
            guard let w = optw.map(PlantedWeights.init(rawValue:)) ?? .gaussian else {
                throw r.fail(e["optw"], "'optw' must be 0 (Gaussian), 1 (basis vectors) or 2 (u and −u), got \(optw ?? 0)")
            }
            if w == .opposite && parameters.neurons != 2 {
                throw r.fail(e["optw"], "'optw: 2' (u and −u) needs 'neu: 2', got neu \(parameters.neurons)")
            }
            parameters.plantedWeights = w
            if w == .structured, let dMin = grid.dValues.min(), dMin < parameters.neurons {
                throw r.fail(e["neu"], "impossible grid: 'optw: 1' plants \(parameters.neurons) basis vectors but the grid has d = \(dMin)")
            }
        }
        var spec = ExperimentSpec(planted: planted, learned: learned, fitting: fitting, grid: grid, parameters: parameters, metrics: metrics)
        if let s = e["seed"] {
            let v = try r.int(s, "seed")
            guard v >= 0, v <= Int(UInt32.max) else { throw r.fail(s, "'seed' must be between 0 and 2^32 − 1") }
            spec.seed = UInt32(v)
        }
        if let g = e["rng"] { spec.rng = StreamMode(rawValue: try r.choice(g, "rng", StreamMode.allCases.map(\.rawValue)))! }
        do { try spec.validate() } catch {
            // The experiments layer's own check (metric defined for this network and form, …).
            throw r.fail(e["metric"] ?? e["metrics"] ?? e["form"] ?? e["learned"] ?? e["planted"] ?? e.values.first, "\(error)")
        }
        return spec
    }

    func figureOptions(_ node: Node?, kind: Directive.Kind, _ r: YAMLReader) throws -> FigureOptions {
        var options = FigureOptions(kind: kind == .grid ? .contour : .line, boundary: kind == .grid ? 0.9 : nil,
                                    colormap: "jet", caption: "", columns: nil, ratios: [], levels: nil,
                                    appearance: figureDefaults)
        guard let node else { return options }
        let m = try r.mapping(node, "'figure'", allowed: Self.figureKeys)
        if let k = m["kind"] {
            options.kind = FigureOptions.Kind(rawValue: try r.choice(k, "figure.kind", FigureOptions.Kind.allCases.map(\.rawValue)))!
            if kind == .grid, options.kind == .line { throw r.fail(k, "'figure.kind: line' is for cluster, wendel and boundary blocks; use contour or heatmap") }
            if kind != .grid, options.kind != .line { throw r.fail(k, "a \(kind.rawValue) block draws a line plot: use 'figure.kind: line'") }
        }
        if let b = m["boundary"] {
            if b.bool == false || b.null != nil || b.string == "none" { options.boundary = nil } else {
                let v = try r.double(b, "boundary")
                guard v > 0, v < 1e6 else { throw r.fail(b, "'boundary' must be a positive level") }
                options.boundary = v
            }
        }
        if let c = m["cmap"] ?? m["colormap"] {
            options.colormap = try r.choice(c, "cmap", ["jet", "viridis", "gray"])
        }
        if let c = m["caption"] { options.caption = try r.string(c, "caption") }
        if let c = m["columns"] {
            options.columns = try r.int(c, "columns")
            guard options.columns! >= 1 else { throw r.fail(c, "'columns' must be ≥ 1") }
        }
        if let ratio = m["ratio"] { options.ratios = try r.doubles(ratio, "ratio") }
        if let show = m["show"] {
            guard kind == .grid, let list = show.sequence, !list.isEmpty else { throw r.fail(show, "'figure.show' must be a non-empty list of metrics of a grid experiment") }
            options.show = try list.map { Metric(rawValue: try r.choice($0, "figure.show", Metric.allCases.map(\.rawValue)))! }
        }
        if let ties = m["ties"] {
            guard let value = ties.bool else { throw r.fail(ties, "'figure.ties' must be true or false") }
            options.ties = value
        }
        if let levels = m["levels"] {
            let v = try r.doubles(levels, "levels")
            guard v.count >= 2, zip(v, v.dropFirst()).allSatisfy({ $0 < $1 }) else { throw r.fail(levels, "'levels' must be at least two increasing numbers") }
            options.levels = v
        }
        options.appearance = try r.figureAppearance(m, over: figureDefaults, section: "figure")
        return options
    }
}
