import ArgumentParser
import Foundation
import LinearAlgebra

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
        BLASRuntime.restartWithBetterKernelIfNeeded()
        main(nil)
    }
}
