import ArgumentParser
import Foundation
import LinearAlgebra
import Vocabulary

@main
struct Neurec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neurec",
        abstract: "Phase-transition experiments of 'Overparameterized ReLU Neural Networks Learn the Simplest Model', as reports.",
        subcommands: [
            OriginalScriptCommand<RecRateSkip>.self,
            OriginalScriptCommand<MinnrmSkip>.self,
            OriginalScriptCommand<CvxTrainSkip>.self,
            OriginalScriptCommand<NcvxTrainSkip>.self,
            OriginalScriptCommand<RecRateNormal>.self,
            OriginalScriptCommand<MinnrmNormal>.self,
            OriginalScriptCommand<CvxTrainNormal>.self,
            OriginalScriptCommand<NcvxTrainNormal>.self,
            OriginalScriptCommand<IrrCondNormal>.self,
            ReLUProbCommand.self,
            ExperimentCommand.self,
            NICCommand.self,
            InstanceCommand.self,
            Solve.self,
            Plot.self,
            Run.self,
            Check.self,
            SlurmCommand.self,
            Train.self,
            Bench.self,
            BenchTraining.self,
            InfoCommand.self,
        ])

    static func main() {
        restartWithFasterBLASKernelIfNeeded()
        var command: any ParsableCommand
        do { command = try parseAsRoot(nil) } catch { exit(withError: error) }
        do {
            try command.run()
        } catch let error as ExitCode {
            exit(withError: error)
        } catch let error as CleanExit {
            exit(withError: error)
        } catch let error as ValidationError {
            exit(withError: error)
        } catch {
            // Everything else, Foundation's file errors above all, as one line (see `userMessage`).
            FileHandle.standardError.write(Data("Error: \(userMessage(for: error))\n".utf8))
            Foundation.exit(1)
        }
    }

    /// See `BLASRuntime`: OpenBLAS picks its kernels when loaded, so a better choice needs a restart.
    private static func restartWithFasterBLASKernelIfNeeded() {
        guard let core = BLASRuntime.betterCoreType() else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", arguments)
        // execv returns only on failure: carry on with the kernels we have.
    }
}
