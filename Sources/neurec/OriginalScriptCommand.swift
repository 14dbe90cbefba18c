import ArgumentParser
import Experiments
import Foundation
import Instances

/// Names one original script; each conforming type becomes the subcommand of that name.
protocol OriginalScriptIdentity: ScriptDefaultsSource { static var experiment: OriginalExperiment { get } }

extension OriginalScriptIdentity {
    static var scriptDefaults: ScriptFlags { experiment.scriptDefaults }
}

enum RecRateSkip: OriginalScriptIdentity { static var experiment: OriginalExperiment { .recRateSkip } }
enum MinnrmSkip: OriginalScriptIdentity { static var experiment: OriginalExperiment { .minnrmSkip } }
enum CvxTrainSkip: OriginalScriptIdentity { static var experiment: OriginalExperiment { .cvxTrainSkip } }
enum NcvxTrainSkip: OriginalScriptIdentity { static var experiment: OriginalExperiment { .ncvxTrainSkip } }
enum RecRateNormal: OriginalScriptIdentity { static var experiment: OriginalExperiment { .recRateNormal } }
enum MinnrmNormal: OriginalScriptIdentity { static var experiment: OriginalExperiment { .minnrmNormal } }
enum CvxTrainNormal: OriginalScriptIdentity { static var experiment: OriginalExperiment { .cvxTrainNormal } }
enum NcvxTrainNormal: OriginalScriptIdentity { static var experiment: OriginalExperiment { .ncvxTrainNormal } }
enum IrrCondNormal: OriginalScriptIdentity { static var experiment: OriginalExperiment { .irrCondNormal } }

/// `neurec <original script> <its flags>`: the script's command line, unchanged, writing the
/// script's .npy files.
struct OriginalScriptCommand<Script: OriginalScriptIdentity>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: Script.experiment.rawValue,
                             abstract: "The original \(Script.experiment.rawValue) script: \(summary).")
    }

    static var summary: String {
        switch Script.experiment {
        case .recRateSkip: "recovery rate of the skip network, relaxed program"
        case .minnrmSkip: "distances of the skip network's minimal-norm (relaxed) solution"
        case .cvxTrainSkip: "distances of the skip network's regularized (approx) program"
        case .ncvxTrainSkip: "distances of the nonconvexly trained skip network"
        case .recRateNormal: "recovery rate of the normalization network, relaxed program"
        case .minnrmNormal: "distance of the normalization network's minimal-norm solution"
        case .cvxTrainNormal: "distance of the normalization network's regularized (approx) program"
        case .ncvxTrainNormal: "test distance of the nonconvexly trained normalization network"
        case .irrCondNormal: "probability that the irrepresentability condition holds"
        }
    }

    @OptionGroup var script: OriginalScriptOptions<Script>
    @OptionGroup var running: RunOptions
    @Option(name: .customLong("save_folder"), help: "Folder for the .npy results.")
    var saveFolder: String = "./results/"
    @Flag(name: .customLong("save_details"), help: "Also write one JSON per instance (the instance, the solution, the metrics) into <save_folder>/details/.")
    var saveDetails = false
    @Option(help: "Random streams: numpy (the original's shared stream, bit-identical instances) or cell (one stream per cell; cacheable and extendable).")
    var rng: StreamMode = .cell
    @Flag(help: "Also save the certified outcomes (planted_optimal, unique, tie, certificate_margin: relaxed programs with σ = 0), each as <metric>_<the script's file name>.")
    var certify = false

    func validate() throws {
        try script.validate(for: Script.experiment)
        if certify { do { try original().spec.validate() } catch { throw ValidationError("--certify: \(error)") } }
        try RunOptions.checkWritable(URL(fileURLWithPath: saveFolder), flag: "--save_folder")
        if saveDetails {
            try RunOptions.checkWritable(URL(fileURLWithPath: saveFolder).appendingPathComponent("details"), flag: "--save_details")
        }
    }

    func original() throws -> OriginalScript {
        OriginalScript(experiment: Script.experiment, maxN: script.n, maxD: script.d, sample: script.sample,
                       parameters: try script.parameters(for: Script.experiment), seed: script.seed, rng: rng,
                       certify: certify)
    }

    func run() throws {
        let original = try original()
        try running.announce({ try RunEstimate(spec: original.spec) }, sizeFlags: "--n/--d/--sample")
        let details = saveDetails ? URL(fileURLWithPath: saveFolder).appendingPathComponent("details") : nil
        let result = try running.runner(details: details).run(original.spec, label: Script.experiment.rawValue)
        if running.reportedShard(result) { return }
        let paths = try result.save(original.outputFiles, in: URL(fileURLWithPath: saveFolder))
        for path in paths { print(path.path) }
        try running.reportFailures(result)
    }
}
