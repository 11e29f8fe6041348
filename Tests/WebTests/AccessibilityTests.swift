import Foundation
import Logging
import Service
import ServiceLifecycle
import Web
import TestSupport
import XCTest

/// axe-core in headless Chromium on every state of the page a shopper meets: the empty search page,
/// results for an uploaded photo, a cropped search with "why it matched", "more like this", a product
/// page, a file that is not an image, and a 404 page, on a desktop and a phone-sized window. A critical
/// or serious violation fails the test, naming the state, the rule and the elements.
///
/// axe-core is the `axe.min.js` that the PyPI package `axe-playwright-python` (tools/requirements.txt)
/// ships in `.venv`; it is injected through WebDriver, nothing is fetched. The report (every violation of
/// every impact, per state) and a screenshot of each state go to artifacts/a11y/.
final class AccessibilityTests: TimedTestCase {
    /// 10 minutes: a dozen page loads in headless Chromium, each audited by a 0.6 MB script.
    override class var timeLimit: TimeInterval { 600 }

    static let artifacts = WebFixtures.root.appendingPathComponent("artifacts/a11y")
    /// The impacts that fail the test; "moderate" and "minor" are reported only.
    static let failing: Set<String> = ["critical", "serious"]

    /// `axe.min.js` inside the project's virtualenv, or nil when the package is not installed.
    static var axeScript: URL? {
        let lib = WebFixtures.root.appendingPathComponent(".venv/lib")
        let pythons = (try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? []
        return pythons.filter { $0.hasPrefix("python") }.sorted().reversed()
            .map { lib.appendingPathComponent("\($0)/site-packages/axe_playwright_python/axe.min.js") }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }

    func testNoCriticalOrSeriousViolations() async throws {
        for tool in [BrowserEndToEndTests.chromium, BrowserEndToEndTests.chromedriver] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("\(tool) is not installed (apt-get install chromium chromium-driver); the accessibility audit needs it")
        }
        guard let axeFile = Self.axeScript else {
            throw XCTSkip("axe-core is not installed: .venv has no axe_playwright_python/axe.min.js (bash scripts/setup.sh installs tools/requirements.txt)")
        }
        let axe = try String(contentsOf: axeFile, encoding: .utf8)
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        let work = try WebFixtures.temporaryFolder(self)

        var audits: [Audit] = []
        try await LiveServer.run({ $0.shopName = "Lookalike Demo Shop" }) { port in
            audits = try await drive(site: "http://127.0.0.1:\(port)", axe: axe, work: work)
        }

        try Audit.write(audits, to: Self.artifacts.appendingPathComponent("axe-report.json"))
        for audit in audits { print("axe \(audit.version) · \(audit.state): \(audit.countsText)") }
        let failures = audits.flatMap { audit in
            audit.violations.filter { Self.failing.contains($0.impact) }.map { "\(audit.state): \($0.text)" }
        }
        XCTAssertTrue(failures.isEmpty, "axe-core found critical or serious violations:\n" + failures.joined(separator: "\n"))
    }

    private func drive(site: String, axe: String, work: URL) async throws -> [Audit] {
        let driverPort = try freeLoopbackPort()
        let chromedriver = try ChildProcess(BrowserEndToEndTests.chromedriver, ["--port=\(driverPort)", "--allowed-ips=127.0.0.1"],
                                            log: Self.artifacts.appendingPathComponent("chromedriver.log"))
        defer { chromedriver.stop() }
        let browser = WebDriver(port: driverPort)
        try await browser.waitUntilReady(timeout: 20)
        try await browser.startSession(chromium: BrowserEndToEndTests.chromium, width: 1280, height: 1000,
                                       profile: work.appendingPathComponent("chromium-profile"))
        do {
            let audits = try await states(browser, site: site, axe: axe)
            await browser.endSession()
            return audits
        } catch {
            if let shot = try? await browser.screenshot() { try? shot.write(to: Self.artifacts.appendingPathComponent("failure.png")) }
            await browser.endSession()
            throw error
        }
    }

    /// Brings the page into each state and audits it.
    private func states(_ browser: WebDriver, site: String, axe: String) async throws -> [Audit] {
        let photo = WebFixtures.photos.appendingPathComponent("chelsea.png").path
        let notAnImage = WebFixtures.images.appendingPathComponent("not_an_image.jpg").path
        let settled = """
            document.querySelector('#results').getAttribute('aria-busy') === 'false' && \
            [...document.querySelectorAll('img')].every(i => !i.currentSrc || (i.complete && i.naturalWidth > 0))
            """
        var audits: [Audit] = []
        func audit(_ state: String) async throws {
            audits.append(try await run(browser, axe: axe, state: state))
        }

        for (width, height, device) in [(1280, 1000, "desktop"), (390, 844, "phone")] {
            try await browser.setWindow(width: width, height: height)
            // A phone has a touch screen: `(pointer: coarse)` holds, so the camera button shows.
            try await browser.devTools("Emulation.setTouchEmulationEnabled", ["enabled": device == "phone", "maxTouchPoints": 5])

            try await browser.navigate(site + "/")
            try await browser.waitFor("document.querySelectorAll('#filters input').length > 0", "the search page")
            let coarse = try await browser.script("return matchMedia('(pointer: coarse)').matches;") as? Bool
            XCTAssertEqual(coarse, device == "phone", "a touch screen on the phone only")
            try await audit("search page (\(device))")
            if device == "desktop" { try await checkKeyboardReachesPicker(browser) }

            try await browser.sendKeys("#file-input", photo)
            try await browser.waitFor("document.querySelector('#results').dataset.count === '5' && \(settled)", "results")
            try await audit("results (\(device))")

            if device == "desktop" {
                let size = try await browser.script("const r = document.querySelector('#preview-image').getBoundingClientRect(); return [r.width, r.height];") as? [Double] ?? [200, 200]
                let (w, h) = (Int(size[0]), Int(size[1]))
                try await browser.drag(on: "#preview-image", from: (-w / 3, -h / 3), to: (w / 3, h / 3))
                try await browser.waitFor("document.querySelector('#results').dataset.crop === 'yes' && \(settled)", "cropped results")
                try await browser.click("#explain")
                try await browser.waitFor("document.querySelectorAll('#results canvas.heatmap').length > 0 && \(settled)", "heat maps")
                try await audit("cropped results with heat maps (\(device))")
            }

            try await browser.navigate(site + "/?like=test-0")
            try await browser.waitFor("document.querySelector('#results').dataset.mode === 'similar' && \(settled)", "more like this")
            try await audit("more like this (\(device))")

            try await browser.navigate(site + "/products/test-0")
            try await browser.waitFor("document.querySelectorAll('.neighbours .card').length > 0 && [...document.querySelectorAll('img')].every(i => i.complete && i.naturalWidth > 0)", "the product page")
            try await audit("product page (\(device))")

            try await browser.navigate(site + "/")
            try await browser.sendKeys("#file-input", notAnImage)
            try await browser.waitFor("!document.querySelector('#error').hidden", "the upload error")
            try await audit("upload error (\(device))")

            try await browser.navigate(site + "/products/no-such-product")
            try await browser.waitFor("document.querySelector('#error-title') !== null", "the 404 page")
            try await audit("404 page (\(device))")
        }
        return audits
    }

    /// Tab from the top of the page reaches the photo picker after the header's links, and its button-like
    /// label shows the focus ring (axe-core does not press keys).
    private func checkKeyboardReachesPicker(_ browser: WebDriver) async throws {
        var order: [String] = []
        for _ in 0 ..< 8 {
            try await browser.press("\u{E004}")
            let focused = try await browser.script("""
                const e = document.activeElement;
                return e.id || (e.textContent || '').trim().replace(/\\s+/g, ' ') || e.tagName;
                """) as? String ?? "?"
            order.append(focused)
            if focused == "file-input" { break }
        }
        XCTAssertEqual(order, ["Skip to content", "Lookalike Demo Shop", "Search by photo", "API", "file-input"], "focus order")
        let ring = try await browser.script("""
            const label = document.querySelector('#file-input')?.closest('label');
            return label ? getComputedStyle(label).boxShadow : 'none';
            """) as? String
        XCTAssertNotEqual(ring ?? "none", "none", "the focused picker's label shows the focus ring")
        try await browser.screenshot().write(to: Self.artifacts.appendingPathComponent("search-page-keyboard-focus.png"))
        try await browser.script("document.activeElement.blur();")
    }

    /// Injects axe-core into the current page, runs it on the whole document and keeps a screenshot.
    private func run(_ browser: WebDriver, axe: String, state: String) async throws -> Audit {
        try await Task.sleep(for: .milliseconds(300))  // let transitions (opacity, hover lifts) settle
        let name = state.lowercased().split { !($0.isLetter || $0.isNumber) }.joined(separator: "-")
        try await browser.screenshot().write(to: Self.artifacts.appendingPathComponent(name + ".png"))
        if try await browser.script("return typeof window.axe === 'object';") as? Bool != true {
            try await browser.script(axe + "\nreturn null;")
        }
        let value = try await browser.asyncScript("""
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then((r) => done({ version: axe.version, needsReview: r.incomplete.map((v) => v.id),
                violations: r.violations.map((v) => ({
                  id: v.id, impact: v.impact || 'minor', help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })) }))
              .catch((e) => done({ error: String(e && e.stack || e) }));
            """) as? [String: Any] ?? [:]
        if let error = value["error"] as? String { throw WebDriver.Failure(description: "axe.run failed on \(state): \(error)") }
        let violations = (value["violations"] as? [[String: Any]] ?? []).map {
            Audit.Violation(id: $0["id"] as? String ?? "?", impact: $0["impact"] as? String ?? "minor",
                            help: $0["help"] as? String ?? "", targets: $0["targets"] as? [String] ?? [])
        }
        return Audit(state: state, url: try await browser.currentURL(), version: value["version"] as? String ?? "?",
                     violations: violations, needsReview: value["needsReview"] as? [String] ?? [])
    }
}

/// What axe-core found in one state of the page.
private struct Audit: Encodable {
    /// One rule that failed, with the CSS selectors of the elements that fail it.
    struct Violation: Encodable {
        var id: String
        var impact: String
        var help: String
        var targets: [String]

        var text: String { "[\(impact)] \(id) — \(help): \(targets.prefix(8).joined(separator: ", "))\(targets.count > 8 ? ", …" : "")" }
    }

    static let impacts = ["critical", "serious", "moderate", "minor"]

    var state: String
    var url: String
    var version: String
    var violations: [Violation]
    /// Rules axe-core could not decide alone (e.g. contrast over an image); reported, never failing.
    var needsReview: [String]

    /// Violated rules per impact, e.g. "critical 0, serious 1, moderate 0, minor 0; needs review: color-contrast".
    var countsText: String {
        Self.impacts.map { impact in "\(impact) \(violations.filter { $0.impact == impact }.count)" }.joined(separator: ", ")
            + (needsReview.isEmpty ? "" : "; needs review: " + needsReview.joined(separator: ", "))
    }

    static func write(_ audits: [Audit], to file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(audits).write(to: file)
    }
}
