import Foundation

/// Elements inside an open shadow root (W3C WebDriver "Get Element Shadow Root" and "Find Element From
/// Shadow Root"), which CSS selectors from the document cannot reach, and what the page logs to its console.
extension WebDriver {
    /// The element matching `css` inside the shadow root of the element matching `host`.
    func element(_ css: String, inShadowOf host: String) async throws -> String {
        let hostID = try await element(host)
        let shadow = try await call("GET", "\(session)/element/\(hostID)/shadow") as? [String: Any]
        guard let shadowID = shadow?.first(where: { $0.key.hasPrefix("shadow-") })?.value as? String else {
            throw Failure(description: "\(host) has no open shadow root")
        }
        let value = try await call("POST", "\(session)/shadow/\(shadowID)/element", ["using": "css selector", "value": css]) as? [String: Any]
        guard let id = value?.first(where: { $0.key.hasPrefix("element-") })?.value as? String else {
            throw Failure(description: "no element \(css) in the shadow root of \(host)")
        }
        return id
    }

    /// Clicks an element found by id.
    func click(element id: String) async throws {
        try await call("POST", "\(session)/element/\(id)/click")
    }

    /// Types into an element found by id; for `<input type=file>` the text is a file path to upload.
    func sendKeys(element id: String, _ text: String) async throws {
        try await call("POST", "\(session)/element/\(id)/value", ["text": text])
    }

    /// The page's console messages since the last call (chromedriver's browser log; the session asks for it).
    func consoleMessages() async throws -> [String] {
        let entries = try await call("POST", "\(session)/se/log", ["type": "browser"]) as? [[String: Any]] ?? []
        return entries.compactMap { $0["message"] as? String }
    }

    /// `session/<id>`, the prefix of every command's path.
    var session: String { "session/\(sessionID ?? "none")" }
}
