import Foundation
import TestSupport
import XCTest
@testable import Search

final class HNSWPersistenceTests: TimedTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hnsw-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func built(storage: VectorStorage = .float32, metric: VectorMetric = .cosine) -> (HNSWIndex, HNSWFixture) {
        let fixture = HNSWFixture(rows: 3000, dimension: 100, queries: 30, seed: 4)
        var index = HNSWIndex(dimension: 100, storage: storage, metric: metric, vectors: fixture.vectors)
        index.parameters.repairFraction = 10
        index.remove(rows: [3, 50, 2999])
        return (index, fixture)
    }

    func testWriteThenOpenGivesIdenticalResults() throws {
        for (storage, metric) in [(VectorStorage.float32, VectorMetric.cosine), (.float16, .euclidean)] {
            let (index, fixture) = built(storage: storage, metric: metric)
            let url = directory.appendingPathComponent("catalog-\(storage).hnsw")
            try index.write(to: url)
            let opened = try HNSWIndex.open(url)
            XCTAssertTrue(opened.isMapped)
            XCTAssertEqual(opened.count, index.count)
            XCTAssertEqual(opened.rowCount, index.rowCount)
            XCTAssertEqual(opened.storage, storage)
            XCTAssertEqual(opened.metric, metric)
            XCTAssertEqual(opened.maxLevel, index.maxLevel)
            XCTAssertEqual(opened.memoryBytes, index.memoryBytes)
            XCTAssertEqual(opened.search(batch: fixture.queries, k: 10, filter: nil),
                           index.search(batch: fixture.queries, k: 10, filter: nil))
            let filter = RowFilter(allowing: 0 ..< 40, rowCount: 3000)
            XCTAssertEqual(opened.search(fixture.query(0), k: 10, filter: filter),
                           index.search(fixture.query(0), k: 10, filter: filter))
            XCTAssertFalse(opened.contains(row: 50))
            XCTAssertEqual(opened.vector(at: 7), index.vector(at: 7))
        }
    }

    func testOpenedIndexCanChangeAndBeWrittenAgain() throws {
        let (index, fixture) = built()
        let url = directory.appendingPathComponent("catalog.hnsw")
        try index.write(to: url)
        var opened = try HNSWIndex.open(url)
        opened.remove(rows: [10])
        let row = opened.add(fixture.query(0))[0]
        XCTAssertEqual(row, 3000)
        XCTAssertFalse(opened.isMapped, "adds copy the vectors into owned memory")
        XCTAssertEqual(opened.search(fixture.query(0), k: 1, filter: nil).first?.row, row)
        // Writing over the file that is mapped is safe (rename), and the reopened file has the changes.
        try opened.write(to: url)
        let again = try HNSWIndex.open(url)
        XCTAssertEqual(again.count, index.count)  // one removed, one added
        XCTAssertFalse(again.contains(row: 10))
        XCTAssertEqual(again.search(fixture.query(0), k: 1, filter: nil).first?.row, row)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains("tmp") }
        XCTAssertEqual(leftovers, [], "no temporary file left behind")
    }

    func testRemovalOnAMappedIndexLeavesTheFileUntouched() throws {
        let (index, fixture) = built()
        let url = directory.appendingPathComponent("catalog.hnsw")
        try index.write(to: url)
        let before = try Data(contentsOf: url)
        var opened = try HNSWIndex.open(url)
        let top = opened.search(fixture.query(1), k: 1, filter: nil)[0].row
        opened.remove(rows: [top])
        XCTAssertNotEqual(opened.search(fixture.query(1), k: 1, filter: nil).first?.row, top)
        XCTAssertEqual(try Data(contentsOf: url), before)
        XCTAssertEqual(try HNSWIndex.open(url).search(fixture.query(1), k: 1, filter: nil).first?.row, top)
    }

    func testTruncatedFileIsAnError() throws {
        let (index, _) = built()
        let url = directory.appendingPathComponent("catalog.hnsw")
        try index.write(to: url)
        let data = try Data(contentsOf: url)
        for length in [0, 100, 300, data.count / 2, data.count - 1] {
            try data.prefix(length).write(to: url)
            XCTAssertThrowsError(try HNSWIndex.open(url), "length \(length)") { error in
                guard case .truncated = error as? HNSWFileError else { return XCTFail("\(length): \(error)") }
                XCTAssertTrue("\(error)".contains("truncated"))
            }
        }
    }

    func testWrongMagicVersionAndChecksumAreErrors() throws {
        let (index, _) = built()
        let url = directory.appendingPathComponent("catalog.hnsw")
        try index.write(to: url)
        let data = try Data(contentsOf: url)

        var html = data
        html.replaceSubrange(0 ..< 8, with: Array("<html>\n ".utf8))
        try html.write(to: url)
        XCTAssertThrowsError(try HNSWIndex.open(url)) { error in
            XCTAssertEqual(error as? HNSWFileError, .notAnIndex(path: url.path, found: "'<html>. '"))
            XCTAssertTrue("\(error)".contains("is not an HNSW index"))
        }

        var newer = data
        newer[8] = 9
        try newer.write(to: url)
        XCTAssertThrowsError(try HNSWIndex.open(url)) { error in
            XCTAssertEqual(error as? HNSWFileError, .unsupportedVersion(path: url.path, found: 9, supported: 1))
        }

        var flipped = data
        flipped[17] ^= 0x40  // dimension
        try flipped.write(to: url)
        XCTAssertThrowsError(try HNSWIndex.open(url)) { error in
            guard case .corrupt = error as? HNSWFileError else { return XCTFail("\(error)") }
        }
    }

    func testCorruptSectionsAreErrorsOrHarmless() throws {
        let (index, fixture) = built()
        let url = directory.appendingPathComponent("catalog.hnsw")
        try index.write(to: url)
        let data = try Data(contentsOf: url)
        let header = try data.withUnsafeBytes { raw in
            try HNSWFileHeader(decoding: raw, fileBytes: data.count, path: url.path)
        }
        // Levels above the top level: rejected at open.
        var levels = data
        levels[header.sections[2].offset + 5] = 200
        try levels.write(to: url)
        XCTAssertThrowsError(try HNSWIndex.open(url))
        // Garbage neighbour lists: opens, and searching must not crash.
        var links = data
        for offset in stride(from: header.sections[4].offset, to: header.sections[4].offset + header.sections[4].length, by: 7) {
            links[offset] = 0xFF
        }
        try links.write(to: url)
        let opened = try HNSWIndex.open(url)
        _ = opened.search(batch: fixture.queries, k: 10, filter: nil)
    }

    func testMissingFileAndDirectoryAreErrors() {
        let missing = directory.appendingPathComponent("nope.hnsw")
        XCTAssertThrowsError(try HNSWIndex.open(missing)) { error in
            guard case .cannotOpen = error as? HNSWFileError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try HNSWIndex.open(directory))
        let index = HNSWIndex(dimension: 4)
        XCTAssertThrowsError(try index.write(to: directory.appendingPathComponent("no/such/dir.hnsw"))) { error in
            guard case .cannotWrite = error as? HNSWFileError else { return XCTFail("\(error)") }
        }
    }

    func testEmptyIndexRoundTrips() throws {
        let url = directory.appendingPathComponent("empty.hnsw")
        try HNSWIndex(dimension: 8, metric: .euclidean).write(to: url)
        var opened = try HNSWIndex.open(url)
        XCTAssertEqual(opened.count, 0)
        XCTAssertEqual(opened.search([Float](repeating: 0, count: 8), k: 3, filter: nil), [])
        opened.add([Float](repeating: 1, count: 8))
        XCTAssertEqual(opened.search([Float](repeating: 1, count: 8), k: 3, filter: nil).map(\.row), [0])
    }
}
