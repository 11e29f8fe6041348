import Foundation

/// What a screen reader and a keyboard user meet: computed roles and names (W3C WebDriver), key chords.
extension WebDriver {
    /// The element's role as the browser's accessibility tree computes it ("dialog", "button", …).
    func computedRole(element id: String) async throws -> String {
        try await call("GET", "\(session)/element/\(id)/computedrole") as? String ?? ""
    }

    /// The element's accessible name as the browser computes it (what a screen reader announces).
    func computedLabel(element id: String) async throws -> String {
        try await call("GET", "\(session)/element/\(id)/computedlabel") as? String ?? ""
    }

    /// Presses `keys` together and releases them in reverse order (e.g. Shift+Tab: `["\u{E008}", "\u{E004}"]`).
    func pressChord(_ keys: [String]) async throws {
        let actions = keys.map { ["type": "keyDown", "value": $0] } + keys.reversed().map { ["type": "keyUp", "value": $0] }
        try await call("POST", "\(session)/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
        try await call("DELETE", "\(session)/actions")
    }
}
