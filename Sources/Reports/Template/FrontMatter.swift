import Figures
import Foundation
import Yams

/// Grid sizes and trial counts of one named scale (`ci`, `paper`), from the front matter.
public struct ScaleSettings: Sendable, Equatable {
    /// n ∈ {step, 2·step, …, N}, d ∈ {step, …, D}.
    public var maxN: Int
    public var maxD: Int
    public var trials: Int
    public var step: Int
    /// Trials of the cluster experiment and of the Wendel curve at this scale.
    public var clusterTrials: Int
    public var wendelTrials: Int

    public init(maxN: Int, maxD: Int, trials: Int, step: Int = 10, clusterTrials: Int = 5000, wendelTrials: Int = 200) {
        self.maxN = maxN
        self.maxD = maxD
        self.trials = trials
        self.step = step
        self.clusterTrials = clusterTrials
        self.wendelTrials = wendelTrials
    }
}

/// The report's YAML front matter: title block, named scales and the figures' default appearance.
public struct FrontMatter: Sendable, Equatable {
    public var title: String
    public var authors: [String]
    public var date: String?
    public var scales: [String: ScaleSettings]
    /// Scale used without `--scale`: `default_scale`, else `ci` if present, else the first.
    public var defaultScale: String
    /// `figures: {dpi, size, font}`: every figure's appearance unless its block says otherwise.
    public var figureAppearance = FigureAppearance()
    /// `allow_html: true`: raw HTML in the template passes into the HTML report (default: omitted).
    public var allowHTML = false
    /// `allow_long: true`: run even when the estimate exceeds `RunEstimate.defaultLimit`.
    public var allowLong = false

    static let keys = ["title", "authors", "author", "date", "scales", "default_scale", "figures", "allow_html", "allow_long"]
    static let scaleKeys = ["N", "D", "trials", "step", "cluster_trials", "wendel_trials"]

    static func parse(_ yaml: String?, file: String, firstLine: Int) throws -> FrontMatter {
        var result = FrontMatter(title: "Untitled report", authors: [], date: nil,
                                 scales: ["ci": ScaleSettings(maxN: 60, maxD: 30, trials: 3, clusterTrials: 500, wendelTrials: 50)],
                                 defaultScale: "ci")
        guard let yaml, !yaml.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return result }
        let reader = YAMLReader(file: file, firstLine: firstLine)
        guard let root = try reader.compose(yaml) else { return result }
        let m = try reader.mapping(root, "the front matter", allowed: keys)
        if let t = m["title"] {
            // Plain text everywhere it appears (PDF metadata, the HTML <title>), so $…$ becomes Unicode.
            let title = try reader.string(t, "title")
            guard let plain = PlainMath.replacingInlineMath(in: title) else {
                throw reader.fail(t, "'title' has math between $…$ that does not parse (or an unpaired $)")
            }
            result.title = plain
        }
        if let a = m["authors"] ?? m["author"] {
            result.authors = try a.sequence.map { try $0.map { try reader.string($0, "authors") } } ?? [reader.string(a, "authors")]
        }
        if let d = m["date"] { result.date = try reader.string(d, "date") }
        if let s = m["scales"] {
            guard let mapping = s.mapping, !mapping.isEmpty else { throw reader.fail(s, "'scales' must map scale names to {N, D, trials}") }
            result.scales = [:]
            var first: String? = nil
            for (key, value) in mapping {
                guard let name = key.string else { throw reader.fail(key, "scale names must be strings") }
                first = first ?? name
                let v = try reader.mapping(value, "scale '\(name)'", allowed: scaleKeys)
                guard let n = v["N"], let d = v["D"], let t = v["trials"] else {
                    throw reader.fail(value, "scale '\(name)' needs N, D and trials")
                }
                var settings = ScaleSettings(maxN: try reader.int(n, "N"), maxD: try reader.int(d, "D"), trials: try reader.int(t, "trials"))
                if let st = v["step"] { settings.step = try reader.int(st, "step") }
                if let c = v["cluster_trials"] { settings.clusterTrials = try reader.int(c, "cluster_trials") }
                if let w = v["wendel_trials"] { settings.wendelTrials = try reader.int(w, "wendel_trials") }
                guard settings.step > 0, settings.maxN >= settings.step, settings.maxD >= settings.step, settings.trials > 0 else {
                    throw reader.fail(value, "scale '\(name)' must have N, D ≥ step > 0 and trials > 0")
                }
                result.scales[name] = settings
            }
            result.defaultScale = result.scales["ci"] != nil ? "ci" : first!
        }
        if let f = m["figures"] {
            let keys = try reader.mapping(f, "'figures'", allowed: YAMLReader.appearanceKeys)
            result.figureAppearance = try reader.figureAppearance(keys, over: result.figureAppearance, section: "figures")
        }
        if let h = m["allow_html"] { result.allowHTML = try reader.bool(h, "allow_html") }
        if let l = m["allow_long"] { result.allowLong = try reader.bool(l, "allow_long") }
        if let d = m["default_scale"] {
            let name = try reader.string(d, "default_scale")
            guard result.scales[name] != nil else {
                throw reader.fail(d, "default_scale '\(name)' is not a scale (valid: \(result.scales.keys.sorted().joined(separator: ", ")))")
            }
            result.defaultScale = name
        }
        return result
    }
}

extension YAMLReader {
    static let appearanceKeys = ["dpi", "size", "font"]

    /// `dpi`, `size` and `font` from a mapping (the front matter's `figures`, a block's `figure`),
    /// each replacing the value in `base`; errors name the key as `section.key`.
    func figureAppearance(_ m: [String: Node], over base: FigureAppearance, section: String) throws -> FigureAppearance {
        var appearance = base
        if let node = m["dpi"] {
            appearance.dpi = try double(node, "\(section).dpi")
            if let problem = FigureAppearance.dpiProblem(appearance.dpi) { throw fail(node, "'\(section).dpi' \(problem)") }
        }
        if let node = m["size"] {
            let text = try string(node, "\(section).size")
            guard let size = FigureAppearance.parseSize(text) else {
                throw fail(node, "'\(section).size' must be \(FigureAppearance.sizeSyntax), at least 1x0.75in and at most 50in a side; got '\(text)'")
            }
            appearance.size = size
        }
        if let node = m["font"] {
            let family = try string(node, "\(section).font")
            if let problem = FigureAppearance.fontProblem(family) { throw fail(node, "'\(section).font': \(problem)") }
            appearance.fontFamily = family
        }
        return appearance
    }
}

