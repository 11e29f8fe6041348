import Foundation
import Web
import TestSupport
import XCTest

/// CPU-heavy steps start on the pool's own threads, never on the event loops.
final class WorkerPoolTests: TimedTestCase {
    func testWorkStartsOnThePoolThreadsAndNeverResumesOnAnEventLoop() async throws {
        let pool = WorkerPool(threads: 2, name: "test-pool")
        let names = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0 ..< 8 {
                group.addTask {
                    try await pool.run {
                        let before = currentThreadName()
                        await resumedFromAnotherThread()
                        let after = currentThreadName()
                        return [before, after]
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        XCTAssertEqual(names.count, 16)
        for started in stride(from: 0, to: names.count, by: 2) {
            XCTAssertTrue(names[started].hasPrefix("test-pool."), "started on \(names[started])")
        }
        // After a suspension the runtime resumes the body on its preferred executor (the pool), or, once
        // an in-process server has run in this process, now and then on Swift's global concurrent pool
        // (its Dispatch threads, "…-qos"): the preference is a preference. Never on a NIO event loop.
        for resumed in stride(from: 1, to: names.count, by: 2) {
            XCTAssertTrue(names[resumed].hasPrefix("test-pool.") || names[resumed].contains("-qos"), "resumed on \(names[resumed])")
        }
    }

    func testErrorsPassThrough() async {
        struct Boom: Error {}
        let pool = WorkerPool(threads: 1)
        do {
            _ = try await pool.run { () async throws -> Int in throw Boom() }
            XCTFail("expected an error")
        } catch {
            XCTAssertTrue(error is Boom)
        }
    }
}

/// The running thread's name (a function, so async code may ask).
func currentThreadName() -> String {
    // The kernel's name of the calling thread (Foundation's Thread.name may lag behind on Linux).
    let comm = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
    return comm.trimmingCharacters(in: .whitespacesAndNewlines) + " / " + (Thread.current.name ?? "")
}

/// Suspends until a Dispatch thread resumes the task 5 ms later, as a query waiting for its batch of the
/// model does. (`Task.sleep` and `Task.yield` are not used: they may resume on the global executor,
/// ignoring the task's executor preference, swiftlang/swift#74395.)
private func resumedFromAnotherThread() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(5)) { continuation.resume() }
    }
}
