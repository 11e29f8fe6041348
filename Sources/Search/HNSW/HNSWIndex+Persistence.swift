import Crypto
import Foundation

extension HNSWIndex {
    /// Saves the index to `url` atomically (a temporary file beside it, flushed, then renamed over it).
    ///
    /// The file is the header described in `HNSWFileHeader` followed by the sections as they lie in memory,
    /// so `open(_:)` can map it without parsing. Filter and repair thresholds are not saved. Returns the
    /// SHA-256 of the bytes written (hex), the value `contentDigest(of:)` gives for the file.
    @discardableResult
    public func write(to url: URL) throws(HNSWFileError) -> String {
        let path = url.path
        var header = HNSWFileHeader(graph: graph)
        header.efSearch = tuning.efSearch
        let directory = url.deletingLastPathComponent().path
        let temporary = "\(directory)/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let descriptor = Foundation.open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        var finished = false
        defer {
            if !finished {
                close(descriptor)
                unlink(temporary)
            }
        }
        var position = 0
        var hasher = SHA256()
        func put(_ bytes: UnsafeRawPointer, _ count: Int) throws(HNSWFileError) {
            var done = 0
            while done < count {
                let written = Foundation.write(descriptor, bytes + done, min(count - done, 1 << 30))
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
                done += written
            }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(start: bytes, count: count))
            position += count
        }
        let staging = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 64)
        defer { staging.deallocate() }
        func pad(to offset: Int) throws(HNSWFileError) {
            staging.initializeMemory(as: UInt8.self, repeating: 0, count: 4096)
            while position < offset { try put(staging, min(offset - position, 4096)) }
        }
        let headerBytes = header.encoded()
        staging.copyMemory(from: headerBytes, byteCount: headerBytes.count)
        try put(staging, headerBytes.count)
        for (region, section) in zip(graph.sections, header.sections) {
            try pad(to: section.offset)
            try put(region.base, section.length)
        }
        guard fsync(descriptor) == 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        close(descriptor)
        finished = true
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .cannotWrite(path: path, reason: reason)
        }
        return Self.hex(hasher.finalize())
    }

    /// The SHA-256 (hex) of the file at `url`, read in blocks (not mapped: a file shortened meanwhile
    /// gives another digest, never a fault).
    public static func contentDigest(of url: URL) throws(HNSWFileError) -> String {
        let descriptor = Foundation.open(url.path, O_RDONLY)
        guard descriptor >= 0 else { throw .cannotOpen(path: url.path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let blockSize = 4 << 20
        let block = UnsafeMutableRawPointer.allocate(byteCount: blockSize, alignment: 64)
        defer { block.deallocate() }
        var hasher = SHA256()
        while true {
            let count = Foundation.read(descriptor, block, blockSize)
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw .cannotOpen(path: url.path, reason: String(cString: strerror(errno))) }
            if count == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(start: block, count: count))
        }
        return hex(hasher.finalize())
    }

    /// Lower-case hex of a digest.
    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }

    /// Opens an index written by `write(to:)`, memory-mapped: start-up reads the header and checks the small
    /// sections, the vectors and neighbour lists are paged in on first use. Changes made afterwards stay in
    /// memory (copy-on-write) until written again.
    public static func open(_ url: URL) throws(HNSWFileError) -> HNSWIndex {
        let path = url.path
        let mapping = try HNSWMapping(path: path)
        let header = try HNSWFileHeader(decoding: UnsafeRawBufferPointer(start: mapping.base, count: HNSWFileHeader.byteCount),
                                        fileBytes: mapping.length, path: path)
        let regions = header.sections.map { HNSWRegion(mapping: mapping, offset: $0.offset, byteCount: $0.length) }
        let parameters = HNSWParameters(m: header.m, efConstruction: header.efConstruction, efSearch: header.efSearch,
                                        seed: header.seed)
        let graph = HNSWGraph(dimension: header.dimension, storage: header.storage, metric: header.metric,
                              parameters: parameters, sections: regions, rowCount: header.rowCount,
                              liveCount: header.liveCount, upperLinkCount: header.upperLinkCount,
                              entryPoint: header.entryPoint, maxLevel: header.maxLevel,
                              unrepairedRemovals: header.unrepairedRemovals)
        try validate(graph, path: path)
        return HNSWIndex(graph: graph)
    }

    /// Checks what a graph walk trusts without checking: levels, upper-list offsets and the tombstone count.
    /// (Neighbour ids are range-checked as they are read, so corrupt lists give poor results, not crashes.)
    private static func validate(_ graph: HNSWGraph, path: String) throws(HNSWFileError) {
        let levels = graph.levelPointer
        let offsets = graph.upperOffsets.pointer(UInt32.self)
        for row in 0 ..< graph.rowCount {
            let level = Int(levels[row])
            guard level <= max(0, graph.maxLevel) else {
                throw .corrupt(path: path, reason: "row \(row) has level \(level) above the top level \(graph.maxLevel)")
            }
            if level > 0 {
                let offset = offsets[row]
                guard offset != HNSWGraph.noUpper, Int(offset) + level * (graph.m + 1) <= graph.upperLinkCount else {
                    throw .corrupt(path: path, reason: "row \(row)'s upper neighbour lists are out of range")
                }
            }
        }
        if graph.entryPoint >= 0, Int(levels[graph.entryPoint]) != graph.maxLevel {
            throw .corrupt(path: path, reason: "the entry point is not on the top level")
        }
        let words = (graph.rowCount + 63) / 64
        var removed = 0
        for index in 0 ..< words { removed += graph.tombstoneWords[index].nonzeroBitCount }
        if graph.rowCount & 63 != 0, words > 0, graph.tombstoneWords[words - 1] >> UInt64(graph.rowCount & 63) != 0 {
            throw .corrupt(path: path, reason: "tombstones beyond the last row")
        }
        guard removed == graph.rowCount - graph.liveCount else {
            throw .corrupt(path: path, reason: "\(removed) tombstones for \(graph.rowCount - graph.liveCount) removed rows")
        }
    }
}
