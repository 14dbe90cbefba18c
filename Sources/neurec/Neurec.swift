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
            BoundaryCommand.self,
            InstanceCommand.self,
            Solve.self,
            Plot.self,
            Run.self,
            Check.self,
            SlurmCommand.self,
            Train.self,
            Bench.self,
            InfoCommand.self,
        ])

    static func main() {
        BLASRuntime.restartWithBetterKernelIfNeeded()
        AllocatorTuning.keepFreedMemory()
        do {
            var command = try parseAsRoot(nil)
            try command.run()
        } catch let error as NSError where error.domain == NSCocoaErrorDomain || error.domain == NSPOSIXErrorDomain {
            // Foundation's file errors would print as `Error Domain=… Code=…`: one line instead
            // (see `userMessage`).
            FileHandle.standardError.write(Data("Error: \(userMessage(for: error))\n".utf8))
            Foundation.exit(1)
        } catch {
            // The argument parser's own errors, help and exit codes; other errors by their description.
            exit(withError: error)
        }
    }
}
