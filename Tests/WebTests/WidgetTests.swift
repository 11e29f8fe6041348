import Catalog
import Foundation
import Hummingbird
import HummingbirdTesting
import Imaging
import Service
import TestSupport
@testable import Web
import XCTest

/// The storefront widget (`GET /widget.js`) as a shop uses it: a page on one origin (a pretend shop's own
/// server) carries the one-line snippet, the Lookalike server on another origin lists the shop in
/// `--cors-origin`, and headless Chromium searches by photo through the widget. A page on an origin that is
/// not listed gets no results and a console message naming the fix. Keyboard, screen-reader semantics,
/// axe-core, the host page's CSS and the theming options are checked in the same browser.
///
/// Screenshots of each state and axe-core's report go to artifacts/widget/.
final class WidgetTests: TimedTestCase {
    /// 7 minutes: each browser test starts Chromium and three servers, and a cold start on a busy machine is slow.
    override class var timeLimit: TimeInterval { 420 }

    static let artifacts = WebFixtures.root.appendingPathComponent("artifacts/widget")
    /// The impacts that fail the audit; "moderate" and "minor" are reported only.
    static let failingImpacts: Set<String> = ["critical", "serious"]

    // MARK: - The script as the server sends it

    func testWidgetScriptIsServedAsJavaScriptWithCachingHeaders() async throws {
        let service = try await WebFixtures.fashionCatalog()
        try await WebFixtures.app(service) { $0.corsOrigins = ["https://shop.example"] }.test(.router) { client in
            // Any page may load the script (only the searches need --cors-origin), so even a stranger gets it.
            let script = try await client.execute(uri: "/widget.js", method: .get, headers: [.origin: "https://elsewhere.example"])
            XCTAssertEqual(script.status, .ok)
            XCTAssertEqual(script.headers[.contentType], "text/javascript; charset=utf-8")
            XCTAssertEqual(script.headers[.cacheControl], "public, max-age=300", "a fixed URL: short-lived, then revalidated")
            XCTAssertEqual(script.headers[.crossOriginResourcePolicy], "cross-origin")
            XCTAssertEqual(script.headers[.xContentTypeOptions], "nosniff")
            XCTAssertNil(script.headers[.contentSecurityPolicy], "the page's CSP is for HTML only")
            let text = script.text
            XCTAssertTrue(text.contains("attachShadow"), "the widget's DOM lives in a shadow root")
            XCTAssertFalse(text.contains(".innerHTML"), "no HTML parsing of any data")
            XCTAssertFalse(text.contains("createElement('script')") || text.contains("import("), "it loads no other code")
            XCTAssertLessThan(script.body.readableBytes, 32_000, "the widget stays small (docs/widget.md gives its size)")

            let etag = try XCTUnwrap(script.headers[.eTag])
            let revalidated = try await client.execute(uri: "/widget.js", method: .get, headers: [.ifNoneMatch: etag])
            XCTAssertEqual(revalidated.status, .notModified)
            XCTAssertEqual(revalidated.body.readableBytes, 0)
            let head = try await client.execute(uri: "/widget.js", method: .head)
            XCTAssertEqual(head.status, .ok)
            XCTAssertEqual(head.headers[.contentType], "text/javascript; charset=utf-8")
            // One URL for it: not also under /assets.
            XCTAssertAPIError(try await client.execute(uri: "/assets/widget.js", method: .get), 404, "not_found")
            // The thumbnails it shows may be embedded by other origins' pages too.
            let thumbnail = try await client.execute(uri: "/thumbnails/test-0?size=160", method: .get)
            XCTAssertEqual(thumbnail.headers[.crossOriginResourcePolicy], "cross-origin")
        }
    }

    // MARK: - In a browser, on a shop's page on another origin

    /// Upload through the widget on an allowed origin: results from the API's origin, each linking to the
    /// product's page in the shop (`link`) or else Lookalike's; paste, drop, a file that is not an image, a
    /// phone; axe-core on the open widget in each state.
    func testShopPageOnAnotherOriginSearchesThroughTheWidget() async throws {
        guard let axeFile = AccessibilityTests.axeScript else {
            throw XCTSkip("axe-core is not installed: .venv has no axe_playwright_python/axe.min.js (bash scripts/setup.sh)")
        }
        let axe = try String(contentsOf: axeFile, encoding: .utf8)
        let boot = try await Self.catalogImage("test-0")
        let notAnImage = WebFixtures.images.appendingPathComponent("not_an_image.jpg").path
        var audits: [[String: Any]] = []
        var failures: [String] = []
        func audit(_ browser: WebDriver, _ state: String) async throws {
            let (report, failing) = try await Self.axeAudit(browser, axe: axe, state: state)
            audits.append(report)
            failures += failing
        }

        try await withStorefront("search") { shop in
            let browser = shop.browser
            try await browser.navigate(shop.allowed + "/")
            try await Self.waitInWidget(browser, "w.querySelector('.launch')", "the widget's button")
            let placed = try await browser.script("return document.querySelector('#header-actions > lookalike-search') !== null;") as? Bool
            XCTAssertEqual(placed, true, "the button goes into data-target")
            let colours = try await Self.inWidget(browser, "const s = getComputedStyle(w.querySelector('.launch')); return [s.backgroundColor, s.color];") as? [String]
            XCTAssertEqual(colours, ["rgb(31, 77, 58)", "rgb(255, 255, 255)"], "data-accent colours the button, with readable text")
            try await Self.shot(browser, "01-shop-page")

            try await browser.click(element: try await browser.element(".launch", inShadowOf: "lookalike-search"))
            try await Self.waitInWidget(browser, "w.querySelector('dialog').open", "the open dialog")
            try await Self.shot(browser, "02-open")
            try await audit(browser, "open, no photo yet")

            // A photo from the file picker: 12 results, the product itself first.
            try await browser.sendKeys(element: try await browser.element("input[name=photo]", inShadowOf: "lookalike-search"), boot)
            try await Self.waitForResults(browser, first: "test-0")
            let status = try await Self.inWidget(browser, "return w.querySelector('[role=status]').textContent;") as? String
            XCTAssertEqual(status, "12 similar products")
            let cards = try await Self.inWidget(browser, """
                return [...w.querySelectorAll('.grid a')].map((a) => [a.dataset.id, a.href, a.querySelector('.name').textContent,
                  a.querySelector('img').currentSrc, a.querySelector('.price') ? a.querySelector('.price').textContent : '']);
                """) as? [[String]] ?? []
            XCTAssertEqual(cards.count, 12)
            var shopLinks = 0, lookalikeLinks = 0
            for card in cards where card.count == 5 {
                let (id, href, title, image, price) = (card[0], card[1], card[2], card[3], card[4])
                let number = Int(id.split(separator: "-").last ?? "") ?? -1
                if number % 2 == 0 {
                    XCTAssertEqual(href, "https://shop.example/products/\(id)", "a product with a link opens the shop's page")
                    shopLinks += 1
                } else {
                    XCTAssertEqual(href, "\(shop.api)/products/\(id)", "a product without one opens Lookalike's page")
                    lookalikeLinks += 1
                }
                XCTAssertTrue(image.hasPrefix("\(shop.api)/thumbnails/\(id)?size="), image)
                XCTAssertFalse(title.isEmpty)
                XCTAssertTrue(price.hasPrefix("€"), "the catalog's price, formatted: \(price)")
            }
            XCTAssertGreaterThan(shopLinks, 0)
            XCTAssertGreaterThan(lookalikeLinks, 0)
            try await Self.shot(browser, "03-results")
            try await audit(browser, "results")

            // Pasted from the clipboard, then dropped on the button of the closed widget.
            let pasted = try await Self.deliver(browser, "paste", of: "test-1", to: "w.activeElement || w.querySelector('dialog')", api: shop.api)
            XCTAssertEqual(pasted, "taken", "the widget takes a pasted image")
            try await Self.waitForResults(browser, first: "test-1")
            try await browser.click(element: try await browser.element(".close", inShadowOf: "lookalike-search"))
            try await Self.waitInWidget(browser, "!w.querySelector('dialog').open", "the dialog to close")
            let dropped = try await Self.deliver(browser, "drop", of: "test-2", to: "w.querySelector('.launch')", api: shop.api)
            XCTAssertEqual(dropped, "taken", "the widget takes an image dropped on its button")
            try await Self.waitInWidget(browser, "w.querySelector('dialog').open", "the dialog to open for the dropped photo")
            try await Self.waitForResults(browser, first: "test-2")

            // A file that is not an image: the server's 415 becomes a plain message, no results.
            try await browser.sendKeys(element: try await browser.element("input[name=another]", inShadowOf: "lookalike-search"), notAnImage)
            try await Self.waitInWidget(browser, "w.querySelector('[role=alert]').textContent.includes('not a photo')", "the error message")
            let afterError = try await Self.inWidget(browser, "return [w.querySelectorAll('.grid a').length, w.querySelector('[role=alert]').textContent];") as? [Any]
            XCTAssertEqual(Self.number(afterError?.first), 0, "no results for a file that is not an image")
            XCTAssertEqual(afterError?.last as? String, "That file is not a photo. Please choose a JPEG, PNG, WebP or HEIC image.")
            let backToPicker = try await Self.inWidget(browser, "return [!w.querySelector('.pick').hidden, w.activeElement && w.activeElement.name];") as? [Any]
            XCTAssertEqual(backToPicker?.first as? Bool, true, "after a refused file the picker is back")
            XCTAssertEqual(backToPicker?.last as? String, "photo", "with the focus on it")
            try await Self.shot(browser, "04-not-an-image")
            try await audit(browser, "error")

            // A phone: a touch screen shows "Take a photo" (the camera), the dialog fills the screen.
            try await browser.setWindow(width: 390, height: 844)
            try await browser.devTools("Emulation.setTouchEmulationEnabled", ["enabled": true, "maxTouchPoints": 5])
            try await browser.navigate(shop.allowed + "/")
            try await browser.click(element: try await browser.element(".launch", inShadowOf: "lookalike-search"))
            try await Self.waitInWidget(browser, "w.querySelector('dialog').open", "the open dialog on a phone")
            let camera = try await Self.inWidget(browser, """
                const input = w.querySelector('input[name=camera]');
                return [input.getAttribute('capture'), input.closest('label').getClientRects().length > 0, w.querySelector('.drop').getClientRects().length > 0];
                """) as? [Any]
            XCTAssertEqual(camera?.first as? String, "environment", "the camera input asks for the back camera")
            XCTAssertEqual(camera?.dropFirst().first as? Bool, true, "the camera button shows on a touch screen")
            XCTAssertEqual(camera?.last as? Bool, false, "no 'drag a photo here' on a phone")
            try await Self.shot(browser, "05-phone-open")
            try await audit(browser, "open on a phone")
            try await browser.sendKeys(element: try await browser.element("input[name=photo]", inShadowOf: "lookalike-search"), boot)
            try await Self.waitForResults(browser, first: "test-0")
            let fills = try await Self.inWidget(browser, """
                const r = w.querySelector('.panel').getBoundingClientRect();
                return [r.left, r.top, r.width, r.height, innerWidth, innerHeight, document.documentElement.scrollWidth].map(Math.round);
                """) as? [Any] ?? []
            let (left, top, width, height, viewportWidth, viewportHeight, pageWidth) = (
                Self.number(fills.first), Self.number(fills.dropFirst(1).first), Self.number(fills.dropFirst(2).first),
                Self.number(fills.dropFirst(3).first), Self.number(fills.dropFirst(4).first), Self.number(fills.dropFirst(5).first),
                Self.number(fills.dropFirst(6).first))
            XCTAssertEqual([left, top, width, height], [0, 0, viewportWidth, viewportHeight], "the dialog fills a phone's screen: \(fills)")
            XCTAssertLessThanOrEqual(pageWidth, viewportWidth, "nothing scrolls sideways, the button in the header included")
            let iconOnly = try await Self.inWidget(browser, "const r = w.querySelector('.launch').getBoundingClientRect(); return [r.width, r.height];") as? [Any]
            XCTAssertEqual(iconOnly.map { $0.map(Self.number) }, [40, 40], "a phone's header gets the button as an icon")
            try await Self.shot(browser, "06-phone-results")
            try await audit(browser, "results on a phone")
        }

        let report = try JSONSerialization.data(withJSONObject: audits, options: [.prettyPrinted, .sortedKeys])
        try report.write(to: Self.artifacts.appendingPathComponent("axe-report.json"))
        XCTAssertEqual(audits.count, 5)
        XCTAssertTrue(failures.isEmpty, "axe-core found critical or serious violations:\n" + failures.joined(separator: "\n"))
    }

    /// The same page on an origin the server does not list: the browser withholds the answer, the shopper
    /// sees a plain message and no results, and the console names the fix.
    func testOriginNotAllowedGetsNoResultsAndAConsoleMessage() async throws {
        let boot = try await Self.catalogImage("test-0")
        try await withStorefront("not-allowed") { shop in
            let browser = shop.browser
            try await browser.navigate(shop.notAllowed + "/")
            try await Self.waitInWidget(browser, "w.querySelector('.launch')", "the widget's button")
            _ = try await browser.consoleMessages()  // only what the search logs counts
            try await browser.click(element: try await browser.element(".launch", inShadowOf: "lookalike-search"))
            try await browser.sendKeys(element: try await browser.element("input[name=photo]", inShadowOf: "lookalike-search"), boot)
            try await Self.waitInWidget(browser, "w.querySelector('[role=alert]').textContent !== ''", "the error message")
            let shown = try await Self.inWidget(browser, "return [w.querySelectorAll('.grid a').length, w.querySelector('[role=alert]').textContent];") as? [Any]
            XCTAssertEqual(Self.number(shown?.first), 0, "no results on an origin that is not allowed")
            XCTAssertEqual(shown?.last as? String, "Photo search is not available right now.")
            try await Self.shot(browser, "07-origin-not-allowed")

            let expected = "Lookalike: the API at \(shop.api) refused this origin (\(shop.notAllowed)); add it to --cors-origin or cors.origins"
            var messages: [String] = []
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline, !messages.contains(where: { $0.contains(expected) }) {
                messages += try await browser.consoleMessages()
                try await Task.sleep(for: .milliseconds(200))
            }
            XCTAssertTrue(messages.contains { $0.contains(expected) }, "console: \(messages)")
        }
    }

    /// Tab reaches the button; Enter opens a dialog named by its title with the focus on the photo picker;
    /// Tab and Shift+Tab stay inside it; the result count is announced; Escape closes it and the focus is
    /// back on the button.
    func testKeyboardAndScreenReaderUseTheDialog() async throws {
        let boot = try await Self.catalogImage("test-0")
        let tab = "\u{E004}", shift = "\u{E008}", enter = "\u{E007}", escape = "\u{E00C}", space = "\u{E00D}"
        try await withStorefront("keyboard") { shop in
            let browser = shop.browser
            try await browser.navigate(shop.allowed + "/")
            try await Self.waitInWidget(browser, "w.querySelector('.launch')", "the widget's button")
            var reached = false
            for _ in 0 ..< 12 where !reached {
                try await browser.press(tab)
                reached = try await browser.script("return document.activeElement.tagName === 'LOOKALIKE-SEARCH';") as? Bool ?? false
            }
            XCTAssertTrue(reached, "Tab reaches the button")
            let launcher = try await browser.element(".launch", inShadowOf: "lookalike-search")
            let launcherRole = try await browser.computedRole(element: launcher)
            let launcherLabel = try await browser.computedLabel(element: launcher)
            XCTAssertEqual(launcherRole, "button")
            XCTAssertEqual(launcherLabel, "Search by photo")

            try await browser.press(enter)
            try await Self.waitInWidget(browser, "w.querySelector('dialog').open", "Enter to open the dialog")
            let dialog = try await browser.element("dialog", inShadowOf: "lookalike-search")
            let dialogRole = try await browser.computedRole(element: dialog)
            let dialogLabel = try await browser.computedLabel(element: dialog)
            XCTAssertEqual(dialogRole, "dialog")
            XCTAssertEqual(dialogLabel, "Search by photo")
            let picker = try await browser.computedLabel(element: try await browser.element("input[name=photo]", inShadowOf: "lookalike-search"))
            XCTAssertEqual(picker, "Choose a photo")
            let close = try await browser.computedLabel(element: try await browser.element(".close", inShadowOf: "lookalike-search"))
            XCTAssertEqual(close, "Close")
            let statusRole = try await browser.computedRole(element: try await browser.element("[role=status]", inShadowOf: "lookalike-search"))
            XCTAssertEqual(statusRole, "status", "results and progress are announced")
            let onOpen = try await Self.focused(browser)
            XCTAssertEqual(onOpen, "photo", "the dialog opens on the photo picker")

            // Tab and Shift+Tab cycle through the dialog's two controls, never out of it.
            var cycle: [String] = []
            for _ in 0 ..< 3 {
                try await browser.press(tab)
                cycle.append(try await Self.focused(browser))
            }
            try await browser.pressChord([shift, tab])
            cycle.append(try await Self.focused(browser))
            XCTAssertEqual(cycle, ["close", "photo", "close", "photo"], "the focus stays in the dialog")

            // With results: the focus moves to "Another photo" (the picker is gone), the count is announced,
            // and Tab goes through the results and back to the top.
            try await browser.sendKeys(element: try await browser.element("input[name=photo]", inShadowOf: "lookalike-search"), boot)
            try await Self.waitForResults(browser, first: "test-0")
            let withResults = try await Self.focused(browser)
            XCTAssertEqual(withResults, "another")
            var visited: [String] = []
            for _ in 0 ..< 14 {
                try await browser.press(tab)
                visited.append(try await Self.focused(browser))
            }
            XCTAssertEqual(visited.first, "result test-0", "\(visited)")
            XCTAssertEqual(visited.prefix(12).filter { $0.hasPrefix("result ") }.count, 12, "\(visited)")
            XCTAssertEqual(Array(visited.suffix(2)), ["close", "another"], "after the last result, back to the top: \(visited)")
            let ring = try await Self.inWidget(browser, "return getComputedStyle(w.activeElement.closest('label')).outlineStyle;") as? String
            XCTAssertEqual(ring, "solid", "the focused picker's button shows the focus ring")
            try await browser.press(tab)
            try await Self.shot(browser, "13-keyboard-focus-on-a-result")
            try await browser.pressChord([shift, tab])

            try await browser.press(escape)
            try await Self.waitInWidget(browser, "!w.querySelector('dialog').open", "Escape to close the dialog")
            let afterEscape = try await Self.focused(browser)
            XCTAssertEqual(afterEscape, "button", "the focus is back on the button")
            try await browser.press(space)
            try await Self.waitInWidget(browser, "w.querySelector('dialog').open", "Space to open the dialog again")
            let reopened = try await Self.focused(browser)
            XCTAssertEqual(reopened, "another", "reopened on the results, at 'Another photo'")
            try await browser.press(escape)
            try await Self.waitInWidget(browser, "!w.querySelector('dialog').open", "Escape to close it again")
        }
    }

    /// A host page with a stylesheet that restyles everything changes nothing in the widget; the floating
    /// button, custom strings, the dark theme with an icon button, and the page's language.
    func testHostPageCSSCannotReachTheWidgetAndThemingOptionsApply() async throws {
        let boot = try await Self.catalogImage("test-0")
        let measure = """
            const b = w.querySelector('.launch'), s = getComputedStyle(b), r = b.getBoundingClientRect();
            return [Math.round(r.width), Math.round(r.height), s.fontSize, s.fontFamily.split(',')[0], s.color, s.textTransform, s.letterSpacing];
            """
        try await withStorefront("host-css") { shop in
            let browser = shop.browser
            try await browser.navigate(shop.allowed + "/")
            try await Self.waitInWidget(browser, "w.querySelector('.launch')", "the widget's button")
            let plain = try await Self.inWidget(browser, measure) as? [Any]

            try await browser.navigate(shop.allowed + "/aggressive")
            try await Self.waitInWidget(browser, "w.querySelector('.launch')", "the widget's button under hostile CSS")
            let hostile = try await Self.inWidget(browser, measure) as? [Any]
            XCTAssertEqual(hostile.map { "\($0)" }, plain.map { "\($0)" }, "the button looks the same under the hostile stylesheet")
            XCTAssertEqual(plain?.dropFirst(2).first as? String, "15px")
            XCTAssertEqual(plain?.dropFirst(3).first as? String, "system-ui")
            let pageText = try await browser.script("return getComputedStyle(document.querySelector('h1')).color;") as? String
            XCTAssertEqual(pageText, "rgb(255, 0, 0)", "the hostile stylesheet does apply to the page itself")
            try await Self.shot(browser, "08-hostile-css-page")

            try await browser.click(element: try await browser.element(".launch", inShadowOf: "lookalike-search"))
            try await browser.sendKeys(element: try await browser.element("input[name=photo]", inShadowOf: "lookalike-search"), boot)
            try await Self.waitForResults(browser, first: "test-0")
            let inside = try await Self.inWidget(browser, """
                const h = getComputedStyle(w.querySelector('h2')), img = getComputedStyle(w.querySelector('.grid img')),
                      d = getComputedStyle(w.querySelector('dialog')), picker = getComputedStyle(w.querySelector('.pick'));
                return [h.color, h.fontSize, h.textTransform, img.filter, img.borderTopStyle, d.position, picker.display];
                """) as? [String]
            XCTAssertEqual(inside, ["rgb(28, 25, 23)", "20px", "none", "none", "none", "fixed", "none"],
                           "title, thumbnails, the dialog and hidden parts keep the widget's own styles")
            try await Self.shot(browser, "09-hostile-css-results")

            // Floating (no data-target), with a string from data-strings.
            try await browser.navigate(shop.allowed + "/floating")
            try await Self.waitInWidget(browser, "w.querySelector('.launch')", "the floating button")
            let floating = try await Self.inWidget(browser, """
                const b = w.querySelector('.launch'), r = b.getBoundingClientRect();
                return [getComputedStyle(b).position, innerWidth - r.right, innerHeight - r.bottom, b.textContent,
                        w.host.parentElement === document.body];
                """) as? [Any]
            XCTAssertEqual(floating?.first as? String, "fixed")
            XCTAssertEqual(Self.number(floating?.dropFirst(1).first), 20, accuracy: 1, "20 px from the right")
            XCTAssertEqual(Self.number(floating?.dropFirst(2).first), 20, accuracy: 1, "20 px from the bottom")
            XCTAssertEqual(floating?.dropFirst(3).first as? String, "Photo search", "data-strings")
            XCTAssertEqual(floating?.last as? Bool, true)
            try await Self.shot(browser, "10-floating-button")
            // The page's own code may open and close it.
            try await browser.script("window.LookalikeWidget.open();")
            try await Self.waitInWidget(browser, "w.querySelector('dialog').open", "LookalikeWidget.open()")
            try await browser.script("window.LookalikeWidget.close();")
            try await Self.waitInWidget(browser, "!w.querySelector('dialog').open", "LookalikeWidget.close()")

            // The dark theme, with an icon for a button (data-label=""): named for screen readers all the same.
            try await browser.navigate(shop.allowed + "/dark")
            try await Self.waitInWidget(browser, "w.querySelector('.launch')", "the icon button")
            let icon = try await browser.element(".launch", inShadowOf: "lookalike-search")
            let iconLabel = try await browser.computedLabel(element: icon)
            XCTAssertEqual(iconLabel, "Search by photo")
            try await browser.click(element: icon)
            try await Self.waitInWidget(browser, "w.querySelector('dialog').open", "the dark dialog")
            let dark = try await Self.inWidget(browser, "return [getComputedStyle(w.querySelector('.panel')).backgroundColor, getComputedStyle(w.querySelector('h2')).color];") as? [String]
            XCTAssertEqual(dark, ["rgb(28, 28, 30)", "rgb(245, 245, 244)"], "data-theme=dark")
            try await Self.shot(browser, "11-dark-theme")

            // The page's language (<html lang="fr">) picks the built-in French strings and price format.
            try await browser.navigate(shop.allowed + "/fr")
            try await Self.waitInWidget(browser, "w.querySelector('.launch')", "the French button")
            let label = try await Self.inWidget(browser, "return w.querySelector('.launch').textContent;") as? String
            XCTAssertEqual(label, "Rechercher par photo")
            try await browser.click(element: try await browser.element(".launch", inShadowOf: "lookalike-search"))
            try await browser.sendKeys(element: try await browser.element("input[name=photo]", inShadowOf: "lookalike-search"), boot)
            try await Self.waitForResults(browser, first: "test-0")
            let french = try await Self.inWidget(browser, """
                return [w.querySelector('h2').textContent, w.querySelector('[role=status]').textContent,
                        w.querySelector('.grid .price').textContent, w.querySelector('.panel').lang];
                """) as? [String]
            XCTAssertEqual(french?.prefix(2), ["Rechercher par photo", "12 produits similaires"])
            XCTAssertTrue(french?.dropFirst(2).first?.hasSuffix("€") ?? false, "French price format: \(french ?? [])")
            XCTAssertEqual(french?.last, "fr")
            try await Self.shot(browser, "12-french")
        }
    }

    // MARK: - The stage: a shop, a stranger, the API, a browser

    /// The origins of one test run and the browser that visits them.
    private struct Stage {
        let browser: WebDriver
        /// The Lookalike server (`http://127.0.0.1:B`): the API and /widget.js.
        let api: String
        /// The shop's origin, listed in `--cors-origin`.
        let allowed: String
        /// Another origin serving the same pages, not listed.
        let notAllowed: String
    }

    /// Starts the two shop servers, the API (allowing the first) over the widget catalog, chromedriver and a
    /// session, runs `body`, and always cleans up; on failure a screenshot `failure-<name>.png` is kept.
    private func withStorefront(_ name: String, _ body: (Stage) async throws -> Void) async throws {
        for tool in [BrowserEndToEndTests.chromium, BrowserEndToEndTests.chromedriver] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("\(tool) is not installed (apt-get install chromium chromium-driver); the widget's browser test needs it")
        }
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        let service = try await WidgetCatalog.service.value
        let work = try WebFixtures.temporaryFolder(self)
        let apiPort = PortBox()
        let pages: @Sendable (String) -> String? = { StorefrontPages.page($0, api: "http://127.0.0.1:\(apiPort.value)") }
        try await StorefrontServer.run(pages: pages) { shopPort in
            try await StorefrontServer.run(pages: pages) { otherPort in
                let allowed = "http://127.0.0.1:\(shopPort)"
                try await LiveServer.run(service: service, { $0.corsOrigins = [allowed] }) { port in
                    apiPort.value = port
                    let driverPort = try freeLoopbackPort()
                    let chromedriver = try ChildProcess(BrowserEndToEndTests.chromedriver, ["--port=\(driverPort)", "--allowed-ips=127.0.0.1"],
                                                        log: Self.artifacts.appendingPathComponent("chromedriver-\(name).log"))
                    defer { chromedriver.stop() }
                    let browser = WebDriver(port: driverPort)
                    try await browser.waitUntilReady(timeout: 20)
                    try await browser.startSession(chromium: BrowserEndToEndTests.chromium, width: 1280, height: 900,
                                                   profile: work.appendingPathComponent("chromium-profile"))
                    do {
                        try await body(Stage(browser: browser, api: "http://127.0.0.1:\(port)", allowed: allowed,
                                             notAllowed: "http://127.0.0.1:\(otherPort)"))
                        await browser.endSession()
                    } catch {
                        if let shot = try? await browser.screenshot() {
                            try? shot.write(to: Self.artifacts.appendingPathComponent("failure-\(name).png"))
                        }
                        await browser.endSession()
                        throw error
                    }
                }
            }
        }
    }

    // MARK: - Helpers

    /// A number from a script's answer (JSON gives Int or Double); NaN for anything else.
    private static func number(_ value: Any?) -> Double {
        switch value {
        case let value as Int: return Double(value)
        case let value as Double: return value
        case let value as NSNumber: return value.doubleValue
        default: return .nan
        }
    }

    /// Runs `source` (a function body) with `w` bound to the widget's shadow root.
    @discardableResult
    private static func inWidget(_ browser: WebDriver, _ source: String) async throws -> Any? {
        try await browser.script("const w = document.querySelector('lookalike-search').shadowRoot;\n" + source)
    }

    /// Waits until `condition` (with `w`, the widget's shadow root) holds; a timeout names the widget's state.
    private static func waitInWidget(_ browser: WebDriver, _ condition: String, _ what: String, timeout: TimeInterval = 30) async throws {
        do {
            try await browser.waitFor("((w) => !!w && (\(condition)))(document.querySelector('lookalike-search')?.shadowRoot)", timeout: timeout, what)
        } catch {
            let state = try? await browser.script("""
                const w = document.querySelector('lookalike-search')?.shadowRoot;
                return w ? `status “${w.querySelector('[role=status]').textContent}”, error “${w.querySelector('[role=alert]').textContent}”, ${w.querySelectorAll('.grid a').length} results` : 'no widget on the page';
                """) as? String
            throw WebDriver.Failure(description: "\(error); widget: \(state ?? "?")")
        }
    }

    /// Waits for 12 results, `first` first, with every thumbnail loaded.
    private static func waitForResults(_ browser: WebDriver, first: String) async throws {
        try await waitInWidget(browser, """
            w.querySelectorAll('.grid a').length === 12 && w.querySelector('.grid a').dataset.id === '\(first)' &&
            [...w.querySelectorAll('.grid img')].every((i) => i.complete && i.naturalWidth > 0)
            """, "12 results for \(first)'s photo")
    }

    /// What has the keyboard focus: "photo"/"camera"/"another" (a picker), "close", "result <id>", "button"
    /// (the widget's button), or "outside" (anything of the host page).
    private static func focused(_ browser: WebDriver) async throws -> String {
        try await browser.script("""
            const host = document.querySelector('lookalike-search');
            if (document.activeElement !== host) return 'outside';
            const e = host.shadowRoot.activeElement;
            if (!e) return 'outside';
            if (e.name) return e.name;
            if (e.classList.contains('close')) return 'close';
            if (e.classList.contains('launch')) return 'button';
            if (e.dataset.id) return 'result ' + e.dataset.id;
            return e.tagName;
            """) as? String ?? "?"
    }

    /// Fetches a catalog image from the API in the page and hands it to the widget as a pasted or dropped
    /// file ("paste" or "drop" event on the element `target` evaluates to); "taken" when the widget took it.
    private static func deliver(_ browser: WebDriver, _ kind: String, of id: String, to target: String, api: String) async throws -> String {
        try await browser.asyncScript("""
            const [api, id, kind, done] = arguments;
            const w = document.querySelector('lookalike-search').shadowRoot;
            fetch(`${api}/images/${id}`).then((r) => r.blob()).then((blob) => {
              const data = new DataTransfer();
              data.items.add(new File([blob], `${id}.png`, { type: blob.type || 'image/png' }));
              const init = { bubbles: true, cancelable: true, composed: true };
              const event = kind === 'paste' ? new ClipboardEvent('paste', { ...init, clipboardData: data })
                : new DragEvent('drop', { ...init, dataTransfer: data });
              (\(target)).dispatchEvent(event);
              done(event.defaultPrevented ? 'taken' : 'ignored');
            }).catch((e) => done(String(e)));
            """, [api, id, kind]) as? String ?? "?"
    }

    /// Runs axe-core on the whole page (open shadow roots included); returns the report of this state and its
    /// critical or serious violations as lines.
    private static func axeAudit(_ browser: WebDriver, axe: String, state: String) async throws -> ([String: Any], [String]) {
        try await Task.sleep(for: .milliseconds(300))  // let the dialog's entrance animation end
        if try await browser.script("return typeof window.axe === 'object';") as? Bool != true {
            try await browser.script(axe + "\nreturn null;")
        }
        let value = try await browser.asyncScript("""
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then((r) => done({ version: axe.version, violations: r.violations.map((v) => ({
                id: v.id, impact: v.impact || 'minor', help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) })) }))
              .catch((e) => done({ error: String(e && e.stack || e) }));
            """) as? [String: Any] ?? [:]
        if let error = value["error"] as? String { throw WebDriver.Failure(description: "axe.run failed on \(state): \(error)") }
        let violations = value["violations"] as? [[String: Any]] ?? []
        let failing = violations.filter { failingImpacts.contains($0["impact"] as? String ?? "") }.map {
            "\(state): [\($0["impact"] ?? "?")] \($0["id"] ?? "?") — \($0["help"] ?? ""): \(($0["targets"] as? [String] ?? []).prefix(6).joined(separator: ", "))"
        }
        return (["state": state, "axe": value["version"] ?? "?", "violations": violations], failing)
    }

    private static func shot(_ browser: WebDriver, _ name: String) async throws {
        try await Task.sleep(for: .milliseconds(300))  // let the entrance animation and hover effects settle
        try await browser.screenshot().write(to: artifacts.appendingPathComponent(name + ".png"))
    }

    /// The file a product of the shared Fashion-MNIST catalog was imported from (the widget catalog has it too).
    private static func catalogImage(_ id: String) async throws -> String {
        let product = try await WebFixtures.fashionCatalog().store.product(id: id)
        return try XCTUnwrap(product?.imagePath, "\(id) has no image file")
    }
}

/// The shop's catalog for the widget tests, built once per process: the first 48 Fashion-MNIST test
/// products with prices in euros, the even-numbered ones with a `link` to their page in the shop.
private enum WidgetCatalog {
    static let service = Task { try await build() }

    private static func build() async throws -> SearchService {
        let source = try await WebFixtures.fashionCatalog()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lookalike-widget-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteCatalogStore(path: folder.appendingPathComponent("catalog.db").path)
        let service = try await SearchService(store: store, embedder: try WebFixtures.embedder())
        for index in 0 ..< 48 {
            let id = "test-\(index)"
            guard let product = try await source.store.product(id: id), let path = product.imagePath else {
                throw WebDriver.Failure(description: "the Fashion-MNIST catalog has no image for \(id)")
            }
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            var attributes = product.attributes
            attributes["price"] = "\(29 + index * 7 % 90).99"
            attributes["currency"] = "EUR"
            if index % 5 == 3 { attributes["sale_price"] = "\(19 + index * 7 % 90).99" }
            if index % 2 == 0 { attributes["link"] = "https://shop.example/products/\(id)" }
            try await service.add(Product(id: id, title: product.title, attributes: attributes, imagePath: path,
                                          contentHash: ContentHash.hex(of: data)),
                                  image: EncodedImage(data: data, name: (path as NSString).lastPathComponent))
        }
        return service
    }
}

/// A port learnt after the pages that name it were set up (the API starts after the shop's servers).
private final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port = 0

    var value: Int {
        get { lock.withLock { port } }
        set { lock.withLock { port = newValue } }
    }
}
