import Experiments
import Foundation
import Instances
import TestSupport
import Testing

/// One row of Tests/Fixtures/original_script_defaults.tsv, written from the authors' scripts.
struct ScriptDefaultsRow: CustomStringConvertible, Sendable {
    let script: String
    let values: [String: String]
    var description: String { script }

    /// The flags neurec runs with: a flag the script lacks ("-") means no noise, one neuron.
    var flags: ScriptFlags {
        ScriptFlags(n: Int(values["n"]!)!, d: Int(values["d"]!)!, sample: Int(values["sample"]!)!,
                    seed: UInt32(values["seed"]!)!, optw: Int(values["optw"]!)!, optx: Int(values["optx"]!)!,
                    sigma: Double(values["sigma"]!) ?? 0, neu: Int(values["neu"]!) ?? 1)
    }

    static let all: [ScriptDefaultsRow] = {
        let lines = (try? Fixtures.text("original_script_defaults.tsv"))?.split(separator: "\n").filter { !$0.hasPrefix("#") } ?? []
        guard let header = lines.first?.split(separator: "\t").map(String.init) else { return [] }
        return lines.dropFirst().map { line in
            let fields = line.split(separator: "\t").map(String.init)
            return ScriptDefaultsRow(script: fields[0], values: Dictionary(uniqueKeysWithValues: zip(header, fields)))
        }
    }()
}

@Suite struct OriginalScriptDefaults {
    @Test func theTableCoversEveryOriginalScript() {
        #expect(Set(ScriptDefaultsRow.all.map(\.script)) == Set(OriginalExperiment.allCases.map(\.rawValue)))
    }

    @Test(arguments: ScriptDefaultsRow.all)
    func eachScriptsDefaultsAreTheOriginals(_ row: ScriptDefaultsRow) throws {
        let experiment = try #require(OriginalExperiment(rawValue: row.script))
        #expect(experiment.scriptDefaults == row.flags)
    }

    /// What a user sees and gets: `neurec SCRIPT --help` states the script's own defaults.
    @Test(arguments: ScriptDefaultsRow.all)
    func theCommandLineShowsTheScriptsDefaults(_ row: ScriptDefaultsRow) throws {
        let help = try run(try neurecExecutable().path, [row.script, "--help"])
        #expect(help.status == 0)
        let flags = row.flags
        let expected: [(String, String)] = [
            ("n", "\(flags.n)"), ("d", "\(flags.d)"), ("sample", "\(flags.sample)"), ("seed", "\(flags.seed)"),
            ("optw", "\(flags.optw!)"), ("optx", "\(flags.optx)"), ("sigma", "\(flags.sigma)"), ("neu", "\(flags.neu)"),
            ("save_folder", "./results/"),
        ]
        for (flag, value) in expected {
            #expect(optionDefault(help.output, flag) == value, "\(row.script) --\(flag)")
        }
    }

    /// neurec's own commands keep a grid that runs in minutes.
    @Test
    func neurecsOwnCommandsKeepTheQuickGrid() throws {
        for command in ["experiment", "nic"] {
            let help = try run(try neurecExecutable().path, [command, "--help"]).output
            #expect(optionDefault(help, "n") == "100" && optionDefault(help, "d") == "50" && optionDefault(help, "sample") == "5")
            #expect(optionDefault(help, "neu") == "1")
        }
        #expect(ScriptFlags.quick.plantedOption(for: .recRateSkip) == 1)
        #expect(ScriptFlags.quick.plantedOption(for: .recRateNormal) == 0)
    }

    /// Run without flags for the grid's trials, the commands save the scripts' file names: the
    /// trial count and planted option in them are the defaults actually used.
    @Test(arguments: [("rec_rate_skip", "rec_rate_skip_n20_d10_w1_X0_sample10.npy"),
                      ("irr_cond_normal", "irr_cond_n20_d10_w0_X0_sample50.npy")])
    func runsUseTheDefaults(_ script: String, _ file: String) throws {
        let folder = try temporaryFolder("defaults")
        let result = try run(try neurecExecutable().path, [script, "--n", "20", "--d", "10", "--no-cache", "--save_folder", folder.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(result.output)")
        // The plan line comes first: cells, instances, an estimate.
        let sample = script == "rec_rate_skip" ? 10 : 50
        #expect(result.output.contains("\(script): 2 cells, \(2 * sample) instances, \(2 * sample) to compute; estimated"),
                "\(result.output)")
    }
}

/// The "(default: …)" that swift-argument-parser prints after `--flag`'s help, if any.
func optionDefault(_ help: String, _ flag: String) -> String? {
    let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard let start = lines.firstIndex(where: { $0.hasPrefix("  --\(flag) ") || $0 == "  --\(flag)" }) else { return nil }
    var text = lines[start]
    for line in lines[(start + 1)...] {
        if line.hasPrefix("  -") { break }
        text += " " + line.trimmingCharacters(in: .whitespaces)
    }
    guard let match = text.firstMatch(of: /\(default: ([^)]*)\)/) else { return nil }
    return String(match.1)
}
