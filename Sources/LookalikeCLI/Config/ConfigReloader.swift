import Dispatch
import Foundation
import Synchronization
import Web

/// `serve`'s SIGHUP: reads the configuration again (file and flags; the environment is the process's own)
/// and applies what a running server can change — `cors.origins`, `rate_limit.*`, `limits.request_timeout`,
/// `admin.key`, `server.shop_name` — to the requests that start afterwards, with none dropped. A key that
/// needs a restart and changed is named in the log and keeps its running value; a file that no longer
/// checks out is refused whole, and the server goes on with the settings it has.
final class ConfigReloader: Sendable {
    private let source: Mutex<(any DispatchSourceSignal)?>

    init(command: ServeCommand, running: ServeSettings.Resolution, live: LiveOptions, environment: [String: String]) {
        let current = Mutex(running)
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler {
            current.withLock { running in
                if let applied = Self.reload(command: command, running: running, live: live, environment: environment) {
                    running = applied
                }
            }
        }
        source.resume()
        self.source = Mutex(source)
    }

    /// Stops listening for SIGHUP.
    func cancel() { source.withLock { $0?.cancel(); $0 = nil } }

    /// Resolves the settings again and applies the reloadable ones; returns the settings now in force, or nil
    /// (nothing changed) when the configuration does not check out.
    static func reload(command: ServeCommand, running: ServeSettings.Resolution, live: LiveOptions,
                       environment: [String: String]) -> ServeSettings.Resolution? {
        let fresh: ServeSettings.Resolution
        do {
            fresh = try ServeSettings.resolve(command, environment: environment)
        } catch {
            printError("lookalike: reload refused, the running settings stay: \(error.description)")
            return nil
        }
        let changed = fresh.settings.changedKeys(from: running.settings, in: fresh.rows, running.rows)
        let reloadable = Set(ServeSettings.Keys.all.filter(\.reloadable).map(\.name))
        let applied = changed.filter { reloadable.contains($0) }
        let needRestart = changed.filter { !reloadable.contains($0) }
        // Only the reloadable fields are taken; the rest of the running settings stay as they started.
        var inForce = running.settings
        inForce.corsOrigins = fresh.settings.corsOrigins
        inForce.rateLimit = fresh.settings.rateLimit
        inForce.rateBurst = fresh.settings.rateBurst
        inForce.requestTimeout = fresh.settings.requestTimeout
        inForce.adminKey = fresh.settings.adminKey
        inForce.shopName = fresh.settings.shopName
        live.update(from: inForce.webOptions(productImages: URL(fileURLWithPath: "/")))
        var message = "lookalike: reloaded \(fresh.file ?? "the settings"): "
            + (applied.isEmpty ? "no reloadable setting changed" : "now in force: \(applied.joined(separator: ", "))")
        if !needRestart.isEmpty {
            message += "; changed but kept until a restart: \(needRestart.joined(separator: ", "))"
        }
        printError(message)
        let rows = running.rows.map { row in
            applied.contains(row.key) ? fresh.rows.first { $0.key == row.key } ?? row : row
        }
        return ServeSettings.Resolution(settings: inForce, rows: rows, file: fresh.file)
    }
}
