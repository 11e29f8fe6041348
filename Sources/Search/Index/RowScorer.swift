/// Computes the dot product of a prepared query with one stored row; one type per storage so the
/// scan loop is specialised for each (no dynamic dispatch per row).
protocol RowScorer {
    func dot(_ row: Int, _ query: UnsafePointer<Float>) -> Float
}

struct Float32Scorer: RowScorer {
    let base: UnsafePointer<Float>
    let stride: Int

    @inline(__always)
    func dot(_ row: Int, _ query: UnsafePointer<Float>) -> Float {
        DotKernels.float32(query, base + row &* stride, count: stride)
    }
}

struct Float16Scorer: RowScorer {
    let base: UnsafeRawPointer
    let stride: Int

    @inline(__always)
    func dot(_ row: Int, _ query: UnsafePointer<Float>) -> Float {
        DotKernels.float16(query, base + row &* stride &* 2, count: stride)
    }
}

/// Int8 rows against an int8-quantised query (see `VectorBuffer.prepare`): the query's Int16 levels fill
/// the first half of its buffer and its scale sits in the last float.
struct Int8Scorer: RowScorer {
    let base: UnsafeRawPointer
    let scales: UnsafePointer<Float>
    let stride: Int

    @inline(__always)
    func dot(_ row: Int, _ query: UnsafePointer<Float>) -> Float {
        let levels = DotKernels.int8(UnsafeRawPointer(query), base + row &* stride, count: stride)
        return scales[row] * query[stride &- 1] * Float(levels)
    }
}

/// What a scan needs besides the scorer: which rows, which are allowed, and how to turn a dot into a key.
struct ScanPlan {
    /// Allowed rows as bitset words (nil: every row in range is allowed).
    let mask: UnsafePointer<UInt64>?
    /// Euclidean only: ‖row‖² per row; the key is then 2·dot − ‖row‖² (higher is nearer).
    let squaredNorms: UnsafePointer<Float>?

    /// Scans `rows` (lower bound a multiple of 64) for one query, offering keys to `heap`.
    @inline(__always)
    func scan<Scorer: RowScorer>(_ scorer: Scorer, rows: Range<Int>, query: UnsafePointer<Float>, into heap: inout TopK) {
        var threshold = heap.threshold
        var block = rows.lowerBound
        while block < rows.upperBound {
            let end = min(block + 64, rows.upperBound)
            var bits: UInt64 = mask.map { $0[block >> 6] } ?? ~0
            if end - block < 64 { bits &= (1 << UInt64(end - block)) - 1 }
            while bits != 0 {
                let row = block + bits.trailingZeroBitCount
                bits &= bits &- 1
                let dot = scorer.dot(row, query)
                let key = squaredNorms.map { 2 * dot - $0[row] } ?? dot
                if key > threshold {
                    heap.push(key, row: row)
                    threshold = heap.threshold
                }
            }
            block = end
        }
    }

    /// Scans `rows` for many queries, 64 rows at a time so each block is read from memory once.
    @inline(__always)
    func scan<Scorer: RowScorer>(_ scorer: Scorer, rows: Range<Int>, queries: [UnsafePointer<Float>],
                                 into heaps: inout [TopK]) {
        var block = rows.lowerBound
        while block < rows.upperBound {
            let end = min(block + 64, rows.upperBound)
            for (index, query) in queries.enumerated() {
                scan(scorer, rows: block ..< end, query: query, into: &heaps[index])
            }
            block = end
        }
    }
}
