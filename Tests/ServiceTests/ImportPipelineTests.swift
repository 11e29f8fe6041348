import Catalog
import Embedding
import Foundation
import Imaging
import Search
import Service
import TestSupport
import XCTest

/// Imports are incremental, report bad items without stopping, prune on request, and resume.
final class ImportPipelineTests: TimedTestCase {
    func makeCatalog() throws -> (folder: URL, store: SQLiteCatalogStore, pipeline: (Bool) throws -> ImportPipeline) {
        let work = try ServiceFixtures.temporaryFolder(self)
        let folder = work.appendingPathComponent("catalog")
        try ServiceFixtures.copy([
            ("chelsea.png", "cats/chelsea.png"), ("coffee.png", "coffee.png"), ("astronaut.png", "people/astronaut.png"),
            ("not_an_image.jpg", "broken/page.jpg"), ("truncated.jpg", "broken/cut.jpg"), ("empty.jpg", "broken/empty.jpg"),
        ], into: folder)
        let store = try SQLiteCatalogStore(path: work.appendingPathComponent("catalog.db").path)
        let embedder = try ServiceFixtures.embedder()
        return (folder, store, { prune in
            var options = ImportOptions()
            options.prune = prune
            options.batchSize = 2
            return ImportPipeline(store: store, embedder: embedder, options: options)
        })
    }

    func testFolderImportIsIncrementalAndReportsBadFiles() async throws {
        let (folder, store, pipeline) = try makeCatalog()
        let first = try await pipeline(false).run(source: FolderSource(root: folder))
        XCTAssertEqual(first.indexed, 3)
        XCTAssertEqual(first.failed, 3)
        XCTAssertFalse(first.interrupted)
        let ids = try await store.allProductIDs()
        XCTAssertEqual(ids, ["cats/chelsea", "coffee", "people/astronaut"])
        let failures = try await store.failures(runID: first.runID)
        XCTAssertEqual(Set(failures.map(\.item)), ["broken/page", "broken/cut", "broken/empty"])
        XCTAssertTrue(failures.contains { $0.item == "broken/page" && $0.reason.contains("is not an image") }, "\(failures)")
        XCTAssertTrue(failures.contains { $0.item == "broken/empty" && $0.reason.contains("empty") }, "\(failures)")

        let again = try await pipeline(false).run(source: FolderSource(root: folder))
        XCTAssertEqual(again.indexed, 0)
        XCTAssertEqual(again.unchanged, 3)

        // A changed image is re-embedded; its vector changes with it.
        let embedder = try ServiceFixtures.embedder()
        let before = try await store.loadVectors(modelKey: embedder.modelKey)
        try ServiceFixtures.copy([("rocket.jpg", "coffee.png")], into: folder)
        let changed = try await pipeline(false).run(source: FolderSource(root: folder))
        XCTAssertEqual(changed.indexed, 1)
        XCTAssertEqual(changed.unchanged, 2)
        let after = try await store.loadVectors(modelKey: embedder.modelKey)
        let row = try XCTUnwrap(after.ids.firstIndex(of: "coffee"))
        XCTAssertNotEqual(Array(before.vector(at: row)), Array(after.vector(at: row)))
        XCTAssertEqual(after.count, 3, "re-embedding replaces, never duplicates")
    }

    func testTheFirstOfTwoItemsWithOneIdWinsAndTheSecondIsNamed() async throws {
        let (folder, store, pipeline) = try makeCatalog()
        // Line 3 and line 5 share an id; line 3's image must win however the decoders race.
        let manifest = folder.appendingPathComponent("products.csv")
        try Data(("id,image,title\n" + "a,coffee.png,Coffee\n" + "twin,cats/chelsea.png,First twin\n"
            + "b,people/astronaut.png,Astronaut\n" + "twin,coffee.png,Second twin\n").utf8).write(to: manifest)
        for _ in 0 ..< 3 {
            let summary = try await pipeline(false).run(source: try ManifestSource(file: manifest))
            let failures = try await store.failures(runID: summary.runID)
            let product = try await store.product(id: "twin")
            XCTAssertEqual(product?.title, "First twin")
            XCTAssertEqual(failures.count, 1, "\(failures)")
            XCTAssertEqual(failures.first?.item, "products.csv line 5 (id twin)")
            XCTAssertTrue(failures.first?.reason.contains("products.csv line 3 has the same id") ?? false, "\(failures)")
        }
    }

    func testPruneRemovesVanishedProductsOnlyWhenAsked() async throws {
        let (folder, store, pipeline) = try makeCatalog()
        _ = try await pipeline(false).run(source: FolderSource(root: folder))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("coffee.png"))
        let kept = try await pipeline(false).run(source: FolderSource(root: folder))
        XCTAssertEqual(kept.removed, 0)
        let countKept = try await store.count()
        XCTAssertEqual(countKept, 3)
        let pruned = try await pipeline(true).run(source: FolderSource(root: folder))
        XCTAssertEqual(pruned.removed, 1)
        let ids = try await store.allProductIDs()
        XCTAssertEqual(ids, ["cats/chelsea", "people/astronaut"])
    }

    func testMirroredCatalogStoresMirrorAveragedVectorsUnderItsOwnKey() async throws {
        let (folder, store, pipeline) = try makeCatalog()
        _ = try await pipeline(false).run(source: FolderSource(root: folder))
        let plain = try ServiceFixtures.embedder()
        var options = plain.options
        options.mirrorCatalog = true
        let mirroring = try Embedder(directory: plain.directory, options: options)
        XCTAssertTrue(mirroring.modelKey.contains("~mirror@"), mirroring.modelKey)
        XCTAssertNotEqual(mirroring.modelKey, plain.modelKey)

        // Another vector space: every product is embedded again, the plain vectors stay.
        let run = try await ImportPipeline(store: store, embedder: mirroring).run(source: FolderSource(root: folder))
        XCTAssertEqual(run.indexed, 3)
        let mirrored = try await store.loadVectors(modelKey: mirroring.modelKey)
        let plainTable = try await store.loadVectors(modelKey: plain.modelKey)
        XCTAssertEqual(mirrored.count, 3)
        XCTAssertEqual(plainTable.count, 3)

        func cosine(_ a: [Float], _ b: [Float]) -> Double { Double(zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }) } // unit vectors
        // The stored vector is the normalised mean of the image's and its mirror image's vectors.
        let image = try plain.decode(EncodedImage(contentsOf: folder.appendingPathComponent("cats/chelsea.png")))
        let expected = plain.meanVector(of: [try plain.embed([image])[0], try plain.embed([image.mirrored()])[0]])
        let stored = Array(mirrored.vector(at: try XCTUnwrap(mirrored.ids.firstIndex(of: "cats/chelsea"))))
        let unmirrored = Array(plainTable.vector(at: try XCTUnwrap(plainTable.ids.firstIndex(of: "cats/chelsea"))))
        XCTAssertGreaterThan(cosine(stored, expected), 0.9999)
        XCTAssertLessThan(cosine(stored, unmirrored), 0.999, "the cat is not symmetric: mirroring must change its vector")
        XCTAssertEqual(Double(stored.reduce(0) { $0 + $1 * $1 }), 1, accuracy: 1e-4)
    }

    func testItemSignaturesAreStoredBesideTheVectorsAndAddedToAnExistingCatalog() async throws {
        let (folder, store, pipeline) = try makeCatalog()
        _ = try await pipeline(false).run(source: FolderSource(root: folder))
        let none = try await store.itemSignatures()
        XCTAssertEqual(none.count, 0)
        var options = ImportOptions()
        options.itemSignatures = true
        let embedder = try ServiceFixtures.embedder()
        // The products are unchanged but lack signatures: they are processed again, once.
        let signed = try await ImportPipeline(store: store, embedder: embedder, options: options).run(source: FolderSource(root: folder))
        XCTAssertEqual(signed.indexed, 3)
        let signatures = try await store.itemSignatures()
        XCTAssertEqual(signatures.map(\.productID), ["cats/chelsea", "coffee", "people/astronaut"])
        XCTAssertTrue(signatures.allSatisfy { $0.values.count == ItemSignature.dimension })
        let stats = try await store.stats()
        XCTAssertEqual(Set(stats.vectorsByModelKey.keys), [embedder.modelKey], "signatures are not vectors of a model")
        // From the whole image at its own aspect, not the model's crop.
        let expected = try XCTUnwrap(embedder.productSignature(EncodedImage(contentsOf: folder.appendingPathComponent("coffee.png"))))
        let stored = signatures[1].values
        XCTAssertGreaterThan(zip(stored, expected).reduce(0) { $0 + $1.0 * $1.1 }, 0.999)
        let again = try await ImportPipeline(store: store, embedder: embedder, options: options).run(source: FolderSource(root: folder))
        XCTAssertEqual(again.unchanged, 3)

        // An image changed and re-indexed without signatures: its old signature is stale and left out of verification.
        let table = try await store.loadVectors(modelKey: embedder.modelKey)
        let before = try await ItemVerification.load(store: store, catalog: table)
        XCTAssertEqual(before?.coverage, 3)
        try ServiceFixtures.copy([("rocket.jpg", "coffee.png")], into: folder)
        _ = try await ImportPipeline(store: store, embedder: embedder).run(source: FolderSource(root: folder))
        let after = try await ItemVerification.load(store: store, catalog: try await store.loadVectors(modelKey: embedder.modelKey))
        XCTAssertEqual(after?.coverage, 2)
    }

    func testFashionMNISTItemsAreWrittenAsPNGs() async throws {
        let (store, summary, _) = try await ServiceFixtures.fashionCatalog(self)
        XCTAssertEqual(summary.indexed, 40)
        let product = try await store.product(id: "test-0")
        let item = try XCTUnwrap(product)
        XCTAssertEqual(item.attributes["articleType"], "Ankle boot")
        let path = try XCTUnwrap(item.imagePath)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(4), Data([0x89, 0x50, 0x4E, 0x47]))
    }

    func testStoppedImportResumesWithoutDuplicates() async throws {
        let work = try ServiceFixtures.temporaryFolder(self)
        let store = try SQLiteCatalogStore(path: work.appendingPathComponent("r.db").path)
        let embedder = try ServiceFixtures.embedder()
        var options = ImportOptions()
        options.limit = 300
        options.batchSize = 16
        let stop = StopFlag()
        final class StopSoon: ImportProgress, @unchecked Sendable {
            let stop: StopFlag
            init(_ stop: StopFlag) { self.stop = stop }
            func update(done: Int, total: Int?, summary: ImportSummary) { if summary.indexed >= 32 { stop.stop() } }
        }
        let first = try await ImportPipeline(store: store, embedder: embedder, options: options)
            .run(source: FashionMNISTSource(split: .train), progress: StopSoon(stop), stop: stop)
        XCTAssertTrue(first.interrupted)
        XCTAssertLessThan(first.indexed, 300)
        let runs = try await store.lastImportRuns(limit: 1)
        XCTAssertEqual(runs.first?.status, .interrupted)

        let second = try await ImportPipeline(store: store, embedder: embedder, options: options)
            .run(source: FashionMNISTSource(split: .train))
        XCTAssertFalse(second.interrupted)
        XCTAssertEqual(first.indexed + second.indexed, 300)
        XCTAssertEqual(second.unchanged, first.indexed)
        let table = try await store.loadVectors(modelKey: embedder.modelKey)
        XCTAssertEqual(table.count, 300)
        XCTAssertEqual(Set(table.ids).count, 300)
        XCTAssertEqual(Set(table.ids), Set((0..<300).map { "train-\($0)" }))
    }

    func testSlowStoringNeverStarvesTheThreadPool() async throws {
        // A tiny channel and one-item batches make storing the bottleneck; decoding must then wait
        // (bounded threads) rather than block hundreds of pool threads and deadlock the store.
        let work = try ServiceFixtures.temporaryFolder(self)
        let store = try SQLiteCatalogStore(path: work.appendingPathComponent("slow.db").path)
        var options = ImportOptions()
        options.limit = 600
        options.batchSize = 1
        options.maxInFlight = 2
        let pipeline = ImportPipeline(store: store, embedder: try ServiceFixtures.embedder(), options: options)
        final class Finished: @unchecked Sendable { var value = false }
        let finished = Finished()
        let task = Task { () throws -> ImportSummary in
            defer { finished.value = true }
            return try await pipeline.run(source: FashionMNISTSource(split: .test))
        }
        let deadline = Date().addingTimeInterval(600)
        while !finished.value {
            if Date() > deadline { return XCTFail("the import hung (thread pool starved)") }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        let done = try await task.value
        XCTAssertEqual(done.indexed, 600)
    }
}
