import Foundation

/// An IDX file (the MNIST format): a big-endian magic number, dimension sizes, then unsigned bytes.
struct IDXFile {
    /// Magic number of a rank-3 unsigned-byte array (images).
    static let imagesMagic: UInt32 = 0x0000_0803
    /// Magic number of a rank-1 unsigned-byte array (labels).
    static let labelsMagic: UInt32 = 0x0000_0801

    /// Sizes of each dimension, outermost first.
    let dimensions: [Int]
    /// All bytes of the file, header included.
    let bytes: [UInt8]
    /// Where the data starts in `bytes`.
    let dataOffset: Int

    /// Parses `bytes` (already decompressed) and checks the magic number and the length.
    init(bytes: [UInt8], file: String, expectedMagic: UInt32) throws {
        guard bytes.count >= 4 else {
            throw CatalogSourceError.malformed(file: file, reason: "only \(bytes.count) bytes; not an IDX file")
        }
        let magic = Self.bigEndian(bytes, at: 0)
        guard magic == expectedMagic else {
            let kind = expectedMagic == Self.imagesMagic ? "image" : "label"
            throw CatalogSourceError.malformed(
                file: file, reason: "wrong magic number 0x\(String(magic, radix: 16, uppercase: true)) "
                    + "(an IDX \(kind) file starts with 0x\(String(format: "%08X", expectedMagic)))")
        }
        let rank = Int(magic & 0xff)
        let dataOffset = 4 + 4 * rank
        guard bytes.count >= dataOffset else {
            throw CatalogSourceError.malformed(file: file, reason: "the header is cut short (\(bytes.count) bytes)")
        }
        let dimensions = (0..<rank).map { Int(Self.bigEndian(bytes, at: 4 + 4 * $0)) }
        let expected = dimensions.reduce(1, *) + dataOffset
        guard bytes.count == expected else {
            let shape = dimensions.map(String.init).joined(separator: "×")
            throw CatalogSourceError.malformed(
                file: file, reason: "the header promises \(shape) bytes of data (\(expected) bytes in all) but the file has "
                    + "\(bytes.count) bytes\(bytes.count < expected ? " (truncated?)" : "")")
        }
        self.dimensions = dimensions
        self.bytes = bytes
        self.dataOffset = dataOffset
    }

    static func bigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
}
