import Foundation

/// Memory figures of this process.
enum ProcessStats {
    /// Peak resident set size in MB (getrusage).
    static func peakResidentMB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
    }
}
