import Catalog
import Foundation
import TestSupport
import XCTest
@testable import Search

/// The catalog's HNSW graph on disk: built once, reopened as is, updated in place when products change.
final class HNSWCatalogFileTests: TimedTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hnsw-catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func table(ids: [String], seed: UInt64 = 9, modelKey: String = "m", dimension: Int = 32) -> VectorTable {
        let vectors = randomUnitVectors(ids.count, dimension: dimension, seed: seed)
        let attributes = ids.indices.map { ["type": $0 % 2 == 0 ? "Shirts" : "Shoes"] }
        return VectorTable(modelKey: modelKey, ids: ids, attributes: attributes, dimension: dimension, vectors: vectors)
    }

    func testBuiltOnceThenReopenedThenUpdatedInPlace() throws {
        let file = folder.appendingPathComponent("catalog.hnsw")
        let ids = (0 ..< 400).map { String(format: "p%03d", $0) }
        let first = table(ids: ids)
        var logs: [String] = []
        let built = CatalogIndex(table: first, storage: .float32, kind: .hnsw, hnswFile: file, log: { logs.append($0) })
        XCTAssertEqual(built.kind, .hnsw)
        XCTAssertEqual(built.count, 400)
        XCTAssertTrue(logs.last?.contains("built") ?? false, "\(logs)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: file.path))
        XCTAssertEqual(built.search(first.vector(at: 17), k: 1).first?.id, "p017")

        let reopened = HNSWCatalogFile.sync(table: first, at: file, storage: .float32, metric: .cosine)
        XCTAssertEqual(reopened.outcome, .upToDate)
        XCTAssertTrue(reopened.index.isMapped, "an unchanged graph is served from the mapped file")

        // p000 removed, p001's image changed (new vector), p400 and p401 new.
        var nextIDs = Array(ids.dropFirst()) + ["p400", "p401"]
        nextIDs.sort()
        var next = table(ids: nextIDs)
        let changedRow = try XCTUnwrap(nextIDs.firstIndex(of: "p001"))
        let replacement = randomUnitVectors(1, dimension: 32, seed: 77)
        next.vectors.replaceSubrange(changedRow * 32 ..< (changedRow + 1) * 32, with: replacement)
        // Rows that kept their id keep their vector: copy them from the first table.
        for (row, id) in nextIDs.enumerated() where id != "p001" {
            if let old = ids.firstIndex(of: id) {
                next.vectors.replaceSubrange(row * 32 ..< (row + 1) * 32, with: first.vector(at: old))
            }
        }
        logs.removeAll()
        let updated = CatalogIndex(table: next, storage: .float32, kind: .hnsw, hnswFile: file, log: { logs.append($0) })
        XCTAssertTrue(logs.last?.contains("3 rows added, 2 removed") ?? false, "\(logs)")
        XCTAssertEqual(updated.count, 401)
        XCTAssertFalse(updated.contains(id: "p000"))
        XCTAssertEqual(updated.search(replacement, k: 1).first?.id, "p001", "the changed product is found by its new vector")
        let newRow = try XCTUnwrap(nextIDs.firstIndex(of: "p401"))
        XCTAssertEqual(updated.search(next.vector(at: newRow), k: 1).first?.id, "p401")
        let shoes = updated.search(next.vector(at: newRow), k: 10, filters: ["type": ["Shoes"]])
        XCTAssertEqual(shoes.count, 10)
        for hit in shoes {
            let row = try XCTUnwrap(nextIDs.firstIndex(of: hit.id))
            XCTAssertEqual(next.attributes[row]["type"], "Shoes")
        }
        XCTAssertEqual(HNSWCatalogFile.sync(table: next, at: file, storage: .float32, metric: .cosine).outcome, .upToDate,
                       "the update was saved")
    }

    func testAnotherModelOrAMostlyNewCatalogRebuilds() {
        let file = folder.appendingPathComponent("catalog.hnsw")
        let ids = (0 ..< 100).map { "p\($0)" }
        _ = HNSWCatalogFile.sync(table: table(ids: ids), at: file, storage: .float16, metric: .cosine)
        guard case .rebuilt = HNSWCatalogFile.sync(table: table(ids: ids, modelKey: "other"), at: file, storage: .float16,
                                                   metric: .cosine).outcome
        else { return XCTFail("a graph of another model's vectors must be rebuilt") }
        guard case .rebuilt = HNSWCatalogFile.sync(table: table(ids: ids, seed: 3, modelKey: "other"), at: file,
                                                   storage: .float16, metric: .cosine).outcome
        else { return XCTFail("a catalog whose vectors all changed is rebuilt, not patched") }
        try? Data("not a graph".utf8).write(to: file)
        guard case .rebuilt = HNSWCatalogFile.sync(table: table(ids: ids), at: file, storage: .float16, metric: .cosine).outcome
        else { return XCTFail("a damaged file is rebuilt") }
    }

    func testSwappedSidecarRowsAreDetectedAndRebuilt() throws {
        let file = folder.appendingPathComponent("catalog.hnsw")
        let ids = (0 ..< 200).map { String(format: "p%03d", $0) }
        let catalog = table(ids: ids)
        _ = HNSWCatalogFile.sync(table: catalog, at: file, storage: .float32, metric: .cosine)
        // Swap rows 0 and 1 of the sidecar (ids and their checksums together), as an edit or bit rot might.
        let sidecarURL = HNSWCatalogFile.sidecarURL(for: file)
        var sidecar = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: sidecarURL)) as? [String: Any])
        var rowIDs = try XCTUnwrap(sidecar["ids"] as? [Any])
        var sums = try XCTUnwrap(sidecar["checksums"] as? [Any])
        rowIDs.swapAt(0, 1)
        sums.swapAt(0, 1)
        sidecar["ids"] = rowIDs
        sidecar["checksums"] = sums
        try JSONSerialization.data(withJSONObject: sidecar).write(to: sidecarURL)

        let synced = HNSWCatalogFile.sync(table: catalog, at: file, storage: .float32, metric: .cosine)
        guard case .rebuilt(let reason) = synced.outcome else { return XCTFail("served a swapped sidecar: \(synced.outcome)") }
        XCTAssertTrue(reason.contains("sidecar"), reason)
        let index = CatalogIndex(table: catalog, storage: .float32, kind: .hnsw, hnswFile: file)
        XCTAssertEqual(index.search(catalog.vector(at: 0), k: 1).first?.id, "p000", "the right product again")
        XCTAssertEqual(HNSWCatalogFile.sync(table: catalog, at: file, storage: .float32, metric: .cosine).outcome, .upToDate)
    }

    func testBytesWrittenOverTheGraphAreDetectedAndRebuilt() throws {
        let file = folder.appendingPathComponent("catalog.hnsw")
        let catalog = table(ids: (0 ..< 200).map { "p\($0)" })
        _ = HNSWCatalogFile.sync(table: catalog, at: file, storage: .float32, metric: .cosine)
        // Random bytes over the start of the vectors (4096), in place: the header and lists stay valid.
        let handle = try FileHandle(forUpdating: file)
        try handle.seek(toOffset: 4096)
        var generator = SplitMix64(seed: 5)
        try handle.write(contentsOf: Data((0 ..< 512).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }))
        try handle.close()

        guard case .rebuilt(let reason) = HNSWCatalogFile.sync(table: catalog, at: file, storage: .float32,
                                                               metric: .cosine).outcome
        else { return XCTFail("a graph with overwritten vectors was served") }
        XCTAssertTrue(reason.contains("graph file"), reason)
    }

    func testAutoPicksExactForSmallCatalogs() {
        let index = CatalogIndex(table: table(ids: ["a", "b", "c"]), kind: .auto, hnswFile: folder.appendingPathComponent("x.hnsw"))
        XCTAssertEqual(index.kind, .exact)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.hnsw").path))
    }
}
