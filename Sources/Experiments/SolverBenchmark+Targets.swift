import Foundation
import Solver
import Vocabulary

extension SolverBenchmark {
    /// A size with a per-instance target (issues #14 and #16) and the time measured before the
    /// change that aimed at it, hard-coded so every run prints its ratio against that.
    public struct TargetCase: Sendable {
        public let architecture: NetworkKind
        public let form: ProgramForm
        public let n: Int, d: Int
        public let targetSeconds: Double
        /// Seconds per instance before, and where that number comes from.
        public let beforeSeconds: Double?
        public let before: String
    }

    /// Skip exact/approx and normalization relaxed/approx at (400, 100), skip relaxed at (2000, 500)
    /// and normalization relaxed at (1000, 250). "Before" at (400, 100): issue #14's table (2026-12-05,
    /// the `seconds` metric of paper-scale runs, one thread); the larger sizes: the Solver README's
    /// measurements before their last speed-ups (buffer reuse; the packed projector store).
    public static let targetCases: [TargetCase] = [
        TargetCase(architecture: .skip, form: .exact, n: 400, d: 100, targetSeconds: 1.5, beforeSeconds: 5.7,
                   before: "issue #14, 2026-12-05"),
        TargetCase(architecture: .skip, form: .approx, n: 400, d: 100, targetSeconds: 1.5, beforeSeconds: 6.1,
                   before: "issue #14, 2026-12-05"),
        TargetCase(architecture: .normalized, form: .relaxed, n: 400, d: 100, targetSeconds: 0.6, beforeSeconds: 1.84,
                   before: "issue #14, 2026-12-05"),
        TargetCase(architecture: .normalized, form: .approx, n: 400, d: 100, targetSeconds: 4, beforeSeconds: 24,
                   before: "issue #14, 2026-12-05"),
        TargetCase(architecture: .skip, form: .relaxed, n: 2000, d: 500, targetSeconds: 5, beforeSeconds: 18.6,
                   before: "Solver README, 2026-12-05"),
        TargetCase(architecture: .normalized, form: .relaxed, n: 1000, d: 250, targetSeconds: 20, beforeSeconds: 71,
                   before: "Solver README, 2026-12-05"),
    ]

    /// The target sizes as a second table: route (Solver README "Relax, then verify"), target,
    /// and the ratio of the time before to the time now. Instances draw from seed + 100 + k.
    func runTargets(_ emit: (String) -> Void) throws {
        emit("")
        emit("| program | n | d | p | iterations | seconds | route | status | target | before | before ÷ now |")
        emit("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for (k, target) in Self.targetCases.enumerated() {
            let program = Self.instance(target.architecture, target.form, n: target.n, d: target.d, seed: seed &+ 100 &+ UInt64(k))
            try writeInstance(program, named: "\(target.architecture.rawValue)_\(target.form.rawValue)_n\(target.n)_d\(target.d)")
            let r = fastestSolve(program)
            let before = target.beforeSeconds.map { String(format: "%.2f s (%@)", $0, target.before) } ?? target.before
            let ratio = target.beforeSeconds.map { String(format: "%.1f×", $0 / r.seconds) } ?? "—"
            emit(String(format: "| %@ %@ | %d | %d | %d | %d | %.3f | %@ | %@ | ≤ %.1f s | %@ | %@ |",
                        target.architecture.rawValue, target.form.rawValue, target.n, target.d, program.p, r.iterations,
                        r.seconds, r.route.rawValue, r.status.name, target.targetSeconds, before, ratio))
        }
    }
}
