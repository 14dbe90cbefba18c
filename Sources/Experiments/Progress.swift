import Foundation

/// How a long run reports on stderr.
public enum ProgressStyle: Sendable {
    /// A redrawn bar on a terminal, plain periodic lines otherwise.
    case automatic
    case quiet
}

/// Counts finished cells and tells the user, at most a few times a second on a terminal and every
/// ten seconds (or 10 % of the work) in a log.
final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let label: String
    private let total: Int
    private let style: ProgressStyle
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private let start = Date()
    private var done = 0
    private var lastReport = Date.distantPast
    private var lastReportedFraction = 0.0

    init(label: String, total: Int, style: ProgressStyle) {
        self.label = label
        self.total = total
        self.style = style
    }

    func advance(by count: Int = 1) {
        lock.lock()
        defer { lock.unlock() }
        done += count
        guard style == .automatic, total > 0 else { return }
        let now = Date()
        let fraction = Double(done) / Double(total)
        if isTerminal {
            guard now.timeIntervalSince(lastReport) >= 0.2 || done == total else { return }
            FileHandle.standardError.write(Data(("\r" + bar(fraction: fraction, now: now)).utf8))
        } else {
            let sinceLast = now.timeIntervalSince(lastReport)
            guard sinceLast >= 10 || (fraction - lastReportedFraction >= 0.1 && sinceLast >= 2) || done == total else { return }
            lastReportedFraction = fraction
            FileHandle.standardError.write(Data((line(fraction: fraction, now: now) + "\n").utf8))
        }
        lastReport = now
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        guard style == .automatic, total > 0, isTerminal else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func rates(now: Date) -> (rate: Double, eta: String) {
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Self.duration(Double(total - done) / rate) : "?"
        return (rate, eta)
    }

    private func bar(fraction: Double, now: Date) -> String {
        let width = 28
        let filled = Int((fraction * Double(width)).rounded(.down))
        let (rate, eta) = rates(now: now)
        return "\(label) [\(String(repeating: "█", count: filled))\(String(repeating: "·", count: width - filled))] "
            + "\(done)/\(total) cells  \(String(format: "%.1f", rate))/s  ETA \(eta)  "
    }

    private func line(fraction: Double, now: Date) -> String {
        let (rate, eta) = rates(now: now)
        return "\(label): \(done)/\(total) cells (\(Int(fraction * 100))%), \(String(format: "%.1f", rate))/s, ETA \(eta)"
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m"
            : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
