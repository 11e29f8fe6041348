import Catalog
import Search
import XCTest

/// Verification adds the best signature match to the cosine, over the whole catalog.
final class ItemVerificationTests: XCTestCase {
    private func unit(_ values: [Float]) -> [Float] {
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }

    func testTheSignatureMatchLiftsTheExactItemAboveCloserLookingProducts() {
        // Model vectors: "b" is nearest the query, "a" a little farther, "c" and "d" far.
        let vectors = [unit([0.9, 0.1, 0]), unit([1, 0, 0]), unit([0, 1, 0]), unit([0, 0, 1])]
        let catalog = VectorTable(modelKey: "m", ids: ["a", "b", "c", "d"], attributes: Array(repeating: [:], count: 4),
                                  dimension: 3, vectors: vectors.flatMap { $0 })
        // Signatures (4-d here), stored for a, b and d (rows by id, another order than the catalog's).
        let signatures = VectorTable(modelKey: "sig", ids: ["d", "b", "a"], attributes: Array(repeating: [:], count: 3), dimension: 4,
                                     vectors: [unit([0, 0, 0, 1]), unit([0, 1, 0, 0]), unit([1, 0, 0, 0])].flatMap { $0 })
        let verification = ItemVerification(catalog: catalog, signatures: signatures)
        XCTAssertEqual(verification.coverage, 3)
        let query = unit([1, 0, 0])

        let plain = verification.rank(query: query, photoSignatures: [], k: 2)
        XCTAssertEqual(plain.map(\.row), [1, 0], "no photo signature: the cosine alone")
        XCTAssertEqual(plain[0].score, 1, accuracy: 1e-5)

        // The photo's signature at one of two angles matches "a": a wins, its score = cosine + 1.
        let verified = verification.rank(query: query, photoSignatures: [unit([0, 0, 1, 1]), unit([1, 0.05, 0, 0])], k: 4)
        XCTAssertEqual(verified.first?.row, 0)
        XCTAssertEqual(verified[0].score, zip(vectors[0], query).reduce(0) { $0 + $1.0 * $1.1 } + unit([1, 0.05, 0, 0])[0], accuracy: 1e-4)
        XCTAssertEqual(verified.count, 4)
        XCTAssertEqual(verified.map(\.score), verified.map(\.score).sorted(by: >))
        // "c" has no signature: the cosine alone (0), below "d" whose signature matches the first angle.
        XCTAssertLessThan(verified.firstIndex { $0.row == 3 } ?? 9, verified.firstIndex { $0.row == 2 } ?? 0)

        let filtered = verification.rank(query: query, photoSignatures: [unit([1, 0, 0, 0])], k: 4, allowed: { $0 != 0 })
        XCTAssertFalse(filtered.contains { $0.row == 0 }, "a filtered-out product never comes back")
        XCTAssertTrue(verification.rank(query: [1, 0], photoSignatures: [], k: 3).isEmpty, "a query of the wrong length finds nothing")
    }
}
