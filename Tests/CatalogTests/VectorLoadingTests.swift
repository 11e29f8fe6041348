@testable import Catalog
import Foundation
import GRDB
import TestSupport
import XCTest

final class VectorLoadingTests: TimedTestCase {
    func testDamagedVectorBlobIsReported() async throws {
        let (store, _) = try makeStore()
        try await store.upsert([(product("a"), [1, 2, 3])], modelKey: "m")
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE vectors SET vector = x'0000' WHERE product_id = 'a'")
        }
        do {
            _ = try await store.loadVectors(modelKey: "m")
            XCTFail("a short blob must be reported")
        } catch let error as CatalogStoreError {
            XCTAssertEqual(error, .corruptVector(id: "a", modelKey: "m", expectedBytes: 6, foundBytes: 2))
        }
    }

    /// 60k × 1280 (the Kaggle catalog's size with a 1280-dimensional model) must load in well under a few
    /// seconds. Rows are inserted with SQL here (upserting 77M values one by one is slow in a debug build).
    func testLoadingSixtyThousandVectorsIsFast() async throws {
        let (store, _) = try makeStore()
        let dimension = 1280, total = 60_000
        let template = Float16Codec.encode((0 ..< dimension).map { Float($0 % 97) / 1000 - 0.05 })
        try await store.pool.write { db in
            try db.execute(sql: """
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
                INSERT INTO products (id, title, created_at, updated_at) SELECT CAST(i AS TEXT), 't', ?, ? FROM n;
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
                INSERT INTO product_attributes SELECT CAST(i AS TEXT), 'articleType', 't' || (i % 40) FROM n;
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
                INSERT INTO vectors (product_id, model_key, dimension, vector) SELECT CAST(i AS TEXT), 'm', ?, ? FROM n;
                """, arguments: [total, Date(), Date(), total, total, dimension, template])
            for index in [0, 12345, total - 1] {  // a few rows with a distinct 1.0, to catch mixed-up rows
                var blob = template
                blob[(index % dimension) * 2] = 0x00
                blob[(index % dimension) * 2 + 1] = 0x3c
                try db.execute(sql: "UPDATE vectors SET vector = ? WHERE product_id = ?", arguments: [blob, String(index)])
            }
        }
        let started = Date()
        let table = try await store.loadVectors(modelKey: "m")
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(table.count, total)
        XCTAssertEqual(table.vectors.count, total * dimension)
        XCTAssertEqual(table.ids, table.ids.sorted(), "rows are sorted by id")
        for id in [0, 12345, total - 1] {
            let vector = table.vector(at: try XCTUnwrap(table.ids.firstIndex(of: String(id))))
            XCTAssertEqual(vector[id % dimension], 1, "row \(id)")
        }
        let row = try XCTUnwrap(table.ids.firstIndex(of: "12345"))
        let vector = table.vector(at: row)
        XCTAssertEqual(vector[(12345 + 1) % dimension], Float(((12345 + 1) % dimension) % 97) / 1000 - 0.05, accuracy: 1e-4)
        XCTAssertEqual(table.attributes[row], ["articleType": "t\(12345 % 40)"])
        #if DEBUG
        let limit = 30.0  // unoptimised code on a possibly busy machine; release builds take a fraction of a second
        #else
        let limit = 2.0
        #endif
        XCTAssertLessThan(seconds, limit, "loadVectors took \(seconds) s")
        print("loadVectors: \(total) × \(dimension) in \(String(format: "%.2f", seconds)) s")
    }
}
