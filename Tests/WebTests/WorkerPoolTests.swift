import Foundation
import Web
import TestSupport
import XCTest

/// CPU-heavy steps run on the pool's threads (or Swift's global pool), never on the event loops.
final class WorkerPoolTests: TimedTestCase {
    func testWorkNeverRunsOnAnEventLoop() async throws {
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
        // The runtime runs the body on its preferred executor (the pool) in a fresh process. After a request
        // whose work outlived its deadline (WorkBudgetTests, then this test), it starts and resumes bodies
        // on Swift's global pool (its Dispatch threads, "…-qos") instead: the preference is a preference.
        // Either way, never on a NIO event loop.
        for (index, name) in names.enumerated() {
            XCTAssertTrue(name.hasPrefix("test-pool.") || name.contains("-qos"),
                          "\(index % 2 == 0 ? "started" : "resumed") on \(name)")
            XCTAssertFalse(name.contains("NIO"), "ran on an event loop: \(name)")
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
