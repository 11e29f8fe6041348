import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

/// A minimal W3C WebDriver client (JSON over HTTP) for chromedriver: sessions, navigation, elements,
/// scripts, pointer actions and screenshots. No Selenium.
///
/// The transport is HummingbirdTesting's NIO `TestClient`: Foundation's URLSession on Linux cannot
/// read chromedriver's answers (it rejects header lines without a space after the colon,
/// "Failed writing header").
final class WebDriver: @unchecked Sendable {
    /// Why a WebDriver call failed.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let port: Int
    private(set) var sessionID: String?

    init(port: Int) {
        self.port = port
    }

    // MARK: - Transport

    @discardableResult
    func call(_ method: String, _ path: String, _ body: Any? = nil, timeout: Duration = .seconds(60)) async throws -> Any? {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? (method == "POST" ? Data("{}".utf8) : nil)
        var headers: HTTPFields = [.accept: "application/json"]
        if payload != nil { headers[.contentType] = "application/json; charset=utf-8" }
        let request = TestClient.Request("/" + path, method: HTTPRequest.Method(rawValue: method) ?? .get, authority: "127.0.0.1:\(port)",
                                         headers: headers, body: payload.map { ByteBuffer(bytes: $0) })
        let response = try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: .init(timeout: timeout)) { client in
            try await client.execute(request)
        }
        let data = response.body.map { Data($0.readableBytesView) } ?? Data()
        let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        let value = object?["value"]
        if response.status.code >= 400 {
            let detail = (value as? [String: Any]).map { "\($0["error"] ?? "?"): \($0["message"] ?? "")" } ?? String(decoding: data, as: UTF8.self)
            throw Failure(description: "WebDriver \(method) \(path) → \(response.status.code) \(String(detail.prefix(600)))")
        }
        return value
    }

    /// Waits for chromedriver to answer /status.
    func waitUntilReady(timeout: TimeInterval) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = try? await call("GET", "status", timeout: .seconds(2)) as? [String: Any], status["ready"] as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "chromedriver did not become ready within \(Int(timeout)) s")
    }

    // MARK: - Session

    func startSession(chromium: String, width: Int, height: Int, profile: URL) async throws {
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": ["script": 20000, "pageLoad": 30000, "implicit": 0],
            "goog:loggingPrefs": ["browser": "ALL"],  // the page's console, for `consoleMessages()`
            "goog:chromeOptions": [
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                         "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
                         "--window-size=\(width),\(height)", "--user-data-dir=\(profile.path)", "--lang=en-US"],
            ],
        ]]]
        let value = try await call("POST", "session", capabilities) as? [String: Any]
        guard let id = value?["sessionId"] as? String else { throw Failure(description: "no session id in \(String(describing: value))") }
        sessionID = id
    }

    func endSession() async {
        guard let sessionID else { return }
        _ = try? await call("DELETE", "session/\(sessionID)")
        self.sessionID = nil
    }

    private var s: String { "session/\(sessionID ?? "none")" }

    // MARK: - Commands

    func navigate(_ url: String) async throws { try await call("POST", "\(s)/url", ["url": url]) }
    func currentURL() async throws -> String { try await call("GET", "\(s)/url") as? String ?? "" }
    func title() async throws -> String { try await call("GET", "\(s)/title") as? String ?? "" }
    func back() async throws { try await call("POST", "\(s)/back") }

    func setWindow(width: Int, height: Int) async throws {
        try await call("POST", "\(s)/window/rect", ["width": width, "height": height])
    }

    /// The element matching a CSS selector (WebDriver element id).
    func element(_ css: String) async throws -> String {
        let value = try await call("POST", "\(s)/element", ["using": "css selector", "value": css]) as? [String: Any]
        guard let id = value?.first(where: { $0.key.hasPrefix("element-") })?.value as? String else {
            throw Failure(description: "no element \(css)")
        }
        return id
    }

    func click(_ css: String) async throws { try await call("POST", "\(s)/element/\(try await element(css))/click") }

    /// Types into an element; for `<input type=file>` the text is a file path to upload.
    func sendKeys(_ css: String, _ text: String) async throws {
        try await call("POST", "\(s)/element/\(try await element(css))/value", ["text": text])
    }

    /// Runs a synchronous script and returns its result.
    @discardableResult
    func script(_ source: String, _ arguments: [Any] = []) async throws -> Any? {
        try await call("POST", "\(s)/execute/sync", ["script": source, "args": arguments])
    }

    /// Runs an asynchronous script: its last argument is a callback, and the value passed to it is returned.
    @discardableResult
    func asyncScript(_ source: String, _ arguments: [Any] = []) async throws -> Any? {
        try await call("POST", "\(s)/execute/async", ["script": source, "args": arguments])
    }

    /// Presses and releases keys on whatever has the focus (WebDriver key codes, e.g. "\u{E004}" for Tab).
    func press(_ keys: String) async throws {
        let actions = keys.unicodeScalars.flatMap { key -> [[String: Any]] in
            [["type": "keyDown", "value": String(key)], ["type": "keyUp", "value": String(key)]]
        }
        try await call("POST", "\(s)/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
        try await call("DELETE", "\(s)/actions")
    }

    /// Runs a Chrome DevTools Protocol command through chromedriver (e.g. `Emulation.setTouchEmulationEnabled`).
    @discardableResult
    func devTools(_ command: String, _ parameters: [String: Any] = [:]) async throws -> Any? {
        try await call("POST", "\(s)/goog/cdp/execute", ["cmd": command, "params": parameters])
    }

    /// Polls `condition` (a JS expression) until it is truthy.
    func waitFor(_ condition: String, timeout: TimeInterval = 20, _ what: String) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let value = try await script("return !!(\(condition));") as? Bool, value { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        let state = try? await script("return document.querySelector('#status') ? document.querySelector('#status').textContent + ' | ' + document.querySelector('#error').textContent : document.title;")
        throw Failure(description: "timed out after \(Int(timeout)) s waiting for \(what) (\(condition)); page: \(state ?? "?")")
    }

    /// Drags with the mouse across an element, from and to offsets relative to its centre.
    func drag(on css: String, from: (Int, Int), to: (Int, Int)) async throws {
        let id = try await element(css)
        let origin: [String: Any] = ["element-6066-11e4-a52e-4f735466cecf": id]
        try await call("POST", "\(s)/actions", ["actions": [[
            "type": "pointer", "id": "mouse", "parameters": ["pointerType": "mouse"],
            "actions": [
                ["type": "pointerMove", "duration": 0, "origin": origin, "x": from.0, "y": from.1],
                ["type": "pointerDown", "button": 0],
                ["type": "pointerMove", "duration": 150, "origin": origin, "x": (from.0 + to.0) / 2, "y": (from.1 + to.1) / 2],
                ["type": "pointerMove", "duration": 150, "origin": origin, "x": to.0, "y": to.1],
                ["type": "pointerUp", "button": 0],
            ],
        ]]])
        try await call("DELETE", "\(s)/actions")
    }

    /// A PNG screenshot of the viewport.
    func screenshot() async throws -> Data {
        guard let base64 = try await call("GET", "\(s)/screenshot") as? String, let data = Data(base64Encoded: base64) else {
            throw Failure(description: "no screenshot data")
        }
        return data
    }
}

/// A child process (chromedriver) that is always stopped: SIGTERM, then SIGKILL after a grace period.
final class ChildProcess: @unchecked Sendable {
    let process = Process()

    init(_ executable: String, _ arguments: [String], log: URL) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// A TCP port on 127.0.0.1 that is free right now.
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw WebDriver.Failure(description: "socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    guard bound == 0 else { throw WebDriver.Failure(description: "bind() failed") }
    let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    guard named == 0 else { throw WebDriver.Failure(description: "getsockname() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}
