import Catalog
@testable import Embedding
import Foundation
import Imaging
import Service
import TestSupport
import XCTest

/// Query cleanup of shoppers' photos: finding the garment, matching the catalog's look.
final class PhotoCleanupTests: TimedTestCase {
    /// The first Fashion-MNIST test items as 28 × 28 grey pixels, with their ids.
    private func fashionItems(_ count: Int) throws -> [(id: String, pixels: [UInt8])] {
        var items: [(String, [UInt8])] = []
        for entry in try FashionMNISTSource(split: .test).items() {
            guard case .item(let item) = entry, case .grayscalePixels(_, _, let pixels) = item.image else { continue }
            items.append((item.id, pixels))
            if items.count == count { break }
        }
        return items
    }

    /// A "shopper photo" of a grey 28 × 28 item: tinted, scaled ×9 and placed off-centre on an 800 × 600
    /// colourful, textured background; returned as PNG with where the item is (fractions).
    private func shopperPhoto(_ item: [UInt8], seed: Int) throws -> (EncodedImage, left: Double, top: Double, right: Double, bottom: Double) {
        let w = 800, h = 600, scale = 9, x0 = 420 - seed * 37 % 100, y0 = 180 + seed * 23 % 80
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h { for x in 0..<w {
            let i = (y * w + x) * 3
            let wave = Int(20 * sin(Double(x) / 13) + 20 * cos(Double(y) / 17))
            pixels[i] = UInt8(clamping: 150 + wave + (x * 7 + y * 3) % 9)
            pixels[i + 1] = UInt8(clamping: 120 + wave / 2)
            pixels[i + 2] = UInt8(clamping: 90 + y / 12)
        } }
        for y in 0..<(28 * scale) { for x in 0..<(28 * scale) {
            let v = item[(y / scale) * 28 + x / scale]
            guard v > 0 else { continue }  // the item's black background is not part of it
            let i = ((y0 + y) * w + x0 + x) * 3
            pixels[i] = UInt8(Int(v) * 60 / 255); pixels[i + 1] = UInt8(Int(v) * 80 / 255); pixels[i + 2] = UInt8(Int(v) * 150 / 255)
        } }
        let png = try PNGEncoder.encode(pixels: pixels, width: w, height: h, bands: 3)
        return (EncodedImage(data: png, name: "shopper-\(seed).png"),
                Double(x0) / Double(w), Double(y0) / Double(h), Double(x0 + 28 * scale) / Double(w), Double(y0 + 28 * scale) / Double(h))
    }

    func testFashionMNISTLooksGreyOnBlackAndPhotosDoNot() throws {
        let decoder = ImageDecoder()
        let grey = try fashionItems(20).map { item in
            try decoder.decode(EncodedImage(data: PNGEncoder.encode(pixels: item.pixels, width: 28, height: 28, bands: 1), name: item.id),
                               width: 32, height: 32, fit: .stretch)
        }
        let look = CatalogLook.sample(grey)
        XCTAssertTrue(look.greyscale)
        XCTAssertEqual(look.background, [0, 0, 0])
        let photos = try ["chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg"].map { name in
            try decoder.decode(EncodedImage(contentsOf: ServiceFixtures.photos.appendingPathComponent(name)), width: 32, height: 32, fit: .stretch)
        }
        let colour = CatalogLook.sample(photos)
        XCTAssertFalse(colour.greyscale)
        XCTAssertNil(colour.background)
        XCTAssertEqual(CatalogLook.sample([]), .unknown)
    }

    func testTheItemMaskFindsTheGarmentOnABusyBackground() throws {
        let embedder = try ServiceFixtures.embedder()
        for (n, item) in try fashionItems(4).enumerated() {
            let (photo, left, top, right, bottom) = try shopperPhoto(item.pixels, seed: n)
            let small = try embedder.decodeWhole(photo, width: 128, height: 128, fit: .stretch, background: (0, 0, 0))
            let mask = try XCTUnwrap(ItemMask.find(in: small), "item \(item.id)")
            // The mask's box lies on the item's square (items do not fill their whole 28 × 28 frame).
            XCTAssertGreaterThanOrEqual(mask.box.left, left - 0.03, item.id)
            XCTAssertGreaterThanOrEqual(mask.box.top, top - 0.03, item.id)
            XCTAssertLessThanOrEqual(mask.box.right, right + 0.03, item.id)
            XCTAssertLessThanOrEqual(mask.box.bottom, bottom + 0.03, item.id)
            XCTAssertGreaterThan((mask.box.right - mask.box.left) * (mask.box.bottom - mask.box.top), 0.3 * (right - left) * (bottom - top), item.id)
        }
    }

    func testCleanupBringsAShopperPhotoCloserToItsCatalogItem() throws {
        let embedder = try ServiceFixtures.embedder()
        let look = CatalogLook(greyscale: true, background: [0, 0, 0], sampled: 1)
        var closer = 0
        let items = try fashionItems(6)
        for (n, item) in items.enumerated() {
            let catalogVector = try embedder.embed(EncodedImage(data: PNGEncoder.encode(pixels: item.pixels, width: 28, height: 28, bands: 1), name: item.id))
            let (photo, _, _, _, _) = try shopperPhoto(item.pixels, seed: n)
            let plain = try embedder.embedPhoto(photo, look: look, cleanup: .none)
            let cleaned = try embedder.embedPhoto(photo, look: look, cleanup: .standard)
            XCTAssertEqual(cleaned.count, catalogVector.count)
            XCTAssertEqual(Double(cleaned.reduce(0) { $0 + $1 * $1 }), 1, accuracy: 1e-3)
            if dot(cleaned, catalogVector) > dot(plain, catalogVector) + 0.05 { closer += 1 }
        }
        XCTAssertGreaterThanOrEqual(closer, 5, "cleanup should bring most photos clearly closer to their item")
        // Every view on its own gives a vector, and a marked region bypasses the search for the garment.
        let (photo, left, top, right, bottom) = try shopperPhoto(items[0].pixels, seed: 0)
        for views in [[PhotoCleanup.View.crop], [.item], [.salient]] {
            XCTAssertEqual(try embedder.cleanedViews(photo, look: look, cleanup: PhotoCleanup(views: views, matchGrey: true)).count, 1)
        }
        let region = try CropRegion(left: left, top: top, width: right - left, height: bottom - top)
        let marked = try embedder.cleanedViews(photo, look: look, cleanup: .standard, region: region)
        XCTAssertEqual(marked.count, 1)
        XCTAssertTrue(stride(from: 0, to: marked[0].pixels.count, by: 3).allSatisfy { marked[0].pixels[$0] == marked[0].pixels[$0 + 2] },
                      "matched to the grey catalog")
    }

    func testItemSignaturesPickTheExactItemAmongItsNeighbours() throws {
        let embedder = try ServiceFixtures.embedder()
        let look = CatalogLook(greyscale: true, background: [0, 0, 0], sampled: 1)
        let items = try fashionItems(40)
        let catalog = try items.map { item in
            try XCTUnwrap(ItemSignature.ofProduct(embedder.decode(EncodedImage(data: PNGEncoder.encode(pixels: item.pixels, width: 28, height: 28, bands: 1),
                                                                               name: item.id))), item.id)
        }
        for signature in catalog {
            XCTAssertEqual(signature.count, ItemSignature.dimension)
            XCTAssertEqual(Double(signature.reduce(0) { $0 + $1 * $1 }), 1, accuracy: 1e-3)
        }
        var found = 0
        for n in 0..<8 {
            let (photo, _, _, _, _) = try shopperPhoto(items[n].pixels, seed: n)
            let photoSignatures = try XCTUnwrap(embedder.cleanedQuery(photo, look: look, cleanup: PhotoCleanup(parsing: "item+verify")).signatures)
            XCTAssertEqual(photoSignatures.count, 7, "one per trial angle")
            let scores = catalog.map { product in photoSignatures.map { dot($0, product) }.max() ?? -1 }
            let better = scores.filter { $0 > scores[n] }.count
            if better == 0 { found += 1 }
            // By chance the item would have about 20 of the 40 above it.
            XCTAssertLessThan(better, 8, "photo of \(items[n].id): its item should match among the best fifth")
        }
        // 40 items of 10 kinds, several near-twins: the signature often names the very item (the
        // generated shopper-photo set measures how often; see README).
        XCTAssertGreaterThanOrEqual(found, 4, "the exact item should often match best")
        let flat = try embedder.cleanedQuery(EncodedImage(contentsOf: ServiceFixtures.images.appendingPathComponent("solid_rgb.png")), look: look,
                                             cleanup: PhotoCleanup(parsing: "standard+verify"))
        XCTAssertEqual(flat.signatures, [], "nothing stands out of a flat image")
        XCTAssertEqual(flat.views.count, 2)
        XCTAssertNil(try embedder.cleanedQuery(EncodedImage(contentsOf: ServiceFixtures.images.appendingPathComponent("solid_rgb.png")), look: look,
                                               cleanup: .standard).signatures)
    }

    func testVerifiedPhotoSearchRanksTheExactItemFirst() async throws {
        var (store, _, options) = try await ServiceFixtures.fashionCatalog(self)
        let embedder = try ServiceFixtures.embedder()
        let unsigned = try await SearchService(store: store, embedder: embedder)
        let items = try fashionItems(40)
        let (photo, _, _, _, _) = try shopperPhoto(items[4].pixels, seed: 4)
        var request = SearchRequest(k: 5)
        request.cleanup = try PhotoCleanup(parsing: "standard+verify")
        do {
            _ = try await unsigned.search(image: photo, request: request)
            XCTFail("verify without signatures must say what to do")
        } catch {
            XCTAssertTrue("\(error)".contains("--item-signatures"), "\(error)")
        }

        options.itemSignatures = true
        _ = try await ImportPipeline(store: store, embedder: embedder, options: options).run(source: FashionMNISTSource(split: .test))
        let service = try await SearchService(store: store, embedder: embedder)
        XCTAssertEqual(service.verification?.coverage, 40)
        let verified = try await service.search(image: photo, request: request)
        XCTAssertEqual(verified.results.first?.product.id, items[4].id)
        XCTAssertEqual(verified.results.count, 5)
        // The score adds the signature match (up to 1) to the cosine.
        XCTAssertGreaterThan(verified.results[0].score, 1.2)
        // A product added live is verified at once (its signature computed and stored); a removed one is gone.
        let copy = Product(id: "copy-of-4", title: "copy", attributes: ["articleType": verified.results[0].product.attributes["articleType"] ?? ""])
        try await service.add(copy, image: EncodedImage(data: PNGEncoder.encode(pixels: items[4].pixels, width: 28, height: 28, bands: 1), name: "copy.png"))
        XCTAssertEqual(service.verification?.coverage, 41)
        let withCopy = try await service.search(image: photo, request: request)
        XCTAssertEqual(Set(withCopy.results.prefix(2).map(\.product.id)), [items[4].id, "copy-of-4"])
        _ = try await service.remove(ids: ["copy-of-4"])
        let afterRemoval = try await service.search(image: photo, request: request)
        XCTAssertFalse(afterRemoval.results.contains { $0.product.id == "copy-of-4" })
        let storedSignatures = try await store.itemSignatures()
        XCTAssertEqual(storedSignatures.count, 40)
        request.filters = ["articleType": ["Trouser"]]
        let filtered = try await service.search(image: photo, request: request)
        XCTAssertFalse(filtered.results.isEmpty)
        XCTAssertTrue(filtered.results.allSatisfy { $0.product.attributes["articleType"] == "Trouser" })
    }

    func testCleanupNamesParse() throws {
        XCTAssertEqual(try PhotoCleanup(parsing: "none"), .none)
        XCTAssertEqual(try PhotoCleanup(parsing: "standard"), .standard)
        XCTAssertEqual(try PhotoCleanup(parsing: "item+crop").views, [.item, .crop])
        XCTAssertEqual(try PhotoCleanup(parsing: "item crop,flip").views, [.item, .crop, .flip], "a URL form turns + into a space")
        let verified = try PhotoCleanup(parsing: "standard+verify")
        XCTAssertTrue(verified.verify)
        XCTAssertEqual(verified.views, PhotoCleanup.standard.views)
        XCTAssertEqual("\(verified)", "standard+verify")
        XCTAssertEqual(try PhotoCleanup(parsing: "verify"), verified, "verify alone: on the standard cleanup")
        XCTAssertEqual(try PhotoCleanup(parsing: "item salient verify").views, [.item, .salient])
        XCTAssertFalse(try PhotoCleanup(parsing: "standard").verify)
        XCTAssertThrowsError(try PhotoCleanup(parsing: "item+sparkle"))
        XCTAssertThrowsError(try PhotoCleanup(parsing: "standard+item"))
        XCTAssertThrowsError(try PhotoCleanup(parsing: ""))
    }

    private func dot(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
}
