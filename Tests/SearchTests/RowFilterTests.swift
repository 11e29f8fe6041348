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
}
