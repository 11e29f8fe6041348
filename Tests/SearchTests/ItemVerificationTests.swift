import Catalog
import Search
import TestSupport
import XCTest

/// Verification adds the best signature match to the cosine, over the whole catalog.
final class ItemVerificationTests: TimedTestCase {
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
        var verification = ItemVerification(catalog: catalog, signatures: signatures)
        XCTAssertEqual(verification.coverage, 3)
        let query = unit([1, 0, 0])

        let plain = verification.rank(query: query, photoSignatures: [], k: 2)
        XCTAssertEqual(plain.map(\.id), ["b", "a"], "no photo signature: the cosine alone")
        XCTAssertEqual(plain[0].score, 1, accuracy: 1e-5)

        // The photo's signature at one of two angles matches "a": a wins, its score = cosine + the match.
        let verified = verification.rank(query: query, photoSignatures: [unit([0, 0, 1, 1]), unit([1, 0.05, 0, 0])], k: 4)
        XCTAssertEqual(verified.first?.id, "a")
        XCTAssertEqual(verified[0].score, zip(vectors[0], query).reduce(0) { $0 + $1.0 * $1.1 } + unit([1, 0.05, 0, 0])[0], accuracy: 1e-4)
        XCTAssertEqual(verified.count, 4)
        XCTAssertEqual(verified.map(\.score), verified.map(\.score).sorted(by: >))
        // "c" has no signature: the lowest match (−1) on its cosine, below "d" whose signature matches the first angle.
        XCTAssertEqual(verified.last?.id, "c")
        XCTAssertEqual(verified.last?.score ?? 0, -1, accuracy: 1e-5)

        let filtered = verification.rank(query: query, photoSignatures: [unit([1, 0, 0, 0])], k: 4, excluding: ["a"])
        XCTAssertFalse(filtered.contains { $0.id == "a" }, "an excluded product never comes back")
        XCTAssertTrue(verification.rank(query: [1, 0], photoSignatures: [], k: 3).isEmpty, "a query of the wrong length finds nothing")

        // Live changes: a new product with its signature, a replaced one, a removed one; zeros count as no signature.
        verification.upsert(id: "e", attributes: ["kind": "new"], vector: unit([1, 0, 0]), signature: unit([0, 0, 1, 0]))
        verification.upsert(id: "a", attributes: ["kind": "old"], vector: vectors[0], signature: [0, 0, 0, 0])
        verification.remove(id: "b")
        XCTAssertEqual(verification.coverage, 2, "d and e")
        let live = verification.rank(query: query, photoSignatures: [unit([0, 0, 1, 0])], k: 5)
        XCTAssertEqual(live.first?.id, "e")
        XCTAssertFalse(live.contains { $0.id == "b" })
        XCTAssertEqual(verification.rank(query: query, photoSignatures: [], k: 5, filters: ["kind": ["new"]]).map(\.id), ["e"])
        XCTAssertEqual(verification.rank(query: query, photoSignatures: [], k: Int.max).count, 4, "a huge k is the catalog")
    }

    func testSignaturesThatAreNotUsableAreLeftOut() {
        let catalog = VectorTable(modelKey: "m", ids: ["a", "b"], attributes: [[:], [:]], dimension: 2, vectors: [1, 0, 0, 1])
        let signatures = VectorTable(modelKey: "sig", ids: ["a", "b"], attributes: [[:], [:]], dimension: 2, vectors: [1, 0, 0, 1])
        XCTAssertEqual(ItemVerification(catalog: catalog, signatures: signatures, usable: { $0 != "b" }).coverage, 1)
    }
}
