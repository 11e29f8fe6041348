import Catalog
import Foundation
import TestSupport
import XCTest

final class ContentHashTests: TimedTestCase {
    func testKnownVectors() {
        XCTAssertEqual(ContentHash.hex(of: Array("abc".utf8)),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(ContentHash.hex(of: [UInt8]()),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(ContentHash.hex(of: Data(repeating: UInt8(ascii: "a"), count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // 56 bytes: padding spills into a second block.
        XCTAssertEqual(ContentHash.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// 1 MiB of patterned bytes, checked against `sha256sum`, from memory, in odd pieces, and from a file.
    func testOneMegabyteMatchesSha256sum() throws {
        let bytes = (0 ..< (1 << 20)).map { UInt8(truncatingIfNeeded: ($0 * 31 + 7) ^ ($0 >> 8)) }
        let expected = "62db649367f92b7f585bc2eda21acd6f9a37d6d42b3423e69a309baee0bbd6d8"
        XCTAssertEqual(ContentHash.hex(of: bytes), expected)

        var hasher = SHA256Hasher()
        var offset = 0
        var piece = 1
        while offset < bytes.count {
            let end = min(bytes.count, offset + piece)
            hasher.update(bytes[offset ..< end])
            offset = end
            piece = piece * 3 % 1000 + 1
        }
        XCTAssertEqual(hasher.finalize().map { String(format: "%02x", $0) }.joined(), expected)

        let folder = try makeTemporaryFolder(self)
        let file = try write(Data(bytes), to: "mb.bin", in: folder)
        XCTAssertEqual(try ContentHash.hex(ofFile: file), expected)
    }

    func testMissingFileIsAClearError() throws {
        let folder = try makeTemporaryFolder(self)
        XCTAssertThrowsError(try ContentHash.hex(ofFile: folder.appendingPathComponent("nope.jpg"))) { error in
            XCTAssertTrue("\(error)".contains("nope.jpg"), "\(error)")
        }
    }
}
