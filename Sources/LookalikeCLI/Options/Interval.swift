import Foundation
import ArgumentParser

/// A time between runs, written `90s`, `30m`, `1h`, `1d` or a number of seconds.
struct Interval: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    let seconds: Int

    init(seconds: Int) { self.seconds = seconds }

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Int)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
        if let (suffix, scale) = units.first(where: { text.hasSuffix($0.0) }), let value = Double(text.dropLast(suffix.count)) {
            seconds = Int((value * Double(scale)).rounded())
        } else if let value = Int(text) {
            seconds = value
        } else {
            return nil
        }
    }

    var duration: Duration { .seconds(seconds) }

    var description: String {
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3_600 == 0 { return "\(seconds / 3_600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
