import Foundation
import Service
import Synchronization

/// Import progress on standard error: a redrawn bar with rate and ETA on a terminal,
/// a plain line every few seconds otherwise (logs, CI).
final class ProgressBar: ImportProgress, Sendable {
    private let isTerminal = isatty(STDERR_FILENO) != 0
    /// When the last plain line was written; its lock also keeps updates from interleaving their output.
    private let lastPlain = Mutex(Date.distantPast)

    func update(done: Int, total: Int?, summary: ImportSummary) {
        lastPlain.withLock { lastPlain in draw(done: done, total: total, summary: summary, lastPlain: &lastPlain) }
    }

    /// Writes one update; the caller holds the lock.
    private func draw(done: Int, total: Int?, summary: ImportSummary, lastPlain: inout Date) {
        let rate = summary.seconds > 0 ? Double(done) / summary.seconds : 0
        var parts: [String] = []
        if let total, total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            let width = 28, filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let eta = rate > 0 ? Double(total - done) / rate : 0
            parts.append("\(bar) \(done)/\(total) \(String(format: "%3.0f%%", fraction * 100))")
            parts.append(String(format: "%.0f img/s", rate))
            parts.append("ETA \(Self.duration(eta))")
        } else {
            parts.append("\(done) items")
            parts.append(String(format: "%.0f img/s", rate))
        }
        parts.append("new \(summary.indexed) · unchanged \(summary.unchanged) · failed \(summary.failed)")
        let line = parts.joined(separator: "  ")
        if isTerminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        } else if Date().timeIntervalSince(lastPlain) >= 5 || done == total {
            lastPlain = Date()
            FileHandle.standardError.write(Data(("progress: " + line + "\n").utf8))
        }
    }

    /// Ends the bar's line on a terminal.
    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" }
        if s >= 60 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s)s"
    }
}
