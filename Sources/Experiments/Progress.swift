import Foundation

/// How a long run reports on stderr.
public enum ProgressStyle: Sendable {
    /// A redrawn bar on a terminal, plain periodic lines otherwise.
    case automatic
    case quiet
}

/// Tells the user how far a run is and how long it has left, at most a few times a second on a
/// terminal and every ten seconds (or 10 % of the cost) in a log. Progress and the ETA count
/// predicted cost, not units (`RemainingTime`); inside a report it also shows the whole report's
/// (`ReportProgress`).
final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let label: String
    private let total: Int
    private let jobs: Int
    private let style: ProgressStyle
    private let report: ReportProgress.Block?
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var remaining: RemainingTime
    private var lastReport = Date.distantPast
    private var lastReportedFraction = 0.0
    /// A boundary search's probe, one of dozens (nil otherwise): on a terminal its bar is wiped when it
    /// ends (the next probe's takes its place); in a log the search's probes share one line every ten
    /// seconds at most.
    private let transient: TransientLines?

    /// - Parameters:
    ///   - total: units of work (trials, cluster cells); `cost`: their predicted cost in all.
    ///   - report: the report block this run belongs to, if any.
    init(label: String, total: Int, cost: Double, jobs: Int, style: ProgressStyle, report: ReportProgress.Block? = nil,
         transient: TransientLines? = nil) {
        self.label = report.map { "block \($0.index + 1)/\($0.count) \($0.name)" } ?? label
        self.transient = transient
        self.total = total
        self.jobs = jobs
        self.style = style
        self.report = report
        remaining = RemainingTime(totalCost: cost)
    }

    /// One unit done: its predicted cost and the seconds its worker spent on it.
    func advance(cost: Double, seconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        remaining.record(cost: cost, seconds: seconds)
        report?.progress.record(cost: cost, seconds: seconds)
        guard style == .automatic, total > 0 else { return }
        let now = Date()
        let done = remaining.finishedUnits
        if isTerminal {
            guard now.timeIntervalSince(lastReport) >= 0.2 || done == total else { return }
            FileHandle.standardError.write(Data(("\r" + currentLine().bar).utf8))
        } else {
            if let transient {
                if transient.due(at: now) { FileHandle.standardError.write(Data((currentLine().plain + "\n").utf8)) }
                return
            }
            let sinceLast = now.timeIntervalSince(lastReport)
            let fraction = remaining.fraction
            guard sinceLast >= 10 || (fraction - lastReportedFraction >= 0.1 && sinceLast >= 2) || done == total else { return }
            lastReportedFraction = fraction
            FileHandle.standardError.write(Data((currentLine().plain + "\n").utf8))
        }
        lastReport = now
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        guard style == .automatic, total > 0, isTerminal else { return }
        // A transient bar is wiped (carriage return, erase the line) rather than kept.
        FileHandle.standardError.write(Data((transient != nil ? "\r\u{1B}[2K" : "\n").utf8))
    }

    private func currentLine() -> ProgressLine {
        let left = remaining.remainingSeconds(jobs: jobs)
        return ProgressLine(label: label, done: remaining.finishedUnits, total: total, fraction: remaining.fraction,
                            remainingSeconds: left,
                            report: report?.progress.summary(runRemainingCost: remaining.remainingCost,
                                                             runRemainingSeconds: left, jobs: jobs))
    }
}

/// The plain lines of many short runs (a boundary search's probes): one every ten seconds at most,
/// whichever run is going then.
public final class TransientLines: @unchecked Sendable {
    private let lock = NSLock()
    private var last: Date
    static let interval: TimeInterval = 10

    /// The clock starts at `start`: the first line comes ten seconds into the search.
    public init(start: Date = Date()) { last = start }

    /// True (and the clock restarts) when the last line is at least `interval` old.
    public func due(at now: Date) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard now.timeIntervalSince(last) >= Self.interval else { return false }
        last = now
        return true
    }
}

/// What one progress report says, as a redrawn bar or a plain line.
public struct ProgressLine: Equatable, Sendable {
    public var label: String
    public var done: Int
    public var total: Int
    /// The share of the run's predicted cost that is done.
    public var fraction: Double
    public var remainingSeconds: Double
    /// The whole report's share done and time left, inside a report.
    public var report: ReportProgress.Summary?

    public init(label: String, done: Int, total: Int, fraction: Double, remainingSeconds: Double,
                report: ReportProgress.Summary? = nil) {
        (self.label, self.done, self.total, self.fraction, self.remainingSeconds, self.report)
            = (label, done, total, fraction, remainingSeconds, report)
    }

    /// `block 3/17 fig4b: 120/2000 cells, 31 % of the cost, ETA 4m10s · report 22 %, ETA 14m00s`
    public var plain: String {
        "\(label): \(done)/\(total) cells, \(Self.percent(fraction)) of the cost, ETA \(Self.duration(remainingSeconds))"
            + reportPart
    }

    /// `block 3/17 fig4b [████████····················] 120/2000 cells  ETA 4m10s · report 22 %, ETA 14m00s`
    /// (trailing spaces wipe a longer previous line).
    public var bar: String {
        let width = 28
        let filled = min(width, Int((fraction * Double(width) + 1e-6).rounded(.down)))
        return "\(label) [\(String(repeating: "█", count: filled))\(String(repeating: "·", count: width - filled))] "
            + "\(done)/\(total) cells  ETA \(Self.duration(remainingSeconds))" + reportPart + "  "
    }

    private var reportPart: String {
        report.map { " · report \(Self.percent($0.fraction)), ETA \(Self.duration($0.remainingSeconds))" } ?? ""
    }

    /// Whole percents, rounded down but for the last bits of a sum added in another order than its total.
    static func percent(_ fraction: Double) -> String { "\(Int((fraction * 100 + 1e-6).rounded(.down))) %" }

    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m"
            : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
