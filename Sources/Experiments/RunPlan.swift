import Foundation

/// The line a run prints before it starts: what it computes and about how long that takes.
struct RunPlan {
    let label: String
    let cells: Int
    let instances: Int
    let toCompute: Int
    let cpuSeconds: Double
    let jobs: Int

    var description: String {
        let what = "\(label): \(Self.count(cells)) cells, \(Self.count(instances)) instances"
        guard toCompute > 0 else { return "neurec: \(what), all cached: nothing to compute" }
        let cached = instances - toCompute
        let wall = cpuSeconds / Double(max(1, jobs))
        return "neurec: \(what), \(Self.count(toCompute)) to compute"
            + (cached > 0 ? " (\(Self.count(cached)) cached)" : "")
            + "; estimated \(wall < 1 ? "under a second" : "~" + ProgressLine.duration(wall)) on \(jobs) thread\(jobs == 1 ? "" : "s")"
    }

    static func count(_ k: Int) -> String {
        let digits = String(k)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }

    /// Printed on stderr unless the run is quiet.
    func announce(_ style: ProgressStyle) {
        guard style == .automatic else { return }
        FileHandle.standardError.write(Data((description + "\n").utf8))
    }
}
