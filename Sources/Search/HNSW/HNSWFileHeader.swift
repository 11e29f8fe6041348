/// The fixed 256-byte header of an HNSW index file (all integers little-endian).
///
/// ```
///   0  magic "LKHNSW\r\n"        8 bytes
///   8  version                   UInt32 (1)
///  12  header bytes              UInt32 (256)
///  16  dimension, stride         UInt32, UInt32
///  24  metric, storage           UInt8 (0 cosine, 1 euclidean), UInt8 (0 f32, 1 f16), 2 bytes zero
///  28  M, efConstruction, efSearch   UInt32 × 3
///  40  max level                 Int32 (−1 when empty)
///  44  zero                      4 bytes
///  48  rows, live rows           UInt64 × 2
///  64  entry point               Int64 (−1 when empty)
///  72  upper link slots          UInt64
///  80  seed                      UInt64
///  88  unrepaired removals       UInt64
///  96  sections: (offset, length) UInt64 pairs, in order vectors, norms, levels, upper offsets,
///      level-0 links, upper links, tombstones (7 × 16 bytes)
/// 208  FNV-1a 64 of bytes 0..<208
/// 216  zero up to 256
/// ```
/// Sections follow, each starting on a 64-byte boundary (vectors on a 4096-byte one), laid out as in memory.
struct HNSWFileHeader: Equatable {
    static let magic: [UInt8] = Array("LKHNSW\r\n".utf8)
    static let version = 1
    static let byteCount = 256
    static let sectionCount = 7

    var dimension: Int
    var stride: Int
    var metric: VectorMetric
    var storage: VectorStorage
    var m: Int
    var efConstruction: Int
    var efSearch: Int
    var maxLevel: Int
    var rowCount: Int
    var liveCount: Int
    var entryPoint: Int
    var upperLinkCount: Int
    var seed: UInt64
    var unrepairedRemovals: Int
    /// (offset, length) of each section.
    var sections: [(offset: Int, length: Int)]

    static func == (a: HNSWFileHeader, b: HNSWFileHeader) -> Bool { a.encoded() == b.encoded() }

    /// The 256 header bytes.
    func encoded() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Self.byteCount)
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { raw in
                for (index, byte) in raw.enumerated() { bytes[offset + index] = byte }
            }
        }
        for (index, byte) in Self.magic.enumerated() { bytes[index] = byte }
        put(UInt32(Self.version), at: 8)
        put(UInt32(Self.byteCount), at: 12)
        put(UInt32(dimension), at: 16)
        put(UInt32(stride), at: 20)
        bytes[24] = metric == .cosine ? 0 : 1
        bytes[25] = storage == .float32 ? 0 : 1
        put(UInt32(m), at: 28)
        put(UInt32(efConstruction), at: 32)
        put(UInt32(efSearch), at: 36)
        put(Int32(maxLevel), at: 40)
        put(UInt64(rowCount), at: 48)
        put(UInt64(liveCount), at: 56)
        put(Int64(entryPoint), at: 64)
        put(UInt64(upperLinkCount), at: 72)
        put(seed, at: 80)
        put(UInt64(unrepairedRemovals), at: 88)
        for (index, section) in sections.enumerated() {
            put(UInt64(section.offset), at: 96 + index * 16)
            put(UInt64(section.length), at: 104 + index * 16)
        }
        put(Self.checksum(bytes[0 ..< 208]), at: 208)
        return bytes
    }

    /// Reads and checks a header; `fileBytes` is the file's length (sections must fit in it).
    init(decoding raw: UnsafeRawBufferPointer, fileBytes: Int, path: String) throws(HNSWFileError) {
        guard raw.count >= Self.byteCount else {
            throw .truncated(path: path, expectedBytes: Self.byteCount, actualBytes: raw.count)
        }
        func get<T: FixedWidthInteger>(_: T.Type, _ offset: Int) -> T {
            T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        let magic = Array(raw[0 ..< 8])
        guard magic == Self.magic else {
            let shown = magic.map { $0 >= 32 && $0 < 127 ? String(UnicodeScalar($0)) : "." }.joined()
            throw .notAnIndex(path: path, found: "'\(shown)'")
        }
        let version = Int(get(UInt32.self, 8))
        guard version == Self.version else {
            throw .unsupportedVersion(path: path, found: version, supported: Self.version)
        }
        guard get(UInt64.self, 208) == Self.checksum(Array(raw[0 ..< 208])[...]) else {
            throw .corrupt(path: path, reason: "header checksum mismatch")
        }
        guard Int(get(UInt32.self, 12)) == Self.byteCount else { throw .corrupt(path: path, reason: "header size") }
        dimension = Int(get(UInt32.self, 16))
        stride = Int(get(UInt32.self, 20))
        guard dimension > 0, stride == (dimension + 63) / 64 * 64 else {
            throw .corrupt(path: path, reason: "dimension \(dimension) with row stride \(stride)")
        }
        guard raw[24] <= 1, raw[25] <= 1 else {
            throw .corrupt(path: path, reason: "unknown metric \(raw[24]) or storage \(raw[25])")
        }
        metric = raw[24] == 0 ? .cosine : .euclidean
        storage = raw[25] == 0 ? .float32 : .float16
        m = Int(get(UInt32.self, 28))
        efConstruction = Int(get(UInt32.self, 32))
        efSearch = Int(get(UInt32.self, 36))
        maxLevel = Int(get(Int32.self, 40))
        rowCount = Int(truncatingIfNeeded: get(UInt64.self, 48))
        liveCount = Int(truncatingIfNeeded: get(UInt64.self, 56))
        entryPoint = Int(get(Int64.self, 64))
        upperLinkCount = Int(truncatingIfNeeded: get(UInt64.self, 72))
        seed = get(UInt64.self, 80)
        unrepairedRemovals = Int(truncatingIfNeeded: get(UInt64.self, 88))
        guard m >= 2, m <= 1024, efConstruction >= 1, efSearch >= 1 else {
            throw .corrupt(path: path, reason: "M \(m), efConstruction \(efConstruction), efSearch \(efSearch)")
        }
        guard rowCount >= 0, rowCount < Int(Int32.max), liveCount >= 0, liveCount <= rowCount,
              upperLinkCount >= 0, upperLinkCount < Int(UInt32.max),
              unrepairedRemovals >= 0, unrepairedRemovals <= rowCount else {
            throw .corrupt(path: path, reason: "row counts (rows \(rowCount), live \(liveCount))")
        }
        guard (entryPoint == -1 && maxLevel == -1 && liveCount == 0) || (entryPoint >= 0 && entryPoint < rowCount
              && maxLevel >= 0 && maxLevel <= HNSWGraph.maximumLevel) else {
            throw .corrupt(path: path, reason: "entry point \(entryPoint) at level \(maxLevel) of \(rowCount) rows")
        }
        sections = (0 ..< Self.sectionCount).map { index in
            (Int(truncatingIfNeeded: get(UInt64.self, 96 + index * 16)),
             Int(truncatingIfNeeded: get(UInt64.self, 104 + index * 16)))
        }
        let expected = Self.sectionLengths(rows: rowCount, stride: stride, storage: storage, m: m,
                                           upperLinkCount: upperLinkCount)
        for (index, section) in sections.enumerated() {
            guard section.offset >= Self.byteCount, section.offset % 64 == 0, section.length == expected[index] else {
                throw .corrupt(path: path, reason: "section \(index) at \(section.offset), \(section.length) bytes")
            }
            let end = section.offset.addingReportingOverflow(section.length)
            guard !end.overflow, end.partialValue <= fileBytes else {
                throw .truncated(path: path, expectedBytes: end.partialValue, actualBytes: fileBytes)
            }
        }
    }

    /// A header for the given counts, sections laid out one after another.
    init(graph: HNSWGraph) {
        dimension = graph.dimension
        stride = graph.stride
        metric = graph.metric
        storage = graph.storage
        m = graph.m
        efConstruction = graph.parameters.efConstruction
        efSearch = graph.parameters.efSearch
        maxLevel = graph.maxLevel
        rowCount = graph.rowCount
        liveCount = graph.liveCount
        entryPoint = graph.entryPoint
        upperLinkCount = graph.upperLinkCount
        seed = graph.parameters.seed
        unrepairedRemovals = graph.unrepairedRemovals
        var offset = 4096
        sections = []
        for length in Self.sectionLengths(rows: rowCount, stride: stride, storage: storage, m: m,
                                          upperLinkCount: upperLinkCount) {
            sections.append((offset, length))
            offset = (offset + length + 63) / 64 * 64
        }
    }

    /// Byte lengths of the sections (the same as `HNSWGraph.sectionByteCounts`).
    static func sectionLengths(rows: Int, stride: Int, storage: VectorStorage, m: Int, upperLinkCount: Int) -> [Int] {
        [rows * stride * storage.bytesPerValue, rows * 4, rows, rows * 4, rows * (2 * m + 1) * 4, upperLinkCount * 4,
         (rows + 63) / 64 * 8]
    }

    /// FNV-1a, 64-bit.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }
}
