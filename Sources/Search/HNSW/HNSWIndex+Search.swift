import Foundation

extension HNSWIndex {
    public func search(_ query: [Float], k: Int, filter: RowFilter?) -> [SearchHit] {
        search(query, k: k, filter: filter, efSearch: tuning.efSearch)
    }

    public func search(batch queries: [Float], k: Int, filter: RowFilter?) -> [[SearchHit]] {
        search(batch: queries, k: k, filter: filter, efSearch: tuning.efSearch)
    }

    /// The `k` best rows for one query with a given candidate list length (higher: better recall, slower).
    ///
    /// Rows outside `filter` are walked through but never returned; when the filter allows at most
    /// `max(exactFilterRows, exactFilterFraction · count)` live rows, those rows are scanned exactly instead.
    public func search(_ query: [Float], k: Int, filter: RowFilter?, efSearch: Int) -> [SearchHit] {
        precondition(query.count == dimension,
                     "HNSWIndex.search: the query has \(query.count) values, the index holds \(dimension)")
        return query.withUnsafeBufferPointer { searchOne($0, k: k, filter: filter, efSearch: efSearch) }
    }

    /// The `k` best rows for each query in `queries` (row-major), searched in parallel on up to `maxThreads` threads.
    public func search(batch queries: [Float], k: Int, filter: RowFilter?, efSearch: Int) -> [[SearchHit]] {
        precondition(queries.count % dimension == 0,
                     "HNSWIndex.search: \(queries.count) floats is not a whole number of \(dimension)-dimensional queries")
        let queryCount = queries.count / dimension
        let results = UnsafeMutableBufferPointer<[SearchHit]>.allocate(capacity: queryCount)
        results.initialize(repeating: [])
        defer { results.deinitialize().deallocate() }
        queries.withUnsafeBufferPointer { all in
            let threads = min(maxThreads, queryCount)
            let run = { (part: Int) in
                for query in stride(from: part, to: queryCount, by: max(1, threads)) {
                    results[query] = searchOne(UnsafeBufferPointer(rebasing: all[query * dimension ..< (query + 1) * dimension]),
                                               k: k, filter: filter, efSearch: efSearch)
                }
            }
            parallelParts(max(threads, 1), run)
        }
        return Array(results)
    }

    private func searchOne(_ query: UnsafeBufferPointer<Float>, k: Int, filter: RowFilter?, efSearch: Int) -> [SearchHit] {
        let graph = self.graph
        guard k > 0, graph.liveCount > 0 else { return [] }
        let prepared = graph.layout.prepare(query)
        var queryNorm: Float = 0
        if metric == .euclidean { for value in query { queryNorm += value * value } }
        let ef = max(1, efSearch)
        let found: [HNSWCandidate] = graph.scratch.with(rows: graph.rowCount, stride: graph.stride,
                                                        list: max(ef, k, 2 * graph.m0 + 2)) { scratch in
            prepared.withUnsafeBufferPointer { preparedBuffer in
                guard let preparedBase = preparedBuffer.baseAddress else { return [] }
                let removed = graph.liveCount < graph.rowCount ? UnsafePointer(graph.tombstoneWords) : nil
                guard let filter else {
                    return walk(preparedBase, queryNorm, k: k, ef: ef,
                                acceptance: HNSWAcceptance(allowed: nil, removed: removed), scratch: scratch)
                }
                // Filter ∧ live, counted, to choose between the graph walk and an exact scan.
                let words = (graph.rowCount + 63) / 64
                if scratch.allowed.count < words { scratch.allowed = [UInt64](repeating: 0, count: words) }
                var allowedCount = 0
                filter.rows.words.withUnsafeBufferPointer { filterWords in
                    for index in 0 ..< words {
                        var word = index < filterWords.count ? filterWords[index] : 0
                        if let removed { word &= ~removed[index] }
                        scratch.allowed[index] = word
                        allowedCount += word.nonzeroBitCount
                    }
                }
                if graph.rowCount & 63 != 0 { scratch.allowed[words - 1] &= (1 << UInt64(graph.rowCount & 63)) - 1 }
                guard allowedCount > 0 else { return [] }
                let threshold = max(tuning.exactFilterRows, Int(tuning.exactFilterFraction * Double(graph.liveCount)))
                return scratch.allowed.withUnsafeBufferPointer { allowed in
                    guard let mask = allowed.baseAddress else { return [] }
                    if allowedCount <= threshold {
                        return graph.scan(preparedBase, queryNorm, k: k, mask: mask)
                    }
                    return walk(preparedBase, queryNorm, k: k, ef: ef,
                                acceptance: HNSWAcceptance(allowed: mask, removed: nil), scratch: scratch)
                }
            }
        }
        return found.map { candidate in
            SearchHit(row: Int(candidate.row),
                      score: metric == .euclidean ? max(0, candidate.distance).squareRoot() : -candidate.distance)
        }
    }

    private func walk(_ query: UnsafePointer<Float>, _ queryNorm: Float, k: Int, ef: Int, acceptance: HNSWAcceptance,
                      scratch: HNSWScratch) -> [HNSWCandidate] {
        graph.withMeasure { box in
            switch box {
            case let .float32(measure):
                return graph.walk(measure, query, queryNorm, k: k, ef: ef, acceptance: acceptance, scratch: scratch)
            case let .float16(measure):
                return graph.walk(measure, query, queryNorm, k: k, ef: ef, acceptance: acceptance, scratch: scratch)
            }
        }
    }
}
