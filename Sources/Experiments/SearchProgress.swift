import Foundation
import Instances

/// The boundary searches of a run seen as one piece of work, for progress (issue #14's "whole
/// report's progress across blocks"): their probes are decided as they go, so the total is the
/// searches' estimate (`BoundarySpec.estimatedCoreSeconds(d:)`, within a factor of two of what the
/// scaling report used), and the work done is the predicted cost of every trial computed so far,
/// each counted once however many looks its probe took. The time left is the cost still expected at
/// the wall seconds per unit of cost measured so far; a line at most every `interval` seconds, none
/// before 5 % of the estimate (the first probes are the bracket's, the cheapest or dearest).
public final class SearchProgress: Sendable {
    private struct State {
        var done = 0.0
        var lastLine: Date
    }

    public let totalCost: Double
    private let started: Date
    private let interval: TimeInterval
    private let log: @Sendable (String) -> Void
    private let state: Locked<State>

    public init(totalCost: Double, interval: TimeInterval = 60, start: Date = Date(), log: @escaping @Sendable (String) -> Void) {
        self.totalCost = totalCost
        self.interval = interval
        started = start
        self.log = log
        state = Locked(State(lastLine: start))
    }

    /// The searches of `specs`, every d of each.
    public convenience init(searching specs: [BoundarySpec], interval: TimeInterval = 60,
                            log: @escaping @Sendable (String) -> Void) {
        let total = specs.reduce(0.0) { sum, spec in sum + spec.dValues.reduce(0) { $0 + spec.estimatedCoreSeconds(d: $1) } }
        self.init(totalCost: total, interval: interval, log: log)
    }

    /// The predicted cost of the trials computed so far.
    public var doneCost: Double { state.current.done }

    /// New trials of a probe (those it had not computed at an earlier look) and their predicted cost each.
    public func record(trials: Int, costEach: Double, at now: Date = Date()) {
        guard trials > 0 else { return }
        let line: String? = state.withValue { state in
            state.done += Double(trials) * costEach
            guard now.timeIntervalSince(state.lastLine) >= interval, let text = summary(done: state.done, at: now) else { return nil }
            state.lastLine = now
            return text
        }
        if let line { log(line) }
    }

    /// "boundaries: 42 % of the estimated 2.3 core-hours, ETA 31m05s", or nil before 5 %.
    public func summary(done: Double, at now: Date) -> String? {
        guard totalCost > 0, done >= 0.05 * totalCost else { return nil }
        let elapsed = now.timeIntervalSince(started)
        let estimate = RunEstimate.duration(totalCost)
        guard done < totalCost else {
            return "neurec: boundaries: past the estimated \(estimate) after \(ProgressLine.duration(elapsed)); the searches go on"
        }
        let left = (totalCost - done) * elapsed / done
        return "neurec: boundaries: \(ProgressLine.percent(done / totalCost)) of the estimated \(estimate), ETA \(ProgressLine.duration(left))"
    }
}
