import ArgumentParser

@main
struct Neurec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neurec",
        abstract: "Phase-transition experiments of 'Overparameterized ReLU Neural Networks Learn the Simplest Model', as reports.",
        subcommands: [Plot.self])
}
