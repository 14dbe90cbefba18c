import ArgumentParser
import Experiments
import Instances
import LinearAlgebra

struct InstanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instance",
        abstract: "Print one instance of an original experiment as JSON.",
        discussion: """
            In numpy mode the grid flags (--n --d --sample) fix the shared stream exactly as running the
            original script with those flags would, and --cell picks the instance; in cell mode the
            instance depends on the seed and the cell only, and any cell can be asked for (a boundary
            search's probe at n = 562, say), whatever the grid flags.
            """)

    @Option(help: "The original script whose instance to draw: \(OriginalExperiment.allValueStrings.joined(separator: ", ")).")
    var experiment: OriginalExperiment = .recRateSkip
    @OptionGroup var script: OriginalScriptOptions<QuickDefaults>
    @Option(help: "Random streams: numpy (the original's shared stream) or cell (one stream per cell).")
    var rng: StreamMode = .cell
    @Option(help: "The cell as n,d,trial (trial counts from 0).")
    var cell: String = "10,10,0"

    /// The most entries of X a cell-mode instance may have: 10⁷ (a JSON text of ~200 MB).
    static let largestCell = 10_000_000

    func parsedCell() throws -> Cell {
        let parts = cell.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, let n = parts[0], let d = parts[1], let trial = parts[2] else {
            throw ValidationError("--cell must be n,d,trial (three integers), got '\(cell)'")
        }
        let result = Cell(n: n, d: d, trial: trial)
        switch rng {
        case .numpy:
            // The shared stream is replayed through the grid's cells up to this one.
            guard script.grid.contains(result) else {
                throw ValidationError("--cell \(cell) is not in the grid n ∈ {10, …, \(script.n)}, d ∈ {10, …, \(script.d)}, trial ∈ {0, …, \(script.sample - 1)}")
            }
        case .cell:
            // A cell's own stream needs no grid: any n and d, such as a boundary search's probes,
            // within a template grid's limits and small enough to print.
            let size = ExperimentSpec.maxSize
            guard (1...size).contains(n), (1...size).contains(d), (0..<ExperimentSpec.maxTrials).contains(trial),
                  n * d <= Self.largestCell else {
                throw ValidationError("--cell \(cell) needs n and d in [1, \(size)] with n·d ≤ \(Self.largestCell) and a trial in [0, \(ExperimentSpec.maxTrials - 1)]")
            }
        }
        return result
    }

    func validate() throws {
        try script.validate(for: experiment)
        _ = try parsedCell()
    }

    func run() throws {
        let source = InstanceSource(draws: InstanceDraws(experiment: experiment, parameters: try script.parameters(for: experiment)),
                                    grid: script.grid, mode: rng, seed: script.seed)
        let target = try parsedCell()
        guard let instance = source.instance(at: target) else {
            throw ValidationError("\(experiment.rawValue) skips cells with n < d (cell \(target)); pick n ≥ d")
        }
        print(instance.json.text)
    }
}
