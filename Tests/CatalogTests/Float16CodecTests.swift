import Catalog
import Foundation
import TestSupport
import XCTest

final class Float16CodecTests: TimedTestCase {
    #if !(os(macOS) && arch(x86_64))
    /// The integer conversion rounds exactly like the hardware/stdlib Float16.
    func testMatchesStandardLibraryFloat16() {
        var random = SystemRandomNumberGenerator()
        var values: [Float] = [0, -0, 1, -1, 0.5, 65504, -65504, 65520, 1e-8, -1e-8, 6.1e-5, 5.96e-8, 2.98e-8, 3e-8,
                               .infinity, -.infinity, 0.1, 0.2, 0.3, 1.0009765625, 1.00048828125, 1.000732421875]
        for _ in 0 ..< 100_000 {
            values.append(Float(bitPattern: UInt32.random(in: 0 ... 0x7f7f_ffff, using: &random))
                          * (Bool.random(using: &random) ? 1 : -1))
            values.append(Float.random(in: -0.2 ... 0.2, using: &random))
        }
        for value in values {
            XCTAssertEqual(Float16Codec.halfBits(value), Float16(value).bitPattern, "\(value)")
        }
        for bits in UInt16.min ... UInt16.max where bits & 0x7c00 != 0x7c00 || bits & 0x3ff == 0 {
            XCTAssertEqual(Float16Codec.float(fromHalfBits: bits), Float(Float16(bitPattern: bits)), "\(bits)")
        }
    }
    #endif

    func testBlobRoundTrip() {
        let vector: [Float] = [0, 1, -1, 0.333, -0.0001, 1000]
        let blob = Float16Codec.encode(vector)
        XCTAssertEqual(blob.count, vector.count * 2)
        XCTAssertEqual(Array(blob.prefix(4)), [0x00, 0x00, 0x00, 0x3c], "little-endian halves: 0.0 then 1.0")
        let decoded = Float16Codec.decode(blob)
        for (original, back) in zip(vector, decoded) {
            XCTAssertEqual(back, original, accuracy: abs(original) * 0.001 + 1e-7)
        }
    }
}
