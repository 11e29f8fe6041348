import TestSupport
import XCTest
@testable import Search

final class RowFilterTests: TimedTestCase {
    func testBitset() {
        var bits = Bitset(count: 130)
        for row in [0, 63, 64, 129] { bits.insert(row) }
        XCTAssertEqual(bits.rows, [0, 63, 64, 129])
        XCTAssertEqual(bits.cardinality, 4)
        XCTAssertFalse(bits.contains(130))
        XCTAssertFalse(bits.contains(-1))
        bits.remove(63)
        XCTAssertEqual(bits.rows, [0, 64, 129])
        bits.resize(to: 65)
        XCTAssertEqual(bits.rows, [0, 64])
        bits.resize(to: 200, newRowsSet: true)
        XCTAssertEqual(bits.cardinality, 2 + 135)
        let all = Bitset(count: 70, allSet: true)
        XCTAssertEqual(all.cardinality, 70)
        var other = Bitset(count: 70)
        other.insert(3)
        var both = all
        both.formIntersection(other)
        XCTAssertEqual(both.rows, [3])
    }

    func testAndAcrossKeysOrWithinAKey() {
        let attributes: [[String: String]] = [
            ["type": "Shirts", "gender": "Men"],
            ["type": "Tshirts", "gender": "Men"],
            ["type": "Shirts", "gender": "Women"],
            ["type": "Shoes", "gender": "Men"],
            ["gender": "Men"],
        ]
        let bitsets = AttributeBitsets(attributes: attributes)
        XCTAssertNil(bitsets.filter([:]))
        XCTAssertNil(bitsets.filter(["type": []]), "a key with no values does not filter")
        XCTAssertEqual(bitsets.filter(["type": ["Shirts"]])?.rows.rows, [0, 2])
        XCTAssertEqual(bitsets.filter(["type": ["Shirts", "Tshirts"]])?.rows.rows, [0, 1, 2])
        XCTAssertEqual(bitsets.filter(["type": ["Shirts", "Tshirts"], "gender": ["Men"]])?.rows.rows, [0, 1])
        XCTAssertEqual(bitsets.filter(["type": ["Unknown"]])?.rows.rows, [])
        XCTAssertEqual(bitsets.filter(["colour": ["Red"]])?.matchingRows, 0, "an unknown key matches nothing")

        var growing = bitsets
        growing.append(row: 5, attributes: ["type": "Shirts", "gender": "Men"])
        growing.append(row: 6, attributes: ["type": "Bags"])
        XCTAssertEqual(growing.filter(["type": ["Shirts"], "gender": ["Men"]])?.rows.rows, [0, 5])
        growing.clear(row: 0, attributes: attributes[0])
        XCTAssertEqual(growing.filter(["type": ["Shirts"]])?.rows.rows, [2, 5])
        XCTAssertEqual(growing.filter(["type": ["Bags"]])?.rows.rows, [6])
    }

    func testUniqueValuesCostBytesPerRowNotABitsetEach() {
        // 30,000 rows, each with its own SKU and one of three types.
        let rows = 30_000
        let attributes = (0 ..< rows).map { ["sku": "SKU-\($0)", "type": ["Shirts", "Shoes", "Bags"][$0 % 3]] }
        var bitsets = AttributeBitsets(attributes: attributes)
        // A bitset per SKU would be 30,000 × 3,750 bytes = 112 MB; rows and three bitsets are a few hundred kB.
        XCTAssertLessThan(bitsets.payloadBytes, 1_000_000, "\(bitsets.payloadBytes) bytes")
        XCTAssertEqual(bitsets.filter(["sku": ["SKU-29999", "SKU-7"]])?.rows.rows, [7, 29_999])
        XCTAssertEqual(bitsets.filter(["sku": ["SKU-7", "SKU-8"], "type": ["Shoes"]])?.rows.rows, [7])
        bitsets.append(row: rows, attributes: ["sku": "SKU-7", "type": "Bags"])
        bitsets.clear(row: 7, attributes: attributes[7])
        XCTAssertEqual(bitsets.filter(["sku": ["SKU-7"]])?.rows.rows, [rows])
        XCTAssertEqual(bitsets.filter(["type": ["Shoes"]])?.matchingRows, rows / 3 - 1)
    }

    func testRareAndCommonValuesMatchABruteForceScanThroughGrowthAndRemovals() {
        var generator = SplitMix64(seed: 11)
        var attributes: [[String: String]] = (0 ..< 3_000).map { _ in
            // "colour" is common (8 values); "maker" is rare (1,000 values): both kinds of row set.
            ["colour": "c\(Int.random(in: 0 ..< 8, using: &generator))", "maker": "m\(Int.random(in: 0 ..< 1_000, using: &generator))"]
        }
        var bitsets = AttributeBitsets(attributes: attributes)
        for row in 3_000 ..< 4_000 {
            // Appends push one maker past the dense threshold.
            let entry = ["colour": "c\(row % 8)", "maker": row % 2 == 0 ? "m1" : "m\(Int.random(in: 0 ..< 1_000, using: &generator))"]
            attributes.append(entry)
            bitsets.append(row: row, attributes: entry)
        }
        var removed = Set<Int>()
        for row in stride(from: 0, to: 4_000, by: 7) {
            bitsets.clear(row: row, attributes: attributes[row])
            removed.insert(row)
        }
        for selection in [["maker": ["m1"]], ["maker": ["m2", "m3"], "colour": ["c1", "c2"]], ["colour": ["c5"]]] {
            let expected = attributes.indices.filter { row in
                !removed.contains(row) && selection.allSatisfy { key, values in values.contains(attributes[row][key] ?? "") }
            }
            XCTAssertEqual(bitsets.filter(selection)?.rows.rows, expected, "\(selection)")
        }
    }
}
