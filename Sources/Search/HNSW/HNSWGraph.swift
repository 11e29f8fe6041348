import Catalog
import Foundation

/// The storage of an HNSW index: vectors, norms, levels and neighbour lists in flat sections, shared by
/// the copies of an `HNSWIndex` until one of them mutates (which then copies it).
///
/// Sections (one `HNSWRegion` each, the same order in the file):
/// - `vectors`: `stride` values per row (f32 or f16, zero padded to a multiple of 64);
/// - `norms`: ‖row‖² per row (Float);
/// - `levels`: top level per row (UInt8);
/// - `upperOffsets`: per row, where its upper-level lists start in `upperLinks` (UInt32, `noUpper` if level 0);
/// - `links0`: per row, `m0 + 1` Int32s: the count, then the level-0 neighbours;
/// - `upperLinks`: per upper level of a row, `m + 1` Int32s: the count, then the neighbours;
/// - `tombstones`: one bit per row, set when removed.
///
/// `@unchecked Sendable`: the graph is raw memory read by many threads at once, by design. Why that is
/// safe, by who writes what and what orders it:
/// 1. Between mutations the graph is immutable, and any number of threads may search it (`walk`, `scan`
///    only read; each search writes only its own `HNSWScratch`, see `HNSWScratchPool`).
/// 2. Every write happens inside a `mutating` method of the one `HNSWIndex` value that holds the graph,
///    after `makeUnique()`: if another index value (or a thread searching it) still references this graph,
///    the mutation goes to a fresh copy instead, so a graph that is being written has no readers outside
///    that call. Handing the index value itself between threads is the owner's job (e.g. the service's
///    read–write lock), and its unlock/lock orders one mutation before later searches.
/// 3. Within a mutation, the scalars (`rowCount`, `liveCount`, `capacity`, `upperLinkCount`, `entryPoint`,
///    `maxLevel`, `unrepairedRemovals`, `parameters`), the lazy `locks`, and every section's reallocation
///    (`reserve`, `allocateUpperLists`) are written only by the mutating thread outside `parallelParts`.
///    `parallelParts` (`DispatchQueue.concurrentPerform`) starts its workers after those writes and returns
///    after the last worker ends, which orders them before and after everything the workers do.
/// 4. Workers inside `parallelParts` write disjoint memory: `store` writes the vector and norm of its own
///    rows; `repair` rewrites only the list of the row it holds (reading removed rows' lists, which nobody
///    writes then); `insert` writes a neighbour list only under that node's `HNSWLocks` stripe.
/// 5. The one deliberate exception is faiss's: while rows are inserted in parallel, a walk reads other
///    nodes' neighbour lists without their lock, so it may see a list mid-update. Every such word is an
///    aligned `Int32` that only ever holds a row number of a stored row (or a count, clamped to the list's
///    capacity), and walks bound-check each neighbour against `rowCount`, so a racy read yields a stale or
///    fresh neighbour, never an invalid address; the lock's release/acquire orders the writers among
///    themselves, and `parallelParts`' return orders all of it before the next search.
final class HNSWGraph: @unchecked Sendable {
    static let noUpper = UInt32.max
    static let maximumLevel = 32

    let dimension: Int
    let stride: Int
    let storage: VectorStorage
    let metric: VectorMetric
    let m: Int
    let m0: Int
    var parameters: HNSWParameters

    /// Rows handed out, removed ones included.
    var rowCount = 0
    /// Rows not removed.
    var liveCount = 0
    /// Rows the sections have room for.
    var capacity = 0
    /// Int32 slots used in `upperLinks`.
    var upperLinkCount = 0
    /// The node every walk starts from (−1 when empty).
    var entryPoint = -1
    /// Its level (−1 when empty).
    var maxLevel = -1
    /// Removed rows still linked into the graph (repair pending).
    var unrepairedRemovals = 0

    let vectors: HNSWRegion
    let norms: HNSWRegion
    let levels: HNSWRegion
    let upperOffsets: HNSWRegion
    let links0: HNSWRegion
    let upperLinks: HNSWRegion
    let tombstones: HNSWRegion

    let scratch = HNSWScratchPool()
    /// Per-node locks for parallel insertion (made on first insertion).
    lazy var locks = HNSWLocks()
    /// Query layout helper (f16 queries are scaled and interleaved for `DotKernels.float16`).
    let layout: VectorBuffer

    /// An empty graph.
    init(dimension: Int, storage: VectorStorage, metric: VectorMetric, parameters: HNSWParameters) {
        self.dimension = dimension
        stride = (dimension + 63) / 64 * 64
        self.storage = storage
        self.metric = metric
        m = parameters.m
        m0 = parameters.m0
        self.parameters = parameters
        layout = VectorBuffer(storage: storage, dimension: dimension)
        vectors = HNSWRegion()
        norms = HNSWRegion()
        levels = HNSWRegion()
        upperOffsets = HNSWRegion()
        links0 = HNSWRegion()
        upperLinks = HNSWRegion()
        tombstones = HNSWRegion()
    }

    /// A graph over existing sections (from a file).
    init(dimension: Int, storage: VectorStorage, metric: VectorMetric, parameters: HNSWParameters,
         sections: [HNSWRegion], rowCount: Int, liveCount: Int, upperLinkCount: Int, entryPoint: Int, maxLevel: Int,
         unrepairedRemovals: Int) {
        self.dimension = dimension
        stride = (dimension + 63) / 64 * 64
        self.storage = storage
        self.metric = metric
        m = parameters.m
        m0 = parameters.m0
        self.parameters = parameters
        layout = VectorBuffer(storage: storage, dimension: dimension)
        (vectors, norms, levels, upperOffsets, links0, upperLinks, tombstones) =
            (sections[0], sections[1], sections[2], sections[3], sections[4], sections[5], sections[6])
        self.rowCount = rowCount
        self.liveCount = liveCount
        capacity = rowCount
        self.upperLinkCount = upperLinkCount
        self.entryPoint = entryPoint
        self.maxLevel = maxLevel
        self.unrepairedRemovals = unrepairedRemovals
    }

    /// A deep, owned copy.
    func copy() -> HNSWGraph {
        let sections = zip(self.sections, sectionByteCounts(rows: rowCount)).map { $0.copy(used: $1) }
        let graph = HNSWGraph(dimension: dimension, storage: storage, metric: metric, parameters: parameters,
                              sections: sections, rowCount: rowCount, liveCount: liveCount,
                              upperLinkCount: upperLinkCount, entryPoint: entryPoint, maxLevel: maxLevel,
                              unrepairedRemovals: unrepairedRemovals)
        graph.capacity = rowCount
        return graph
    }

    var sections: [HNSWRegion] { [vectors, norms, levels, upperOffsets, links0, upperLinks, tombstones] }

    /// Bytes of one stored row.
    var rowBytes: Int { stride * storage.bytesPerValue }

    /// Used bytes of each section for `rows` rows (upper links: the current count).
    func sectionByteCounts(rows: Int) -> [Int] {
        [rows * rowBytes, rows * 4, rows, rows * 4, rows * (m0 + 1) * 4, upperLinkCount * 4, (rows + 63) / 64 * 8]
    }

    /// Bytes of memory the index takes (sections in use).
    var memoryBytes: Int { sectionByteCounts(rows: rowCount).reduce(0, +) }

    /// Makes room for `rows` rows in every section.
    func reserve(rows: Int) {
        guard rows > capacity else { return }
        let used = sectionByteCounts(rows: rowCount)
        let needed = sectionByteCounts(rows: rows)
        for (index, region) in sections.enumerated() where index != 5 {
            region.reserve(needed[index], used: used[index])
        }
        // New tombstone words must read as "not removed".
        let oldWords = (rowCount + 63) / 64, newWords = (rows + 63) / 64
        if newWords > oldWords {
            (tombstones.pointer(UInt64.self) + oldWords).initialize(repeating: 0, count: newWords - oldWords)
        }
        capacity = rows
    }

    // MARK: - Accessors

    @inline(__always) var levelPointer: UnsafeMutablePointer<UInt8> { levels.pointer(UInt8.self) }
    @inline(__always) var normPointer: UnsafeMutablePointer<Float> { norms.pointer(Float.self) }
    @inline(__always) var tombstoneWords: UnsafeMutablePointer<UInt64> { tombstones.pointer(UInt64.self) }

    /// Whether `row` is removed.
    @inline(__always)
    func isRemoved(_ row: Int) -> Bool {
        tombstoneWords[row >> 6] & (1 << UInt64(row & 63)) != 0
    }

    /// The list (count then neighbours) of `row` at `level`, and its capacity; nil if the row has no such level
    /// or the file's offsets are out of range.
    @inline(__always)
    func list(_ row: Int, level: Int) -> (UnsafeMutablePointer<Int32>, Int)? {
        if level == 0 { return (links0.pointer(Int32.self) + row &* (m0 + 1), m0) }
        guard level <= Int(levelPointer[row]) else { return nil }
        let start = upperOffsets.pointer(UInt32.self)[row]
        guard start != Self.noUpper else { return nil }
        let offset = Int(start) + (level - 1) * (m + 1)
        guard offset + m + 1 <= upperLinkCount else { return nil }
        return (upperLinks.pointer(Int32.self) + offset, m)
    }

    /// Neighbours allowed at `level`.
    @inline(__always)
    func maximumNeighbours(level: Int) -> Int { level == 0 ? m0 : m }

    /// Runs `body` with the measure of this storage (each branch a specialised copy of the caller).
    @inline(__always)
    func withMeasure<Result>(_ body: (HNSWMeasureBox) -> Result) -> Result {
        let normsOrNil: UnsafePointer<Float>? = metric == .euclidean ? UnsafePointer(normPointer) : nil
        switch storage {
        case .float16:
            return body(.float16(HNSWMeasure(space: HNSWFloat16Space(base: UnsafeRawPointer(vectors.base), stride: stride),
                                             squaredNorms: normsOrNil)))
        default:
            return body(.float32(HNSWMeasure(space: HNSWFloat32Space(base: UnsafePointer(vectors.pointer(Float.self)),
                                                                     stride: stride), squaredNorms: normsOrNil)))
        }
    }

    /// Level of a new row: ⌊−ln(u) / ln(m)⌋ for u uniform in (0, 1], drawn from (seed, row).
    func drawLevel(row: Int) -> Int {
        var random = SplitMix64(seed: parameters.seed &+ UInt64(row) &* 0x9E37_79B9_7F4A_7C15)
        let uniform = (Double(random.next() >> 11) + 1) * 0x1p-53
        let level = Int(-log(uniform) / log(Double(max(2, m))))
        return min(level, Self.maximumLevel)
    }

    /// Writes `vector` (dimension floats) as stored row `row` and its ‖row‖².
    func store(_ vector: UnsafePointer<Float>, row: Int) {
        var norm: Float = 0
        switch storage {
        case .float16:
            let target = vectors.pointer(UInt16.self) + row * stride
            for index in 0 ..< dimension {
                let half = VectorBuffer.storedHalf(vector[index])
                target[index] = half
                let decoded = Float16Codec.float(fromHalfBits: half)
                norm += decoded * decoded
            }
            (target + dimension).initialize(repeating: 0, count: stride - dimension)
        default:
            let target = vectors.pointer(Float.self) + row * stride
            for index in 0 ..< dimension {
                target[index] = vector[index]
                norm += vector[index] * vector[index]
            }
            (target + dimension).initialize(repeating: 0, count: stride - dimension)
        }
        normPointer[row] = norm
    }

    /// Stored row `row` decoded to `dimension` floats.
    func decode(row: Int) -> [Float] {
        switch storage {
        case .float16:
            let source = vectors.pointer(UInt16.self) + row * stride
            return (0 ..< dimension).map { Float16Codec.float(fromHalfBits: source[$0]) }
        default:
            return Array(UnsafeBufferPointer(start: vectors.pointer(Float.self) + row * stride, count: dimension))
        }
    }

    /// Writes stored row `row` as a prepared query into `query` (`stride` floats).
    func prepareStored(row: Int, into query: UnsafeMutablePointer<Float>) {
        switch storage {
        case .float16:
            let prepared = decode(row: row).withUnsafeBufferPointer { layout.prepare($0) }
            query.update(from: prepared, count: stride)
        default:
            query.update(from: vectors.pointer(Float.self) + row * stride, count: stride)
        }
    }
}

/// A measure of either storage, unwrapped once per operation by a `switch`.
enum HNSWMeasureBox {
    case float32(HNSWMeasure<HNSWFloat32Space>)
    case float16(HNSWMeasure<HNSWFloat16Space>)
}

extension HNSWGraph {
    /// Makes `upperLinks` owned memory (it grows in place as rows are added).
    func ensureUpperLinksWritable() {
        if upperLinks.isMapped { upperLinks.reserve(upperLinks.capacity + 1, used: upperLinkCount * 4) }
    }

    /// Gives `row` empty lists for levels 1...`level` (or none).
    func allocateUpperLists(row: Int, level: Int) {
        guard level > 0 else {
            upperOffsets.pointer(UInt32.self)[row] = Self.noUpper
            return
        }
        let slots = level * (m + 1)
        upperLinks.reserve((upperLinkCount + slots) * 4, used: upperLinkCount * 4)
        let start = upperLinks.pointer(Int32.self) + upperLinkCount
        start.initialize(repeating: 0, count: slots)
        upperOffsets.pointer(UInt32.self)[row] = UInt32(upperLinkCount)
        upperLinkCount += slots
    }
}
