import Foundation

extension HNSWGraph {
    /// Links rows `rows` (stored, not yet linked) into the graph, `threads` at a time.
    ///
    /// The highest-level new row goes first (alone) when it raises the top level, so the entry point is
    /// fixed while the others are inserted in parallel. Each thread keeps its own scratch; neighbour lists
    /// are written under per-node locks and read without them (a reader may see a list mid-update, which
    /// holds valid rows only, as faiss does).
    func link(rows: Range<Int>, threads: Int) {
        guard !rows.isEmpty else { return }
        var top = rows.lowerBound
        for row in rows where levelPointer[row] > levelPointer[top] { top = row }
        let topLevel = Int(levelPointer[top])
        var skip = -1
        if entryPoint < 0 {
            entryPoint = top
            maxLevel = topLevel
            skip = top
        } else if topLevel > maxLevel {
            insertAll(rows: top ..< top + 1, skip: -1, threads: 1)
            entryPoint = top
            maxLevel = topLevel
            skip = top
        }
        insertAll(rows: rows, skip: skip, threads: threads)
    }

    /// Inserts `rows` highest level first (as faiss does: the upper levels are built before the crowd below
    /// arrives), rows of one level in ascending order, so one thread gives the same graph every time.
    private func insertAll(rows: Range<Int>, skip: Int, threads: Int) {
        let locks = self.locks
        let levels = levelPointer
        let order = rows.sorted { levels[$0] > levels[$1] || (levels[$0] == levels[$1] && $0 < $1) }
        let queue = HNSWWorkQueue(0 ..< order.count, chunk: 16)
        let workers = max(1, min(threads, rows.count / 16 + 1))
        let listSize = max(parameters.efConstruction, 2 * m0 + 2)
        withMeasure { box in
            let work = { (_: Int) in
                self.scratch.with(rows: self.rowCount, stride: self.stride, list: listSize) { scratch in
                    while let chunk = queue.take() {
                        for position in chunk where order[position] != skip {
                            let row = order[position]
                            switch box {
                            case let .float32(measure): self.insert(row, measure, scratch, locks)
                            case let .float16(measure): self.insert(row, measure, scratch, locks)
                            }
                        }
                    }
                }
            }
            parallelParts(workers, work)
        }
    }

    /// Inserts one stored row: greedy descent to its level, then at each level below a search for
    /// `efConstruction` candidates, the heuristic choice of neighbours, and links both ways.
    func insert<Space: HNSWSpace>(_ row: Int, _ measure: HNSWMeasure<Space>, _ scratch: HNSWScratch, _ locks: HNSWLocks) {
        let entryRow = entryPoint
        guard entryRow >= 0, entryRow != row else { return }
        let query = scratch.query
        prepareStored(row: row, into: query)
        let queryNorm = normPointer[row]
        let level = Int(levelPointer[row])
        var entry = HNSWCandidate(distance: measure.distance(entryRow, query, queryNorm), row: Int32(entryRow))
        var current = maxLevel
        while current > level {
            entry = greedy(measure, query, queryNorm, from: entry, level: current)
            current -= 1
        }
        let acceptance = HNSWAcceptance(allowed: nil, removed: liveCount < rowCount ? UnsafePointer(tombstoneWords) : nil)
        for layer in Swift.stride(from: min(level, maxLevel), through: 0, by: -1) {
            scratch.clearVisited()
            _ = scratch.visit(row)  // never its own neighbour
            searchLevel(measure, query, queryNorm, from: entry, level: layer, ef: parameters.efConstruction,
                        acceptance: acceptance, scratch: scratch)
            let found = sortedResults(scratch)
            guard found > 0 else { continue }
            entry = scratch.list[0]
            let chosen = selectNeighbours(measure, from: scratch.list, count: found,
                                          maximum: maximumNeighbours(level: layer), into: scratch.selected)
            locks.withLock(row) {
                addLinks(measure, to: row, from: scratch.selected, count: chosen, level: layer, scratch: scratch)
            }
            for index in 0 ..< chosen {
                var back = scratch.selected[index]
                let neighbour = Int(back.row)
                back.row = Int32(truncatingIfNeeded: row)
                locks.withLock(neighbour) {
                    addLinks(measure, to: neighbour, from: &back, count: 1, level: layer, scratch: scratch)
                }
            }
        }
    }

    /// faiss/hnswlib's neighbour heuristic: walking `candidates` nearest first, keep one unless it is nearer
    /// to an already kept neighbour than to the base (so the kept ones point in different directions).
    /// Removed rows are dropped. Returns how many were written to `output`.
    @inline(__always)
    func selectNeighbours<Space: HNSWSpace>(_ measure: HNSWMeasure<Space>, from candidates: UnsafePointer<HNSWCandidate>,
                                            count: Int, maximum: Int,
                                            into output: UnsafeMutablePointer<HNSWCandidate>) -> Int {
        var kept = 0
        let checkRemoved = liveCount < rowCount
        for index in 0 ..< count where kept < maximum {
            let candidate = candidates[index]
            let row = Int(candidate.row)
            if checkRemoved, isRemoved(row) { continue }
            var good = true
            for other in 0 ..< kept where measure.distance(row, Int(output[other].row)) < candidate.distance {
                good = false
                break
            }
            if good {
                output[kept] = candidate
                kept += 1
            }
        }
        return kept
    }

    /// Adds `count` neighbours (with their distances to `row`) to `row`'s list at `level`; when the list
    /// overflows, the old and new neighbours are pruned together by the heuristic. Caller holds `row`'s lock.
    func addLinks<Space: HNSWSpace>(_ measure: HNSWMeasure<Space>, to row: Int, from additions: UnsafePointer<HNSWCandidate>,
                                    count: Int, level: Int, scratch: HNSWScratch) {
        guard let (list, capacity) = list(row, level: level) else { return }
        var size = min(Int(list[0]), capacity)
        var overflow = 0
        let merge = scratch.merge
        for index in 0 ..< count {
            let addition = additions[index]
            guard Int(addition.row) != row, !contains(list, size, addition.row) else { continue }
            if size < capacity {
                list[size + 1] = addition.row
                size += 1
                list[0] = Int32(size)
            } else {
                merge[overflow] = addition
                overflow += 1
            }
        }
        guard overflow > 0 else { return }
        var total = overflow
        for slot in 1 ... size {
            let neighbour = Int(list[slot])
            guard UInt(bitPattern: neighbour) < UInt(rowCount) else { continue }
            merge[total] = HNSWCandidate(distance: measure.distance(row, neighbour), row: list[slot])
            total += 1
        }
        var sorting = UnsafeMutableBufferPointer(start: merge, count: total)
        sorting.sort(by: HNSWCandidate.nearer)
        let kept = selectNeighbours(measure, from: merge, count: total, maximum: capacity, into: scratch.pruned)
        for index in 0 ..< kept { list[index + 1] = scratch.pruned[index].row }
        list[0] = Int32(kept)
    }

    @inline(__always)
    private func contains(_ list: UnsafeMutablePointer<Int32>, _ size: Int, _ row: Int32) -> Bool {
        var slot = 1
        while slot <= size {
            if list[slot] == row { return true }
            slot += 1
        }
        return false
    }
}
