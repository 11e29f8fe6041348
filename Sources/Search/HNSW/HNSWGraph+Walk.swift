/// Which rows a walk may return: not removed, and inside the filter when there is one.
struct HNSWAcceptance {
    /// Allowed rows as bitset words (nil: all).
    let allowed: UnsafePointer<UInt64>?
    /// Removed rows as bitset words (nil: none to check).
    let removed: UnsafePointer<UInt64>?

    @inline(__always)
    func accepts(_ row: Int) -> Bool {
        let bit = UInt64(1) << UInt64(row & 63)
        if let allowed, allowed[row >> 6] & bit == 0 { return false }
        if let removed, removed[row >> 6] & bit != 0 { return false }
        return true
    }
}

extension HNSWGraph {
    /// Greedy descent at one upper level: moves to a nearer neighbour until none is nearer.
    @inline(__always)
    func greedy<Space: HNSWSpace>(_ measure: HNSWMeasure<Space>, _ query: UnsafePointer<Float>, _ queryNorm: Float,
                                  from start: HNSWCandidate, level: Int) -> HNSWCandidate {
        var current = start
        var changed = true
        let rows = UInt(rowCount)
        while changed {
            changed = false
            guard let (list, capacity) = list(Int(current.row), level: level) else { break }
            let count = min(Int(list[0]), capacity)
            var index = 1
            while index <= count {
                let neighbour = Int(list[index])
                index += 1
                guard UInt(bitPattern: neighbour) < rows else { continue }
                let distance = measure.distance(neighbour, query, queryNorm)
                if distance < current.distance {
                    current = HNSWCandidate(distance: distance, row: Int32(truncatingIfNeeded: neighbour))
                    changed = true
                }
            }
        }
        return current
    }

    /// Best-first search at `level` from `start`, keeping the `ef` nearest accepted rows in `scratch.results`.
    ///
    /// Every reached row is a stepping stone (removed and filtered-out rows included) as long as it is
    /// nearer than the farthest kept result or fewer than `ef` are kept; only accepted rows become results.
    /// Rows already marked visited in `scratch` (e.g. the row being inserted) are skipped.
    @inline(__always)
    func searchLevel<Space: HNSWSpace>(_ measure: HNSWMeasure<Space>, _ query: UnsafePointer<Float>, _ queryNorm: Float,
                                       from start: HNSWCandidate, level: Int, ef: Int,
                                       acceptance: HNSWAcceptance, scratch: HNSWScratch) {
        // Locals, not class properties, in the loop: no exclusivity checks per access.
        var candidates = scratch.candidates, results = scratch.results
        candidates.removeAll()
        results.removeAll()
        defer {
            scratch.candidates = candidates
            scratch.results = results
        }
        let visited = scratch.visitedSet
        let rows = UInt(rowCount)
        _ = visited.visit(Int(start.row))
        candidates.push(start)
        if acceptance.accepts(Int(start.row)) { results.push(start) }
        let links0 = links0.pointer(Int32.self)
        let width = m0 + 1
        while !candidates.isEmpty {
            let current = candidates.pop()
            if results.count >= ef, current.distance > results.top.distance { break }
            let list: UnsafeMutablePointer<Int32>, capacity: Int
            if level == 0 {
                list = links0 + Int(current.row) &* width
                capacity = m0
            } else {
                guard let found = self.list(Int(current.row), level: level) else { continue }
                (list, capacity) = found
            }
            let count = min(Int(list[0]), capacity)
            // Unvisited neighbours, scored four at a time (faiss does the same: more loads in flight).
            var batch = SIMD4<Int>(), batched = 0
            var index = 1
            while index <= count {
                let neighbour = Int(list[index])
                index += 1
                guard UInt(bitPattern: neighbour) < rows, !visited.visit(neighbour) else { continue }
                batch[batched] = neighbour
                batched += 1
                guard batched == 4 else { continue }
                batched = 0
                let distances = measure.distance4(batch, query, queryNorm)
                for lane in 0 ..< 4 {
                    offer(batch[lane], distances[lane], ef: ef, acceptance: acceptance, &candidates, &results)
                }
            }
            for lane in 0 ..< batched {
                offer(batch[lane], measure.distance(batch[lane], query, queryNorm), ef: ef, acceptance: acceptance,
                      &candidates, &results)
            }
        }
    }

    /// A reached row becomes a candidate (and, if accepted, a result) when it beats the farthest result.
    @inline(__always)
    private func offer(_ row: Int, _ distance: Float, ef: Int, acceptance: HNSWAcceptance,
                       _ candidates: inout HNSWHeap, _ results: inout HNSWHeap) {
        guard results.count < ef || distance < results.top.distance else { return }
        let candidate = HNSWCandidate(distance: distance, row: Int32(truncatingIfNeeded: row))
        candidates.push(candidate)
        if acceptance.accepts(row) {
            results.push(candidate)
            if results.count > ef { results.pop() }
        }
    }

    /// Moves `scratch.results` into `scratch.list`, nearest first; returns how many.
    @inline(__always)
    func sortedResults(_ scratch: HNSWScratch) -> Int {
        let count = scratch.results.count
        var list = UnsafeMutableBufferPointer(start: scratch.list, count: count)
        _ = list.initialize(from: scratch.results.elements)
        list.sort(by: HNSWCandidate.nearer)
        scratch.results.removeAll()
        return count
    }

    /// Walks down from the entry point and searches level 0: the nearest accepted rows, nearest first.
    func walk<Space: HNSWSpace>(_ measure: HNSWMeasure<Space>, _ query: UnsafePointer<Float>, _ queryNorm: Float,
                                k: Int, ef: Int, acceptance: HNSWAcceptance, scratch: HNSWScratch) -> [HNSWCandidate] {
        guard entryPoint >= 0 else { return [] }
        scratch.clearVisited()
        var entry = HNSWCandidate(distance: measure.distance(entryPoint, query, queryNorm), row: Int32(entryPoint))
        var level = maxLevel
        while level > 0 {
            entry = greedy(measure, query, queryNorm, from: entry, level: level)
            level -= 1
        }
        searchLevel(measure, query, queryNorm, from: entry, level: 0, ef: max(ef, k), acceptance: acceptance,
                    scratch: scratch)
        let count = sortedResults(scratch)
        return Array(UnsafeBufferPointer(start: scratch.list, count: min(k, count)))
    }

    /// Exact scan of the rows set in `mask`: the `k` nearest, nearest first (for very selective filters).
    func scan(_ prepared: UnsafePointer<Float>, _ queryNorm: Float, k: Int, mask: UnsafePointer<UInt64>) -> [HNSWCandidate] {
        var heap = TopK(k: k)
        let plan = ScanPlan(mask: mask, squaredNorms: metric == .euclidean ? UnsafePointer(normPointer) : nil)
        switch storage {
        case .float16:
            plan.scan(Float16Scorer(base: UnsafeRawPointer(vectors.base), stride: stride), rows: 0 ..< rowCount,
                      query: prepared, into: &heap)
        default:
            plan.scan(Float32Scorer(base: UnsafePointer(vectors.pointer(Float.self)), stride: stride),
                      rows: 0 ..< rowCount, query: prepared, into: &heap)
        }
        // Keys are "higher is nearer": cosine the dot, euclidean 2·dot − ‖x‖².
        return heap.sorted().map { entry in
            HNSWCandidate(distance: metric == .euclidean ? queryNorm - entry.key : -entry.key,
                          row: Int32(truncatingIfNeeded: entry.row))
        }
    }
}
