import ArgumentParser

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Benchmarks.", subcommands: [])
}
