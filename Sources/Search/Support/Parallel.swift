import Dispatch

/// Runs `body(part)` for every part in `0 ..< parts`, on all cores when there is more than one part, and
/// returns when all are done.
///
/// `body` is not checked for `Sendable`, since the callers hand it raw pointers into their buffers. That
/// is safe because of how every caller splits its work: part `p` reads shared inputs and writes only the
/// rows it owns (`stride(from: p, to: count, by: parts)`, or its own slot of a results array), so no two
/// parts touch the same memory, and `concurrentPerform` returns only after the last part finished.
public func parallelParts(_ parts: Int, _ body: (Int) -> Void) {
    guard parts > 1 else {
        if parts == 1 { body(0) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let shared = DisjointWork(body: body)
        DispatchQueue.concurrentPerform(iterations: parts) { shared.body($0) }
    }
}

/// A closure whose parts write disjoint memory (see `parallelParts`), so it may run on several threads.
private struct DisjointWork: @unchecked Sendable {
    let body: (Int) -> Void
}
