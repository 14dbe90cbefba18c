import Foundation
import TestSupport
import Testing

/// Bad input, one case per line: every command refuses it with one clear line and a non-zero exit,
/// never a trap (exit 132/134), a hang or Foundation's `Error Domain=` dump.
///
/// A line is `exit | first line of stderr (a prefix) | arguments`. In the arguments `{tmp}` is the
/// case's own empty folder, `{file}` a regular file in it, `{template}` the case's template (the
/// `template:` column of `templateCases`), and leading `NAME=value` words set the environment.
@Suite(.serialized) struct BadInputTests {
    static let commandCases = """
        64 | Error: --n must be in [10, 100000]                  | rec_rate_skip --n 5
        64 | Error: --n must be in [10, 100000]                  | rec_rate_skip --n 1000000000
        64 | Error: --d must be in [10, 100000]                  | minnrm_skip --d 100000000000
        64 | Error: --sample must be in [1, 1000000]             | rec_rate_skip --n 30 --d 20 --sample 9223372036854775807
        64 | Error: --sample must be in [1, 1000000]             | rec_rate_skip --sample 100000000000
        64 | Error: --sample must be in [1, 1000000]             | cvx_train_skip --sample 0
        64 | Error: --sigma must be a number in [0, 1000000]     | minnrm_skip --sigma 1e308
        64 | Error: --sigma must be a number in [0, 1000000]     | rec_rate_normal --sigma=-1
        64 | Error: --sigma must be a number in [0, 1000000]     | minnrm_normal --sigma nan
        64 | Error: --neu must be in [1, 1000]                   | rec_rate_normal --neu 1000000000
        64 | Error: --optx must be 0                             | irr_cond_normal --optx 7
        64 | Error: --optw must be                               | ncvx_train_normal --optw 9
        64 | Error: The value 'x' is invalid for '--seed <seed>' | rec_rate_skip --seed x
        64 | Error: --jobs must be in [1, 1024]                  | rec_rate_skip --jobs 0
        64 | Error: --shard must be K/N                          | rec_rate_skip --shard 3
        64 | Error: --shard must be K/N with 1 ≤ K ≤ N           | rec_rate_skip --shard 3/2
        64 | Error: --no-cache: a shard (--shard or a Slurm arra | rec_rate_skip --shard 1/2 --no-cache
        64 | Error: SLURM_ARRAY_TASK_ID must be an integer       | SLURM_ARRAY_TASK_ID=x SLURM_ARRAY_TASK_COUNT=2 rec_rate_skip
        64 | Error: $NEUREC_CACHE is set but empty               | NEUREC_CACHE= rec_rate_skip --n 10 --d 10 --sample 1
        64 | Error: $NEUREC_CACHE {file}: is a file, not a folder | NEUREC_CACHE={file} rec_rate_skip --n 10 --d 10 --sample 1
        64 | Error: --cache {file}/sub: cannot create            | rec_rate_skip --cache {file}/sub
        64 | Error: --save_folder {file}: is a file, not a folder | rec_rate_skip --save_folder {file}
        64 | Error: --save_details {tmp}/details: is a file       | rec_rate_skip --save_folder {tmp} --save_details {touch details}
        64 | Error: --save_folder /proc/neurec: cannot           | rec_rate_skip --save_folder /proc/neurec
        1  | Error: --n/--d/--sample: the largest instance needs | rec_rate_skip --n 100000 --d 100 --sample 1
        1  | Error: --n/--d/--sample: this run will compute      | rec_rate_skip --n 1000 --d 50000 --sample 1
        1  | Error: --n/--d/--sample: the largest instance needs | rec_rate_skip --n 100000 --d 100000 --sample 1 --yes
        64 | Error: --sample must be in [1, 1000000000]          | relu_prob --sample 99999999999
        1  | Error: --sample: this run will compute              | relu_prob --sample 100000000
        0  |                                                     | minnrm_skip --n 30 --d 20 --sample 2 --sigma 10000 --quiet
        64 | Error: --n must be in [10, 100000]                  | ncvx_train_skip --n 0
        64 | Error: --d must be in [10, 100000]                  | cvx_train_normal --d 5
        64 | Error: The value 'bogus' is invalid for '--planted  | nic --planted bogus
        64 | Error: The value 'x' is invalid for '--seed <seed>' | bench solver --seed x
        64 | Error: Unknown option '--bogus'                     | info --bogus
        64 | Error: Missing expected argument '<file>'           | train --net skip
        64 | Error: --opt must be 1                              | relu_prob --opt 4
        64 | Error: metric: each metric once                     | experiment --metric recovery recovery
        64 | Error: metric recovery: defined for                 | experiment --planted plain --learned plain
        64 | Error: The value 'bogus' is invalid for '--metric   | experiment --metric bogus
        64 | Error: --metric: a boundary search follows a 0/1 rate | boundary --metric dis_abs
        64 | Error: --levels: must lie strictly between 0 and 1  | boundary --levels 0.5 1.5
        64 | Error: --levels: must be distinct                   | boundary --levels 0.5 0.5
        64 | Error: --confidence: must lie in (0.5, 1)            | boundary --confidence 1.5
        64 | Error: --d: needs increasing, distinct values       | boundary --d 20 10
        64 | Error: --d: needs increasing, distinct values       | boundary --d 1000000000
        64 | Error: --max-trials: must be in [initial trials,    | boundary --trials 10 --max-trials 5
        64 | Error: --trials: must be in [1, 1000000]            | boundary --trials 0
        64 | Error: --min-n/--max-n: n must stay in              | boundary --min-n 50 --max-n 10
        64 | Error: --start-ratio: must be positive              | boundary --start-ratio 0
        64 | Error: --optx must be 0                             | boundary --optx 9
        64 | Error: metric recovery: defined for                 | boundary --planted plain --learned plain
        64 | Error: --cell must be n,d,trial                     | instance --cell 1,2
        64 | Error: --cell 500,10,0 is not in the grid           | instance --rng numpy --cell 500,10,0
        64 | Error: --cell 0,10,0 needs n and d in [1, 100000]   | instance --cell 0,10,0
        64 | Error: --cell 100000,100000,0 needs n and d in [1,  | instance --cell 100000,100000,0
        2  | error: {tmp}/missing.json:                          | solve {tmp}/missing.json
        2  | error: file.txt:                                    | solve {file}
        1  | {tmp}/missing.json:                                 | train {tmp}/missing.json --net skip
        64 | Error: --width must be in [1, 10000000]             | train {file} --net skip --width 100000000000
        64 | Error: --epochs must be a non-negative integer      | train {file} --net skip --epochs=-1
        64 | Error: --lr must be a positive number               | train {file} --net skip --lr 0
        64 | Error: --n-values must be increasing and distinct   | plot {file} --n-values 10,10,10 --d-values 10
        64 | Error: --levels gives                               | plot {file} --levels 0:1e308:1e-308
        64 | Error: --levels expects start:stop:step             | plot {file} --levels 1:0:1
        64 | Error: --dpi must be between 10 and 2400            | plot {file} --dpi 1e9
        64 | Error: --sizes expects comma-separated n×d          | bench training --sizes 1000000000x10
        64 | Error: --repeats must be at least 1                 | bench training --repeats 0
        64 | Error: --out /proc/neurec: cannot                   | run {template} --out /proc/neurec
        64 | Error: --out {file}: is a file, not a folder        | run {template} --out {file}
        64 | Error: --out /proc/neurec: cannot                   | check {template} --out /proc/neurec
        64 | Error: --paper must be a4 or letter                 | run {template} --paper a5
        1  | {tmp}/missing.md:0: cannot read the template        | run {tmp}/missing.md --out {tmp}/out
        """

    /// `run t.md --out out --no-cache` on one template each: `exit | stderr prefix | template` with `\n`
    /// for line breaks. The prefix is matched against the first stderr line naming the template
    /// (after the estimate line).
    static let templateCases = """
        1 | t.md:4: empty value {{  }}               | ---\\ntitle: t\\n---\\nText {{ }} here.
        1 | t.md:4: unknown value {{ x.y }}          | ---\\ntitle: t\\n---\\nText {{ x.y }} here.
        1 | t.md:2: unknown key 'titel'              | ---\\ntitel: t\\n---\\nText.
        1 | t.md:6: 'N' must be at most 100000            | ---\\nscales:\\n  ci: {N: 1000000000000, D: 20, trials: 1}\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\n```
        1 | t.md:1: scale ci: this run will compute       | ---\\nscales:\\n  ci: {N: 20000, D: 20, trials: 1}\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\n```
        1 | t.md:6: 'n' values must be increasing    | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\ngrid: {n: [30, 10, 20, 20], D: 10, trials: 1}\\nexperiment: {planted: linear}\\n```
        1 | t.md:6: 'neu' must be in [1, 1000]        | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: normalized, learned: normalized, neu: 1000000000}\\n```
        1 | t.md:6: 'sigma' must be a number in      | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear, sigma: 1e308}\\n```
        1 | t.md:6: 'd' must be in [1, 100000]        | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {kind: wendel, d: [1000000000]}\\n```
        1 | t.md:6: 'n' range has more than 100000   | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {kind: wendel, d: [5], n: {from: 1, to: 9223372036854775807}}\\n```
        1 | t.md:5: a neurec block needs an 'id'          | ---\\ntitle: t\\n---\\n```neurec\\nexperiment: {planted: linear}\\n```
        1 | t.md:2: default_scale 'huge' is not a scale (val | ---\\ndefault_scale: huge\\n---\\nText.
        1 | t.md:3: scale 'ci' must have N, D ≥ step > 0 and | ---\\nscales:\\n  ci: {N: 20, D: 10, trials: 1, step: 0}\\n---\\nText.
        1 | t.md:3: 'cluster_trials' must be an integer, got | ---\\nscales:\\n  ci: {N: 20, D: 10, trials: 1, cluster_trials: x}\\n---\\nText.
        1 | t.md:3: scale 'ci' needs N, D and trials | ---\\nscales:\\n  ci: {N: 20, D: 10}\\n---\\nText.
        1 | t.md:2: 'authors' must be a string | ---\\nauthors: {a: 1}\\n---\\nText.
        1 | t.md:2: 'allow_html' must be true or false, got | ---\\nallow_html: maybe\\n---\\nText.
        1 | t.md:2: 'allow_long' must be true or false, got | ---\\nallow_long: 3\\n---\\nText.
        1 | t.md:6: 'planted' must be one of linear, plain, | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: bogus}\\n```
        1 | t.md:6: 'learned' must be one of plain, skip, no | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear, learned: bogus}\\n```
        1 | t.md:6: 'form' must be one of relaxed, exact, ap | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear, form: bogus}\\n```
        1 | t.md:6: 'metric' must be one of recovery, dis_ab | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear, metric: bogus}\\n```
        1 | t.md:6: metric: each metric once, got recovery r | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear, metrics: [recovery, recovery]}\\n```
        1 | t.md:6: 'optw' must be 0 (Gaussian) or 1 (smalle | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear, optw: 7}\\n```
        1 | t.md:6: 'optx' must be 0 (Gaussian), 1 (cubic), | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear, optx: 9}\\n```
        1 | t.md:6: 'rng' must be one of numpy, cell, got 'b | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear, rng: bogus}\\n```
        1 | t.md:6: 'seed' must be an integer, got 'x' | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear, seed: x}\\n```
        1 | t.md:6: 'kind' must be one of grid, cluster, wen | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {kind: bogus}\\n```
        1 | t.md:6: a boundary experiment needs 'd' | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {kind: boundary}\\n```
        1 | t.md:6: 'metric' must be one of recovery, nic_l | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {kind: boundary, d: [10], metric: dis_abs}\\n```
        1 | t.md:6: boundary search: levels must lie strictly | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {kind: boundary, d: [10], levels: [2]}\\n```
        1 | t.md:6: 'option' must be 1, 2 or 3, got 9 | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {kind: cluster, option: 9}\\n```
        1 | t.md:6: a cluster experiment needs trials in [1, | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {kind: cluster, sigma: [0]}\\n```
        1 | t.md:6: a cluster experiment needs trials in [1, | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {kind: cluster, trials: 0}\\n```
        1 | t.md:6: a wendel experiment needs trials > 0 and | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {kind: wendel, trials: 0}\\n```
        1 | t.md:7: 'step' must be positive | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\ngrid: {step: 0}\\n```
        1 | t.md:7: impossible grid: trials must be ≥ 1, got | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\ngrid: {trials: 0}\\n```
        1 | t.md:7: impossible grid: N = 5 is below the step | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\ngrid: {N: 5}\\n```
        1 | t.md:7: unknown key 'bogus' in 'grid' (valid: N, | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\ngrid: {bogus: 5}\\n```
        1 | t.md:7: 'figure.kind' must be one of contour, he | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\nfigure: {kind: bogus}\\n```
        1 | t.md:7: 'boundary' must be a number, got 'x' | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\nfigure: {boundary: x}\\n```
        1 | t.md:7: 'cmap' must be one of jet, viridis, gray | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\nfigure: {cmap: bogus}\\n```
        1 | t.md:7: 'levels' must be a number, got 'x' | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\nfigure: {levels: x}\\n```
        1 | t.md:7: 'columns' must be ≥ 1 | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\nfigure: {columns: 0}\\n```
        1 | t.md:7: 'ratio' must be a number, got 'x' | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\nfigure: {ratio: x}\\n```
        1 | t.md:7: 'caption' must be a string | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\nfigure: {caption: [1]}\\n```
        1 | t.md:7: 'table' must be one of boundary, runs, r | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\ntable: bogus\\n```
        1 | t.md:7: 'table_caption' must be a string | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\ntable_caption: [1]\\n```
        1 | t.md:7: 'panels' must be a non-empty list of exp | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\npanels: 3\\n```
        1 | t.md:7: unknown key 'bogus' in a panel (valid: p | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\npanels: [{bogus: 1}]\\n```
        1 | t.md:5: 'id' must start with a letter and use le | ---\\ntitle: t\\n---\\n```neurec\\nid: 1a\\nexperiment: {planted: linear}\\n```
        1 | t.md:6: unknown key 'bogus' in a neurec block (v | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nbogus: 1\\nexperiment: {planted: linear}\\n```
        1 | t.md:9: duplicate block id 'a' | ---\\ntitle: t\\n---\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\n```\\n```neurec\\nid: a\\nexperiment: {planted: linear}\\n```
        1 | t.md:4: unknown reference @nothing (blocks with | ---\\ntitle: t\\n---\\nSee @nothing.
        1 | t.md:4: bad format '%q' in {{ scale.N | ---\\ntitle: t\\n---\\nValue {{ scale.N | %q }}.
        """

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs neurec with separate stdout and stderr.
    static func neurec(_ arguments: [String], environment: [String: String] = [:], in folder: URL) throws -> Outcome {
        let process = Process()
        process.executableURL = try neurecExecutable()
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var variables = ProcessInfo.processInfo.environment
        variables["NEUREC_CACHE"] = folder.appendingPathComponent("cache").path
        for (name, value) in environment { variables[name] = value }
        process.environment = variables
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes while the process runs, so a chatty command cannot block on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Outcome(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                       stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Asserts what every case must satisfy, whatever its expected line.
    static func expectNoCrash(_ outcome: Outcome, _ label: String) {
        #expect(![132, 134, 139].contains(outcome.status), "\(label): trapped (exit \(outcome.status)): \(outcome.stderr)")
        #expect(!outcome.stderr.contains("Error Domain="), "\(label): \(outcome.stderr)")
        #expect(!outcome.stdout.contains("Error Domain="), "\(label): \(outcome.stdout)")
    }

    static func columns(_ line: Substring) -> (Int32, String, String)? {
        let parts = line.split(separator: "|", maxSplits: 2).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 3, let status = Int32(parts[0]) else { return nil }
        return (status, parts[1], parts[2])
    }

    @Test func everyBadCommandLineIsRefusedInOneLine() throws {
        let cases = Self.commandCases.split(separator: "\n").compactMap(Self.columns)
        #expect(cases.count >= 40)
        for (status, expected, command) in cases {
            let folder = try temporaryFolder("bad-input")
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("file.txt")
            try Data("not what was asked for\n".utf8).write(to: file)
            let template = folder.appendingPathComponent("t.md")
            try Data("---\ntitle: t\n---\nText.\n".utf8).write(to: template)
            func substitute(_ text: String) -> String {
                text.replacingOccurrences(of: "{tmp}", with: folder.path).replacingOccurrences(of: "{file}", with: file.path)
                    .replacingOccurrences(of: "{template}", with: template.path)
            }
            var environment: [String: String] = [:]
            var words = command.split(separator: " ").map(String.init)
            while let first = words.first, let equals = first.firstIndex(of: "="), first.first!.isUppercase {
                environment[String(first[..<equals])] = substitute(String(first[first.index(after: equals)...]))
                words.removeFirst()
            }
            var arguments: [String] = []
            var index = 0
            while index < words.count {
                if words[index] == "{touch", index + 1 < words.count {
                    // `{touch NAME}`: a regular file NAME in the folder, where the command wants a folder.
                    try Data().write(to: folder.appendingPathComponent(String(words[index + 1].dropLast())))
                    index += 2
                    continue
                }
                arguments.append(substitute(words[index]))
                index += 1
            }
            let outcome = try Self.neurec(arguments, environment: environment, in: folder)
            Self.expectNoCrash(outcome, command)
            // The estimate line comes first; warnings and errors are what the cases are about.
            let firstLine = outcome.stderr.split(separator: "\n")
                .first { !$0.hasPrefix("neurec: ") || $0.hasPrefix("neurec: warning") }.map(String.init) ?? ""
            #expect(outcome.status == status, "\(command): exit \(outcome.status), stderr: \(outcome.stderr)")
            #expect(firstLine.hasPrefix(substitute(expected)), "\(command): first line '\(firstLine)'")
        }
    }

    @Test func everyBadTemplateIsRefusedInOneLine() throws {
        let cases = Self.templateCases.split(separator: "\n").compactMap(Self.columns)
        #expect(cases.count >= 50)
        for (status, expected, text) in cases {
            let folder = try temporaryFolder("bad-template")
            defer { try? FileManager.default.removeItem(at: folder) }
            let template = folder.appendingPathComponent("t.md")
            try Data(text.replacingOccurrences(of: "\\n", with: "\n").utf8).write(to: template)
            let outcome = try Self.neurec(["run", template.path, "--out", folder.appendingPathComponent("out").path, "--no-cache"],
                                          in: folder)
            Self.expectNoCrash(outcome, text)
            // Templates are named relative to the working directory, the case's folder.
            let line = outcome.stderr.split(separator: "\n").first { $0.hasPrefix("t.md:") }.map(String.init) ?? ""
            #expect(outcome.status == status, "\(text): exit \(outcome.status), stderr: \(outcome.stderr)")
            #expect(line.hasPrefix(expected), "\(text): stderr '\(outcome.stderr)'")
        }
    }

    /// Templates and program files assembled at random (seeded) from valid and invalid pieces: whatever
    /// they say, no trap, no hang (every grid is tiny) and no Foundation dump.
    @Test func randomTemplatesAndProgramsNeverCrash() throws {
        var random = SplitMix64(seed: 20_261_205)
        func pick<T>(_ choices: [T]) -> T { choices[Int(random.next() % UInt64(choices.count))] }
        let folder = try temporaryFolder("random-input")
        defer { try? FileManager.default.removeItem(at: folder) }
        let frontPieces = ["title: t", "title: [1, 2]", "authors: x", "date: 3", "allow_html: maybe", "allow_html: true",
                           "scales: {ci: {N: 20, D: 10, trials: 1}}", "scales: {ci: {N: -5, D: 10, trials: 1}}",
                           "scales: 7", "default_scale: paper", "allow_long: true", "unknown: 1", ": :", "- a"]
        let bodyPieces = ["Text {{ }}.", "Text {{ a.b | %q }}.", "Text {{ scale.N | %d }}.", "$\\frac{1}{$", "$$x^$$",
                          "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "![x](/etc/passwd)",
                          "[l](javascript:alert(1))", "@nothing", "@a.table", "| a | b |\n|---|---|\n| 1 | 2 |", "# H",
                          "{{", "}}", "$", "```neurec\n```", "```neurec\nid: a\n```", "```neurec\n- 1\n```"]
        let blockPieces = ["id: a", "id: b", "id: 1x", "experiment: {planted: linear}", "experiment: {kind: wendel, d: [5], trials: 1}",
                           "experiment: {kind: cluster, d: [5], sigma: [1], trials: 3}", "experiment: {planted: bogus}",
                           "experiment: {planted: normalized, learned: normalized, neu: 0}", "grid: {N: 20, D: 10, trials: 1}",
                           "grid: {n: [20, 10], D: 10, trials: 1}", "grid: {N: 20, D: 10, trials: 0}", "figure: {kind: heatmap}",
                           "figure: {caption: '<script>x</script>'}", "figure: {boundary: 2}", "table: [boundary]", "table: bogus",
                           "panels: [{optx: 1}]", "panels: 3", "metric: [recovery, recovery]"]
        for k in 0..<30 {
            var text = "---\n" + (0..<Int(random.next() % 4)).map { _ in pick(frontPieces) }.joined(separator: "\n") + "\n---\n"
            for _ in 0..<Int(random.next() % 4) {
                if random.next() % 2 == 0 {
                    text += pick(bodyPieces) + "\n\n"
                } else {
                    text += "```neurec\n" + (0..<Int(1 + random.next() % 4)).map { _ in pick(blockPieces) }.joined(separator: "\n") + "\n```\n\n"
                }
            }
            let template = folder.appendingPathComponent("r\(k).md")
            try Data(text.utf8).write(to: template)
            let outcome = try Self.neurec(["run", template.path, "--out", folder.appendingPathComponent("out").path,
                                           "--keep-going", "--format", "html"], in: folder)
            Self.expectNoCrash(outcome, text)
        }
        let programPieces = ["\"arch\": \"skip\"", "\"arch\": \"bogus\"", "\"form\": \"relaxed\"", "\"form\": 3", "\"n\": 2",
                             "\"n\": 9223372036854775807", "\"d\": 1", "\"d\": -1", "\"p\": 1", "\"p\": 100000000000",
                             "\"beta\": null", "\"beta\": -1", "\"X\": [[1], [2]]", "\"X\": [[1e308], [1]]", "\"X\": []",
                             "\"y\": [1, 2]", "\"y\": [1]", "\"D\": [[1], [0]]", "\"D\": [[2]]"]
        for k in 0..<30 {
            let keys = (0..<Int(random.next() % 10)).map { _ in pick(programPieces) }
            let file = folder.appendingPathComponent("p\(k).json")
            try Data(("{" + keys.joined(separator: ", ") + "}").utf8).write(to: file)
            let outcome = try Self.neurec(["solve", file.path], in: folder)
            Self.expectNoCrash(outcome, keys.joined(separator: ", "))
        }
    }

    /// `solve --planted` needs the planted weight and a skip exact program, and says which is missing.
    @Test func plantedDecisionNamesWhatItNeeds() throws {
        let folder = try temporaryFolder("planted")
        defer { try? FileManager.default.removeItem(at: folder) }
        // One pattern, active on the first row only: its cone {w : w ≥ 0, −2w ≥ 0} is {0}, so nothing
        // competes with w₀ and the planted point is certified at once. (With the all-ones pattern it
        // would tie with w₀ and stay undecided, for the solve.)
        let program = "\"n\": 2, \"d\": 1, \"p\": 1, \"X\": [[1], [2]], \"y\": [1, 2], \"D\": [[1, 0]]"
        let cases: [(keys: String, status: Int32, message: String)] = [
            ("\"arch\": \"skip\", \"form\": \"exact\", " + program, 2, "--planted needs key w, the planted skip weight, with d = 1 numbers"),
            ("\"arch\": \"skip\", \"form\": \"exact\", \"w\": [1, 2], " + program, 2, "--planted needs key w"),
            ("\"arch\": \"skip\", \"form\": \"relaxed\", \"w\": [1], " + program, 2, "--planted decides skip exact programs only"),
            ("\"arch\": \"skip\", \"form\": \"exact\", \"w\": [1], " + program, 0, "\"decision\": \"certified\""),
        ]
        for (k, c) in cases.enumerated() {
            let file = folder.appendingPathComponent("p\(k).json")
            try Data(("{" + c.keys + "}").utf8).write(to: file)
            let outcome = try Self.neurec(["solve", file.path, "--planted"], in: folder)
            Self.expectNoCrash(outcome, c.keys)
            #expect(outcome.status == c.status, "\(c.keys): exit \(outcome.status), \(outcome.stderr)")
            #expect((outcome.stderr + outcome.stdout).contains(c.message), "\(c.keys): \(outcome.stderr)\(outcome.stdout)")
            if c.status != 0 {
                #expect(outcome.stderr.contains(file.path) && outcome.stderr.split(separator: "\n").count == 1)
            }
        }
    }

    /// A folder where the report goes is an error, never deleted; `--keep-going` exits non-zero.
    @Test func aFolderInTheWayIsKeptAndFailuresShowInTheExitCode() throws {
        let folder = try temporaryFolder("folder-in-the-way")
        defer { try? FileManager.default.removeItem(at: folder) }
        let template = folder.appendingPathComponent("t.md")
        try Data("---\ntitle: t\n---\nText.\n".utf8).write(to: template)
        let out = folder.appendingPathComponent("out")
        let blocker = out.appendingPathComponent("t.md")
        try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: blocker.appendingPathComponent("precious.txt"))
        let refused = try Self.neurec(["run", template.path, "--out", out.path, "--format", "md"], in: folder)
        Self.expectNoCrash(refused, "folder in the way")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("\(blocker.path): is a folder, not a file"), "\(refused.stderr)")
        #expect(FileManager.default.fileExists(atPath: blocker.appendingPathComponent("precious.txt").path))

        try Data("---\ntitle: t\n---\nText {{ nothing.here }} and {{ }}.\n".utf8).write(to: template)
        let failed = try Self.neurec(["run", template.path, "--out", folder.appendingPathComponent("out2").path,
                                      "--keep-going", "--format", "md"], in: folder)
        Self.expectNoCrash(failed, "keep-going")
        #expect(failed.status == 1, "\(failed.stderr)")
        #expect(failed.stderr.contains("report written with 2 failed"), "\(failed.stderr)")
    }
}
