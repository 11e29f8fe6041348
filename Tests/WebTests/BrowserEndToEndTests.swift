import Foundation
import Logging
import Service
import ServiceLifecycle
import Web
import TestSupport
import XCTest

/// The real page in headless Chromium (through chromedriver, W3C WebDriver over HTTP): upload a
/// photo, see 5 results, filter, "more like this", open a product page, crop and search, on a
/// desktop and a phone-sized window. Screenshots are kept in artifacts/e2e/.
final class BrowserEndToEndTests: TimedTestCase {
    /// 10 minutes: the journey drives headless Chromium through dozens of page loads on two window sizes,
    /// each step with its own 20-60 s wait, and a browser's cold start on a busy machine is slow.
    override class var timeLimit: TimeInterval { 600 }

    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"
    static let artifacts = WebFixtures.root.appendingPathComponent("artifacts/e2e")

    func testShopperJourney() async throws {
        for tool in [Self.chromium, Self.chromedriver] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("\(tool) is not installed (apt-get install chromium chromium-driver); the browser test needs it")
        }
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        let service = try await WebFixtures.fashionCatalog()
        let work = try WebFixtures.temporaryFolder(self)

        // The server, in process, on a free loopback port; stopped gracefully (what is in flight finishes).
        try await LiveServer.run({ $0.shopName = "Lookalike Demo Shop" }) { port in
            try await drive(site: "http://127.0.0.1:\(port)", service: service, work: work)
        }
    }

    /// Starts chromedriver and a browser session, runs the journey, and always cleans up.
    private func drive(site: String, service: SearchService, work: URL) async throws {
        // chromedriver on another free port, always stopped at the end.
        let driverPort = try freeLoopbackPort()
        let chromedriver = try ChildProcess(Self.chromedriver, ["--port=\(driverPort)", "--allowed-ips=127.0.0.1"],
                                            log: Self.artifacts.appendingPathComponent("chromedriver.log"))
        defer { chromedriver.stop() }
        let browser = WebDriver(port: driverPort)
        try await browser.waitUntilReady(timeout: 20)
        try await browser.startSession(chromium: Self.chromium, width: 1280, height: 1200,
                                       profile: work.appendingPathComponent("chromium-profile"))
        do {
            try await journey(browser, site: site, service: service)
            await browser.endSession()
        } catch {
            if let shot = try? await browser.screenshot() { try? shot.write(to: Self.artifacts.appendingPathComponent("failure.png")) }
            await browser.endSession()
            throw error
        }
    }

    private func journey(_ browser: WebDriver, site: String, service: SearchService) async throws {
        let bootProduct = try await service.store.product(id: "test-0")
        let boot = try XCTUnwrap(bootProduct?.imagePath)   // an ankle boot
        let photo = WebFixtures.photos.appendingPathComponent("astronaut.png").path
        let notAnImage = WebFixtures.images.appendingPathComponent("not_an_image.jpg").path

        // 1. The page: drop zone, filters from the catalog.
        try await browser.navigate(site + "/")
        let title = try await browser.title()
        XCTAssertTrue(title.contains("Search by photo"), title)
        try await browser.waitFor("document.querySelectorAll('#filters input[name=articleType]').length === 10", "facet filters")
        try await shot(browser, "01-home-desktop")

        // 2. Upload a photo: 5 results, the product itself first.
        try await browser.sendKeys("#file-input", boot)
        try await browser.waitFor("document.querySelector('#results').dataset.count === '5'", "5 results")
        let titles = try await browser.script("return [...document.querySelectorAll('#results .card-title a')].map(a => a.textContent);") as? [String]
        XCTAssertEqual(titles?.count, 5)
        XCTAssertTrue(titles?.first?.hasPrefix("Ankle boot") ?? false, "\(titles ?? [])")
        let alts = try await browser.script("return [...document.querySelectorAll('#results img')].map(i => i.alt);") as? [String]
        XCTAssertEqual(alts, titles, "thumbnails have alt texts")
        try await browser.waitFor("[...document.querySelectorAll('#results img')].every(i => i.complete && i.naturalWidth > 0)", "thumbnails loaded")
        try await shot(browser, "02-results")

        // 3. "Show more".
        try await browser.click("#show-more")
        try await browser.waitFor("document.querySelector('#results').dataset.count === '20'", "20 results after show more")

        // 4. A filter, applied without reloading the page.
        try await browser.script("window.__samePage = true;")
        try await browser.click("#filters input[value='Sneaker']")
        try await browser.waitFor("""
            document.querySelector('#results').getAttribute('aria-busy') === 'false' &&
            document.querySelectorAll('#results .card').length === 5 &&
            [...document.querySelectorAll('#results .card-meta')].every(m => m.textContent.includes('Sneaker'))
            """, "only sneakers")
        let samePage = try await browser.script("return window.__samePage === true;") as? Bool
        XCTAssertEqual(samePage, true, "no page reload")
        try await shot(browser, "03-filtered")
        try await browser.click("#clear-filters")
        try await browser.waitFor("![...document.querySelectorAll('#results .card-meta')].every(m => m.textContent.includes('Sneaker'))", "filters cleared")

        // 4b. "Why it matched": a heat map over every result card, gone again when switched off.
        try await browser.click("#explain")
        try await browser.waitFor("""
            document.querySelector('#results').getAttribute('aria-busy') === 'false' &&
            document.querySelectorAll('#results .card').length > 0 &&
            document.querySelectorAll('#results canvas.heatmap').length === document.querySelectorAll('#results .card').length
            """, "heat maps on every card")
        let overlay = try await browser.script("""
            const c = document.querySelector('#results canvas.heatmap'), i = c.parentElement.querySelector('img');
            const a = c.getBoundingClientRect(), b = i.getBoundingClientRect();
            return [a.width > 10, a.left >= b.left - 1, a.right <= b.right + 1, a.top >= b.top - 1, a.bottom <= b.bottom + 1];
            """) as? [Bool]
        XCTAssertEqual(overlay, [true, true, true, true, true], "the heat map lies on its image")
        try await shot(browser, "03b-why-it-matched")
        try await browser.click("#explain")
        try await browser.waitFor("document.querySelector('#results').getAttribute('aria-busy') === 'false' && document.querySelectorAll('#results canvas.heatmap').length === 0", "heat maps off")

        // 5. "More like this" on the second card.
        let second = try await browser.script("return document.querySelectorAll('#results .more-like')[1].dataset.id;") as? String
        try await browser.script("document.querySelectorAll('#results .more-like')[1].click();")
        try await browser.waitFor("document.querySelector('#results').dataset.mode === 'similar' && document.querySelector('#results').dataset.count === '5'", "similar items")
        let url = try await browser.currentURL()
        XCTAssertTrue(url.contains("like=\(second ?? "?")"), url)
        let similarIDs = try await browser.script("return [...document.querySelectorAll('#results .more-like')].map(b => b.dataset.id);") as? [String]
        XCTAssertFalse(similarIDs?.contains(second ?? "") ?? true, "the product is not its own neighbour")
        try await shot(browser, "04-more-like-this")

        // 6. A product page with its neighbours.
        try await browser.click("#results .card-title a")
        try await browser.waitFor("document.querySelector('#product-title') !== null", "product page")
        try await browser.waitFor("document.querySelectorAll('.neighbours .card').length === 10", "neighbours")
        try await browser.waitFor("[...document.querySelectorAll('img')].every(i => i.complete && i.naturalWidth > 0)", "product images loaded")
        try await shot(browser, "05-product-page")

        // 7. Crop and search.
        try await browser.navigate(site + "/")
        try await browser.sendKeys("#file-input", photo)
        try await browser.waitFor("document.querySelector('#results').dataset.count === '5' && document.querySelector('#results').dataset.crop === 'no'", "whole-photo results")
        let before = try await browser.script("return [...document.querySelectorAll('#results .more-like')].map(b => b.dataset.id).join();") as? String
        let size = try await browser.script("const r = document.querySelector('#preview-image').getBoundingClientRect(); return [r.width, r.height];") as? [Double] ?? [200, 200]
        let (w, h) = (Int(size[0]), Int(size[1]))
        try await browser.drag(on: "#preview-image", from: (-w / 2 + 6, h / 10), to: (-w / 10, h / 2 - 6))
        try await browser.waitFor("document.querySelector('#results').dataset.crop === 'yes' && document.querySelector('#results').getAttribute('aria-busy') === 'false' && document.querySelector('#results').dataset.count === '5'", "cropped results")
        let cropHidden = try await browser.script("return document.querySelector('#crop-box').hidden;") as? Bool
        XCTAssertEqual(cropHidden, false, "the crop is drawn")
        let after = try await browser.script("return [...document.querySelectorAll('#results .more-like')].map(b => b.dataset.id).join();") as? String
        XCTAssertNotEqual(before, after, "a cropped search gives other results")
        let status = try await browser.script("return document.querySelector('#status').textContent;") as? String ?? ""
        XCTAssertTrue(status.contains("part you marked"), status)
        try await shot(browser, "06-crop")

        // 8. A clear message for a file that is not an image.
        try await browser.click("#new-photo")
        try await browser.sendKeys("#file-input", notAnImage)
        try await browser.waitFor("!document.querySelector('#error').hidden", "an error message")
        let message = try await browser.script("return document.querySelector('#error').textContent;") as? String ?? ""
        XCTAssertTrue(message.contains("not_an_image.jpg is not an image"), message)
        let backToPicker = try await browser.script("return !document.querySelector('#dropzone').hidden;") as? Bool
        XCTAssertEqual(backToPicker, true, "after a bad file the shopper can pick another at once")
        try await shot(browser, "07-error")

        // 9. A phone-sized window.
        try await browser.setWindow(width: 390, height: 844)
        try await browser.navigate(site + "/")
        try await browser.sendKeys("#file-input", boot)
        try await browser.waitFor("document.querySelector('#results').dataset.count === '5'", "phone results")
        try await browser.waitFor("[...document.querySelectorAll('#results img')].every(i => i.complete && i.naturalWidth > 0)", "thumbnails loaded")
        let overflow = try await browser.script("return document.documentElement.scrollWidth > window.innerWidth + 1;") as? Bool
        XCTAssertEqual(overflow, false, "no sideways scrolling on a phone")
        try await shot(browser, "08-phone-search")
        try await browser.script("window.scrollTo(0, document.querySelector('#results').getBoundingClientRect().top + window.scrollY - 70);")
        try await shot(browser, "09-phone-results")
        try await browser.navigate(site + "/products/test-0")
        try await browser.waitFor("[...document.querySelectorAll('img')].every(i => i.complete && i.naturalWidth > 0)", "phone product page")
        try await shot(browser, "10-phone-product")
        try await browser.setWindow(width: 1280, height: 1200)
    }

    private func shot(_ browser: WebDriver, _ name: String) async throws {
        try await Task.sleep(for: .milliseconds(200))  // let transitions settle
        try await browser.screenshot().write(to: Self.artifacts.appendingPathComponent(name + ".png"))
    }
}

/// Runs `body`, failing if it takes longer than `seconds`.
func withTimeout<T: Sendable>(seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T?) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw WebDriver.Failure(description: "timed out after \(Int(seconds)) s waiting for \(what)")
        }
        return value
    }
}
