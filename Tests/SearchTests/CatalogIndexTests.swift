import Catalog
import TestSupport
import XCTest
@testable import Search

final class CatalogIndexTests: TimedTestCase {
    private func table(_ count: Int, dimension: Int = 64) -> VectorTable {
        let vectors = randomUnitVectors(count, dimension: dimension, seed: 5)
        let ids = (0 ..< count).map { "p\($0)" }
        let attributes = (0 ..< count).map { ["type": $0 % 2 == 0 ? "Shirts" : "Shoes", "colour": ["Red", "Blue", "Green"][$0 % 3]] }
        return VectorTable(modelKey: "m", ids: ids, attributes: attributes, dimension: dimension, vectors: vectors)
    }

    func testSearchFiltersAndExcluding() {
        let source = table(300)
        for storage in VectorStorage.allCases {
            let index = CatalogIndex(table: source, storage: storage)
            XCTAssertEqual(index.count, 300)
            XCTAssertEqual(index.dimension, 64)
            let query = Array(source.vector(at: 42))
            let top = index.search(query, k: 5)
            XCTAssertEqual(top.first?.id, "p42", "\(storage)")
            XCTAssertEqual(Double(top.first?.score ?? 0), 1, accuracy: 0.01)
            let others = index.search(query, k: 5, excluding: ["p42"])
            XCTAssertEqual(others.count, 5)
            XCTAssertFalse(others.contains { $0.id == "p42" })
            XCTAssertEqual(others.map(\.id), Array(top.map(\.id).dropFirst()) + [others[4].id])
            let filtered = index.search(query, k: 20, filters: ["type": ["Shoes"], "colour": ["Red", "Green"]])
            XCTAssertEqual(filtered.count, 20)
            for hit in filtered {
                let row = Int(hit.id.dropFirst()) ?? -1
                XCTAssertTrue(row % 2 == 1 && row % 3 != 1, "\(hit.id) does not match the filter")
            }
            XCTAssertTrue(index.search(query, k: 5, filters: ["type": ["Hats"]]).isEmpty)
        }
    }

    func testLiveAddReplaceAndRemove() {
        var index = CatalogIndex(table: table(100), storage: .float16)
        var fresh = [Float](repeating: 0, count: 64)
        fresh[3] = 1
        index.add(id: "new", attributes: ["type": "Hats"], vector: fresh)
        XCTAssertEqual(index.count, 101)
        XCTAssertEqual(index.search(fresh, k: 1).first?.id, "new")
        XCTAssertEqual(index.search(fresh, k: 1, filters: ["type": ["Hats"]]).map(\.id), ["new"])
        XCTAssertEqual(index.vector(for: "new")?[3], 1)

        // Replacing keeps one entry and moves it.
        var moved = [Float](repeating: 0, count: 64)
        moved[7] = 1
        index.add(id: "new", attributes: ["type": "Caps"], vector: moved)
        XCTAssertEqual(index.count, 101)
        XCTAssertEqual(index.search(moved, k: 1).first?.id, "new")
        XCTAssertTrue(index.search(fresh, k: 5, filters: ["type": ["Hats"]]).isEmpty, "old attributes are gone")
        XCTAssertEqual(index.search(fresh, k: 101).filter { $0.id == "new" }.count, 1, "no duplicate")

        XCTAssertTrue(index.remove(id: "new"))
        XCTAssertFalse(index.remove(id: "new"))
        XCTAssertFalse(index.contains(id: "new"))
        XCTAssertNil(index.vector(for: "new"))
        XCTAssertFalse(index.search(moved, k: 100).contains { $0.id == "new" })
        XCTAssertEqual(index.count, 100)
    }

    func testCompactionKeepsIDsAndFiltersRight() {
        let source = table(2000)
        var index = CatalogIndex(table: source, storage: .float32)
        for row in 0 ..< 1200 where row % 2 == 0 { index.remove(id: "p\(row)") }  // 600 removals: past 25 %
        XCTAssertEqual(index.count, 1400)
        XCTAssertLessThan(index.vectors?.rowCount ?? 0, 2000, "compacted")
        for row in [1, 1201, 1999] {
            let query = Array(source.vector(at: row))
            XCTAssertEqual(index.search(query, k: 1).first?.id, "p\(row)")
            XCTAssertEqual(index.search(query, k: 1, filters: ["type": ["Shoes"]]).first?.id, "p\(row)")
        }
        XCTAssertEqual(index.search(Array(source.vector(at: 2)), k: 1, filters: ["type": ["Shirts"]]).first.map { Int($0.id.dropFirst()) ?? 0 }.map { $0 >= 1200 }, true)
        XCTAssertNil(index.vector(for: "p0"))
        XCTAssertNotNil(index.vector(for: "p1"))
    }

    func testEmptyTableGrowsOnFirstAdd() {
        var index = CatalogIndex(table: VectorTable(modelKey: "m", ids: [], attributes: [], dimension: 0, vectors: []))
        XCTAssertEqual(index.count, 0)
        XCTAssertTrue(index.search([1, 0], k: 3).isEmpty)
        index.add(id: "a", attributes: [:], vector: [0.6, 0.8])
        XCTAssertEqual(index.dimension, 2)
        XCTAssertEqual(index.search([0.6, 0.8], k: 3).map(\.id), ["a"])
    }
}
