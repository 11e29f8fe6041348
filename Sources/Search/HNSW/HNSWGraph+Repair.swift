import Foundation

extension HNSWGraph {
    /// Unlinks every removed row: each live node whose list points at removed rows gets a new list chosen
    /// (by the neighbour heuristic) among its live neighbours and the live neighbours of those removed rows;
    /// then the removed rows' own lists are emptied, the entry point moves to a live row if needed, and live
    /// rows left without any level-0 neighbour are inserted again.
    func repair(threads: Int) {
        guard unrepairedRemovals > 0 else { return }
        let listSize = max(parameters.efConstruction, m0 * (m0 + 1) + 2)
        let workers = max(1, min(threads, rowCount / 1024 + 1))
        withMeasure { box in
            for level in Swift.stride(from: maxLevel, through: 0, by: -1) {
                let queue = HNSWWorkQueue(0 ..< rowCount, chunk: 256)
                let work = { (_: Int) in
                    self.scratch.with(rows: self.rowCount, stride: self.stride, list: listSize) { scratch in
                        while let chunk = queue.take() {
                            for row in chunk {
                                switch box {
                                case let .float32(measure): self.repair(row, level: level, measure, scratch)
                                case let .float16(measure): self.repair(row, level: level, measure, scratch)
                                }
                            }
                        }
                    }
                }
                parallelParts(workers, work)
            }
        }
        for row in 0 ..< rowCount where isRemoved(row) {
            for level in 0 ... Int(levelPointer[row]) {
                if let (list, _) = list(row, level: level) { list[0] = 0 }
            }
        }
        unrepairedRemovals = 0
        if entryPoint >= 0, isRemoved(entryPoint) {
            entryPoint = -1
            maxLevel = -1
            for row in 0 ..< rowCount where !isRemoved(row) && Int(levelPointer[row]) > maxLevel {
                entryPoint = row
                maxLevel = Int(levelPointer[row])
            }
        }
        relinkIsolated()
    }

    /// Rebuilds one live row's list at `level` if it points at removed rows.
    private func repair<Space: HNSWSpace>(_ row: Int, level: Int, _ measure: HNSWMeasure<Space>, _ scratch: HNSWScratch) {
        guard !isRemoved(row), Int(levelPointer[row]) >= level, let (list, capacity) = list(row, level: level) else { return }
        let size = min(Int(list[0]), capacity)
        let rows = UInt(rowCount)
        var touched = false
        for slot in Swift.stride(from: 1, through: size, by: 1) where UInt(bitPattern: Int(list[slot])) >= rows
            || isRemoved(Int(list[slot])) {
            touched = true
            break
        }
        guard touched else { return }
        scratch.clearVisited()
        _ = scratch.visit(row)
        var total = 0
        let merge = scratch.merge
        func offer(_ neighbour: Int) {
            guard UInt(bitPattern: neighbour) < rows, !isRemoved(neighbour), !scratch.visit(neighbour) else { return }
            merge[total] = HNSWCandidate(distance: measure.distance(row, neighbour), row: Int32(neighbour))
            total += 1
        }
        for slot in Swift.stride(from: 1, through: size, by: 1) {
            let neighbour = Int(list[slot])
            guard UInt(bitPattern: neighbour) < rows else { continue }
            if isRemoved(neighbour) {
                // Removed rows' lists are not written during the repair, so reading them needs no lock.
                guard let (removedList, removedCapacity) = self.list(neighbour, level: level) else { continue }
                let removedSize = min(Int(removedList[0]), removedCapacity)
                for other in Swift.stride(from: 1, through: removedSize, by: 1) { offer(Int(removedList[other])) }
            } else {
                offer(neighbour)
            }
        }
        var sorting = UnsafeMutableBufferPointer(start: merge, count: total)
        sorting.sort(by: HNSWCandidate.nearer)
        let kept: Int
        if total <= capacity {
            for index in 0 ..< total { scratch.pruned[index] = merge[index] }
            kept = total
        } else {
            kept = selectNeighbours(measure, from: merge, count: total, maximum: capacity, into: scratch.pruned)
        }
        for index in 0 ..< kept { list[index + 1] = scratch.pruned[index].row }
        list[0] = Int32(kept)
    }

    /// Inserts again the live rows that lost every level-0 neighbour.
    private func relinkIsolated() {
        guard liveCount > 1, entryPoint >= 0 else { return }
        let links0 = links0.pointer(Int32.self)
        let isolated = (0 ..< rowCount).filter { !isRemoved($0) && $0 != entryPoint && links0[$0 * (m0 + 1)] == 0 }
        guard !isolated.isEmpty else { return }
        let locks = self.locks
        let listSize = max(parameters.efConstruction, 2 * m0 + 2)
        withMeasure { box in
            scratch.with(rows: rowCount, stride: stride, list: listSize) { scratch in
                for row in isolated {
                    switch box {
                    case let .float32(measure): insert(row, measure, scratch, locks)
                    case let .float16(measure): insert(row, measure, scratch, locks)
                    }
                }
            }
        }
    }
}
