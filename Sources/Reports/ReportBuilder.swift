import Experiments
import Figures
import Foundation
import Vocabulary

/// How to build a report.
public struct ReportOptions: Sendable {
    /// Scale name from the front matter; nil for its default.
    public var scale: String?
    /// Where `NAME.md`, `NAME.html`, `NAME.pdf` and `figures/NAME/` will go (written by
    /// `ReportWriter` and `FigureWriter`; the model's figure paths are relative to it).
    public var outputDirectory: URL
    /// Render a failing directive as an error box and carry on instead of stopping.
    public var keepGoing: Bool
    /// Renders every PNG at this resolution whatever the template says: `neurec check` compares
    /// with baselines drawn at one fixed resolution.
    public var pngDPI: Double?
    /// Keep raw HTML from the template in the HTML report (also the front matter's `allow_html: true`).
    public var allowHTML: Bool
    /// Allow images that are not files inside the template's folder (see `ContentPolicy`).
    public var allowOutsideImages: Bool
    /// Run even when the estimate exceeds `RunEstimate.defaultLimit` (`--yes`; also `allow_long: true`).
    public var allowLong = false

    public init(scale: String? = nil, outputDirectory: URL, keepGoing: Bool = false, pngDPI: Double? = nil,
                allowHTML: Bool = false, allowOutsideImages: Bool = false) {
        self.scale = scale
        self.outputDirectory = outputDirectory
        self.keepGoing = keepGoing
        self.pngDPI = pngDPI
        self.allowHTML = allowHTML
        self.allowOutsideImages = allowOutsideImages
    }
}

/// A template read and validated, before anything runs.
public struct ParsedTemplate: Sendable {
    public var name: String
    public var frontMatter: FrontMatter
    public var scale: String
    /// The directives in document order (invalid ones are absent; see `errors`).
    public var directives: [Directive]
    /// Problems found under `--keep-going` (without it the first one is thrown).
    public var errors: [ReportError]
    var items: [ParsedItem]
    var source: SourceText
}

enum ParsedItem: Sendable {
    case markdown(Block, line: Int)
    case directive(Directive)
    case failed(ReportError)
}

extension SourceText: @unchecked Sendable {}

/// Builds the document model: parse the template, run each block through the experiments layer,
/// turn its results into a figure and tables, number figures, tables and sections, and resolve
/// math, values and cross-references. It writes no file: `FigureWriter` draws the figure files and
/// the renderers only read the model (`ReportWriter` does both).
public final class ReportBuilder {
    let executor: any ExperimentExecuting
    let log: @Sendable (String) -> Void

    public init(executor: any ExperimentExecuting, log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.executor = executor
        self.log = log
    }

    /// Reads a template: front matter, Markdown, directives (validated for `scale`).
    public static func parse(text: String, file: String, scale: String?, keepGoing: Bool = false) throws -> ParsedTemplate {
        let source = SourceText(text)
        let front = try FrontMatter.parse(source.frontMatter, file: file, firstLine: source.frontMatterLine)
        let scaleName = scale ?? front.defaultScale
        guard let settings = front.scales[scaleName] else {
            throw ReportError(file: file, line: 1, message: "unknown scale '\(scaleName)' (valid: \(front.scales.keys.sorted().joined(separator: ", ")))")
        }
        let parser = DirectiveParser(file: file, scaleName: scaleName, scale: settings, scaleNames: Array(front.scales.keys),
                                     figureDefaults: front.figureAppearance)
        var items: [ParsedItem] = []
        var directives: [Directive] = []
        var errors: [ReportError] = []
        var seen: Set<String> = []
        for item in MarkdownReader.read(source) {
            switch item {
            case let .markdown(block, line):
                items.append(.markdown(block, line: line))
            case let .directive(yaml, line):
                do {
                    let directive = try parser.parse(yaml: yaml, line: line)
                    guard seen.insert(directive.id).inserted else {
                        throw ReportError(file: file, line: line, message: "duplicate block id '\(directive.id)'")
                    }
                    directives.append(directive)
                    items.append(.directive(directive))
                } catch let error as ReportError {
                    if !keepGoing { throw error }
                    errors.append(error)
                    items.append(.failed(error))
                }
            }
        }
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        return ParsedTemplate(name: name, frontMatter: front, scale: scaleName, directives: directives, errors: errors,
                              items: items, source: source)
    }

    /// Builds the finished document from the template at `url`; its figures name the files
    /// `figures/NAME/ID.{png,pdf}` that `FigureWriter` writes.
    public func build(templateAt url: URL, options: ReportOptions) throws -> ReportDocument {
        let (parsed, file) = try Self.parse(templateAt: url, scale: options.scale, keepGoing: options.keepGoing)
        return try build(parsed, file: file, options: options)
    }

    /// Reads and parses the template at `url`; `file` is its path as messages name it.
    public static func parse(templateAt url: URL, scale: String?, keepGoing: Bool = false) throws
        -> (parsed: ParsedTemplate, file: String) {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ReportError(file: url.path, line: 0, message: "cannot read the template: \(FileProblem.reason(of: error))")
        }
        let file = displayPath(url)
        return (try parse(text: text, file: file, scale: scale, keepGoing: keepGoing), file)
    }

    /// The template's path as messages name it: relative to the working directory when inside it.
    static func displayPath(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return url.path.hasPrefix(cwd) ? String(url.path.dropFirst(cwd.count)) : url.path
    }

    public func build(text: String, file: String, options: ReportOptions) throws -> ReportDocument {
        try build(Self.parse(text: text, file: file, scale: options.scale, keepGoing: options.keepGoing), file: file, options: options)
    }

    /// Builds an already parsed template (`options.scale` and `keepGoing` were the parse's).
    public func build(_ parsed: ParsedTemplate, file: String, options: ReportOptions) throws -> ReportDocument {
        let name = parsed.name
        try checkEstimate(parsed, file: file, allowLong: options.allowLong || parsed.frontMatter.allowLong)

        // Numbers first, so references to later figures resolve.
        var figureNumbers: [String: Int] = [:]
        var tableNumbers: [String: Int] = [:]
        var tableCount = 0
        for directive in parsed.directives {
            if directive.figure != nil { figureNumbers[directive.id] = figureNumbers.count + 1 }
            if !directive.tables.isEmpty {
                tableNumbers[directive.id] = tableCount + 1
                tableCount += directive.tables.count
            }
        }

        var resolver = InlineResolver(file: file, source: parsed.source, keepGoing: options.keepGoing,
                                      figureNumbers: figureNumbers, tableNumbers: tableNumbers, values: [:],
                                      frontValues: ["scale.N": Double(parsed.frontMatter.scales[parsed.scale]!.maxN),
                                                    "scale.D": Double(parsed.frontMatter.scales[parsed.scale]!.maxD),
                                                    "scale.trials": Double(parsed.frontMatter.scales[parsed.scale]!.trials)])
        // Run every block first: values may be used in prose before the block.
        let searched = searchBoundaries(parsed.directives)
        var outcomes: [String: Result<BlockOutcome, ReportError>] = [:]
        for directive in parsed.directives {
            do {
                let outcome = try run(directive, file: file, searched: searched[directive.id])
                outcomes[directive.id] = .success(outcome)
                for (key, value) in outcome.values { resolver.values["\(directive.id).\(key)"] = value }
            } catch let error as ReportError {
                if !options.keepGoing { throw error }
                outcomes[directive.id] = .failure(error)
            }
        }

        let policy = ContentPolicy(allowHTML: options.allowHTML || parsed.frontMatter.allowHTML,
                                   allowOutsideImages: options.allowOutsideImages,
                                   templateFolder: URL(fileURLWithPath: file).deletingLastPathComponent().standardizedFileURL
                                       .resolvingSymlinksInPath(),
                                   file: file, warn: { [log] in log("neurec: warning: \($0)") })
        var blocks: [Block] = []
        func append(_ block: Block, line: Int) {
            if let kept = policy.filter(block, line: line) { blocks.append(kept) }
        }
        var headingCounters: [Int] = []
        let minLevel = parsed.items.compactMap { item -> Int? in
            if case .markdown(.heading(let level, _, _, _), _) = item { return level } else { return nil }
        }.min() ?? 1
        for item in parsed.items {
            switch item {
            case let .markdown(block, line):
                if case let .heading(level, _, _, content) = block {
                    let depth = level - minLevel
                    if headingCounters.count <= depth { headingCounters += Array(repeating: 0, count: depth + 1 - headingCounters.count) }
                    headingCounters[depth] += 1
                    headingCounters.removeLast(headingCounters.count - depth - 1)
                    let number = headingCounters.map(String.init).joined(separator: ".")
                    let resolved = try resolver.resolve(content, line: line)
                    let anchor = "sec-" + number.replacingOccurrences(of: ".", with: "-")
                    append(.heading(level: level, number: number, anchor: anchor, content: resolved), line: line)
                } else {
                    append(try resolver.resolve(block, line: line), line: line)
                }
            case .failed(let error):
                blocks.append(.error(error.description))
            case .directive(let directive):
                switch outcomes[directive.id]! {
                case .failure(let error):
                    blocks.append(.error(error.description))
                case .success(let outcome):
                    if let figureOptions = directive.figure, let drawn = BlockPresentation.figure(for: outcome) {
                        let appearance = figureOptions.appearance
                        let figure = appearance.applied(to: drawn)
                        let caption = try resolver.resolveText(figureOptions.caption, line: directive.line)
                        append(.figure(FigureContent(label: directive.id, number: figureNumbers[directive.id]!,
                                                            caption: caption, figure: figure,
                                                            pngPath: "figures/\(name)/\(directive.id).png",
                                                            pdfPath: "figures/\(name)/\(directive.id).pdf",
                                                            pngDPI: options.pngDPI ?? appearance.dpi)), line: directive.line)
                    }
                    let tables = BlockPresentation.tables(for: outcome)
                    for (k, (kind, table)) in tables.enumerated() {
                        let number = tableNumbers[directive.id]! + k
                        let captionText = (k == 0 ? directive.tableCaption : nil)
                            ?? DefaultCaptions.table(kind, block: directive.id, panels: directive.runs.count)
                        let caption = try resolver.resolveText(captionText, line: directive.line)
                        // The first table is the one `@id.table` links to.
                        append(.table(table, anchor: k == 0 ? "tbl-\(directive.id)" : "tbl-\(directive.id)\(k + 1)",
                                      number: number, caption: caption), line: directive.line)
                    }
                }
            }
        }
        let front = parsed.frontMatter
        var document = ReportDocument(name: name, title: front.title, authors: front.authors, date: front.date,
                                      scale: parsed.scale, blocks: blocks)
        document.failedTrials = outcomes.values.reduce(0) { total, outcome in
            total + ((try? outcome.get())?.results.reduce(0) { $0 + $1.failedCount } ?? 0)
        }
        return document
    }

    /// Says what the whole report computes and refuses it above the limit unless allowed.
    func checkEstimate(_ parsed: ParsedTemplate, file: String, allowLong: Bool) throws {
        guard parsed.directives.contains(where: { !$0.runs.isEmpty || $0.boundary != nil }) else { return }
        do {
            let runs = parsed.directives.flatMap(\.runs)
            let estimate = try RunEstimate.report(
                grids: runs.compactMap { if case .grid(let spec) = $0 { spec } else { nil } },
                clusters: runs.compactMap { if case .cluster(let spec) = $0 { spec } else { nil } },
                boundaries: parsed.directives.compactMap(\.boundary))
            log("neurec: \(parsed.name) at scale \(parsed.scale): \(estimate.cells) cells, \(estimate.instances) instances, estimated \(RunEstimate.duration(estimate.coreSeconds)) from an empty cache")
            try estimate.check(allowLong: allowLong, sizeFlag: "scale \(parsed.scale)",
                               allowFlag: "--yes or `allow_long: true` in the front matter")
        } catch let error as ExperimentSpecError {
            throw ReportError(file: file, line: 1, message: error.description)
        }
    }

    /// The searches of every boundary block, all at once (`BoundarySpec.searchAtOnce`, as array tasks
    /// do too), before any other block runs. Blocks one after another left
    /// a core idle through the tail of each: a block ends with its largest d searched alone, whose
    /// probes of 10 trials wait for their slowest trial (the skip exact block at d = 200 used 1.4 of
    /// the 2 cores). Together, the other blocks' trials fill those gaps; the executor's runner keeps
    /// the trials computed at once to its jobs, and each search's rows are what it finds alone. Log
    /// lines carry their block's id, as the searches' lines interleave.
    func searchBoundaries(_ directives: [Directive]) -> [String: Result<BoundaryResult, Error>] {
        let blocks = directives.compactMap { directive in directive.boundary.map { (id: directive.id, spec: $0) } }
        guard !blocks.isEmpty else { return [:] }
        for block in blocks {
            let spec = block.spec
            log("neurec: block \(block.id): boundary of \(spec.metric.rawValue), \(spec.experiment.learned.rawValue) \(spec.experiment.fitting.rawValue), d ∈ {\(spec.dValues.map(String.init).joined(separator: ", "))}")
        }
        let progress = SearchProgress(searching: blocks.map(\.spec), log: log)
        let ids = blocks.map(\.id)
        let outcomes = BoundarySpec.searchAtOnce(blocks.map(\.spec), name: { "boundary block \(ids[$0])" },
                                                 log: { [log] k, line in log(line.replacingOccurrences(of: "neurec: ", with: "neurec: block \(ids[k]): ")) },
                                                 progress: progress) { [executor] spec, _ in try executor.runProbe(spec) }
        return Dictionary(uniqueKeysWithValues: zip(blocks.map(\.id), outcomes))
    }

    /// Runs a block's experiments through the executor (which caches them); a boundary block's
    /// search was run with the others (`searchBoundaries`) and comes as `searched`.
    func run(_ directive: Directive, file: String, searched: Result<BoundaryResult, Error>?) throws -> BlockOutcome {
        var results: [ExperimentResult] = []
        var cluster: ClusterResult? = nil
        func blockFailed(_ error: Error) -> Error {
            error as? ReportError
                ?? ReportError(file: file, line: directive.line, message: "block '\(directive.id)' failed: \(userMessage(for: error))")
        }
        do {
            try executor.prepare(directive.runs.compactMap { if case .grid(let spec) = $0 { spec } else { nil } })
        } catch {
            throw blockFailed(error)
        }
        for run in directive.runs {
            do {
                switch run {
                case .grid(let spec):
                    log("neurec: block \(directive.id): \(spec.learned.rawValue) \(spec.fitting.rawValue), \(spec.grid.cells.count) instances")
                    let result = try executor.run(spec)
                    if let warning = result.failureWarning { log(warning + " in block \(directive.id)") }
                    results.append(result)
                case .cluster(let spec):
                    log("neurec: block \(directive.id): cluster probability, \(spec.trials) trials")
                    cluster = try executor.runCluster(spec)
                }
            } catch {
                throw blockFailed(error)
            }
        }
        if directive.boundary != nil {
            let result: BoundaryResult
            do {
                guard let searched else { preconditionFailure("block '\(directive.id)': its search is run by searchBoundaries") }
                result = try searched.get()
            } catch {
                throw blockFailed(error)
            }
            var values = result.values
            values["seconds"] = result.seconds
            values["panels"] = 1
            return BlockOutcome(directive: directive, results: [], clusterResult: nil, values: values, boundaryResult: result)
        }
        let values = BlockSummary.values(for: directive, results: results, cluster: cluster)
        return BlockOutcome(directive: directive, results: results, clusterResult: cluster, values: values)
    }
}

/// The English captions a computed table gets when its block gives none (`table_caption`), in one
/// place. They are template text: `@id` references and `$…$` math resolve like the prose's.
enum DefaultCaptions {
    static func table(_ kind: TableKind, block id: String, panels: Int) -> String {
        switch kind {
        case .boundary where panels == 0:
            return "Located boundary of @\(id): for each $d$ and level, the estimate of $n^*$ (the smallest $n$ whose rate has crossed the level), its interval, and the instances the search used against those of a full grid at the same resolution (every $n$ up to the largest probed, with the most trials any probe used)."
        case .boundary where panels > 1:
            return "Phase-transition boundary of @\(id): for each $d$ and panel, the smallest $n$ where the mean over trials reaches the boundary level, and in parentheses the ratio $n/d$."
        case .boundary:
            return "Phase-transition boundary of @\(id): for each $d$, the smallest $n$ where the mean over trials reaches the boundary level, and the ratio $n/d$."
        case .runs where panels == 0:
            return "Runs of block `\(id)`: probes, instances used against those of a full grid at the same resolution, and wall time."
        case .runs:
            return "Runs of block `\(id)`: grid, trials, instances and wall time."
        case .rates:
            return "Certified rates of block `\(id)` over all trials: P(unique recovery), P(solver says recovered), P(planted optimal), the ties, and the trials where the solver's verdict and the certificate part ways."
        }
    }
}
