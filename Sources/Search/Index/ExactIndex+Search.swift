import Foundation

extension ExactIndex {
    /// The `k` best rows for `query` (`dimension` floats), best first; rows outside `filter` are never scored.
    public func search(_ query: [Float], k: Int, filter: RowFilter?) -> [SearchHit] {
        search(batch: query, k: k, filter: filter).first ?? []
    }

    /// The `k` best rows for each query, reading each block of rows once for the whole batch.
    public func search(batch queries: [Float], k: Int, filter: RowFilter?) -> [[SearchHit]] {
        precondition(queries.count % dimension == 0,
                     "ExactIndex.search: \(queries.count) floats is not a whole number of \(dimension)-dimensional queries")
        let queryCount = queries.count / dimension
        guard k > 0, count > 0 else { return Array(repeating: [], count: queryCount) }
        let prepared: [[Float]] = queries.withUnsafeBufferPointer { all in
            (0 ..< queryCount).map { buffer.prepare(UnsafeBufferPointer(rebasing: all[$0 * dimension ..< ($0 + 1) * dimension])) }
        }
        let mask = allowedRows(filter)
        let heaps = mask.withUnsafeWordPointer { words in
            scanAll(queries: prepared, k: k, mask: words)
        } ?? Array(repeating: TopK(k: k), count: queryCount)
        return (0 ..< queryCount).map { index in
            let queryNorm = metric == .euclidean ? Self.squaredNorm(queries, index, dimension) : 0
            return heaps[index].sorted().map { entry in
                SearchHit(row: entry.row, score: metric == .euclidean ? max(0, queryNorm - entry.key).squareRoot() : entry.key)
            }
        }
    }

    /// Live rows ∧ filter rows, or nil when every row may be scanned.
    private func allowedRows(_ filter: RowFilter?) -> OptionalBitset {
        guard var allowed = filter?.rows else { return OptionalBitset(bits: hasTombstones ? live : nil) }
        allowed.resize(to: rowCount)
        allowed.formIntersection(live)
        return OptionalBitset(bits: allowed)
    }

    /// Scans with the scorer of this storage (each branch a specialised copy of the scan loop).
    private func scanAll(queries: [[Float]], k: Int, mask: UnsafePointer<UInt64>?) -> [TopK]? {
        buffer.squaredNorms.withUnsafeBufferPointer { norms in
            let plan = ScanPlan(mask: mask, squaredNorms: metric == .euclidean ? norms.baseAddress : nil)
            switch buffer.storage {
            case .float32:
                return buffer.floats.withUnsafeBufferPointer { values in
                    values.baseAddress.map {
                        scanInParts(Float32Scorer(base: $0, stride: buffer.stride), plan: plan, queries: queries, k: k)
                    }
                }
            case .float16:
                return buffer.halves.withUnsafeBytes { values in
                    values.baseAddress.map {
                        scanInParts(Float16Scorer(base: $0, stride: buffer.stride), plan: plan, queries: queries, k: k)
                    }
                }
            case .int8:
                return buffer.bytes.withUnsafeBytes { values in
                    buffer.scales.withUnsafeBufferPointer { scales in
                        guard let base = values.baseAddress, let scaleBase = scales.baseAddress else { return nil }
                        return scanInParts(Int8Scorer(base: base, scales: scaleBase, stride: buffer.stride),
                                           plan: plan, queries: queries, k: k)
                    }
                }
            }
        }
    }

    /// Splits the rows into parts (in parallel when the scan is large), then merges each part's top-k.
    private func scanInParts<Scorer: RowScorer>(_ scorer: Scorer, plan: ScanPlan, queries: [[Float]], k: Int) -> [TopK] {
        let work = rowCount * buffer.stride * queries.count
        let threads = work >= parallelThreshold ? min(maxThreads, max(1, rowCount / 4096)) : 1
        let parts = threads == 1 ? 1 : min(threads * 4, max(1, rowCount / 4096))
        let rowsPerPart = ((rowCount + parts - 1) / parts + 63) & ~63
        let results = UnsafeMutableBufferPointer<[TopK]>.allocate(capacity: parts)
        results.initialize(repeating: [])
        defer { results.deinitialize().deallocate() }
        withPointers(to: queries) { pointers in
            let scanPart = { (part: Int) in
                let rows = min(part * rowsPerPart, rowCount) ..< min((part + 1) * rowsPerPart, rowCount)
                var heaps = [TopK](repeating: TopK(k: k), count: pointers.count)
                if pointers.count == 1 {
                    plan.scan(scorer, rows: rows, query: pointers[0], into: &heaps[0])
                } else {
                    plan.scan(scorer, rows: rows, queries: pointers, into: &heaps)
                }
                results[part] = heaps
            }
            parallelParts(parts, scanPart)
        }
        var merged = results[0]
        for part in 1 ..< parts {
            for index in merged.indices { merged[index].merge(results[part][index]) }
        }
        return merged
    }

    private func withPointers<Result>(to queries: [[Float]], _ body: ([UnsafePointer<Float>]) -> Result) -> Result {
        // The arrays are immutable for the duration of `body`, so their storage does not move.
        let flat = queries.flatMap { $0 }
        return flat.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else { return body([]) }
            return body((0 ..< queries.count).map { base + $0 * buffer.stride })
        }
    }

    static func squaredNorm(_ values: [Float], _ row: Int, _ dimension: Int) -> Float {
        var sum: Float = 0
        for index in row * dimension ..< (row + 1) * dimension { sum += values[index] * values[index] }
        return sum
    }
}

/// A bitset that may be absent, lending its words to a closure.
struct OptionalBitset {
    let bits: Bitset?

    func withUnsafeWordPointer<Result>(_ body: (UnsafePointer<UInt64>?) -> Result) -> Result {
        guard let bits else { return body(nil) }
        return bits.words.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
