// Tests that cannot hang: every test of every test target runs under a time limit, and a test that
// overruns it stops the whole run with a line naming it, instead of leaving CI waiting forever.
import Dispatch
import Foundation
import XCTest

/// The base class of every Lookalike test class: an `XCTestCase` whose every test runs under a time limit.
///
/// Each test (its `setUp`, the test method, synchronous or `async`, and its `tearDown`) must return
/// within `timeLimit` seconds. If it does not, the run is stopped: a line
/// `error: <Class.testMethod> did not finish within <N> s (its time limit): it is stuck, stopping the run`
/// goes to standard error and the test process exits with status 1, so `swift test` (and `make test`)
/// fails and says which test hung.
///
/// XCTest cannot abandon a test that never returns (an `await` that is never resumed, a lock never
/// released), so ending the process is the only way to turn a hang into a failure; the tests after the
/// stuck one do not run.
///
/// This works for `async` tests too: swift-corelibs-xctest runs an `async` test method inside
/// `invokeTest()`, blocking the test thread until the method's task ends.
open class TimedTestCase: XCTestCase {
    /// The time limit of a test whose class does not override `timeLimit`: 300 s, or the number of seconds
    /// in the environment variable `LOOKALIKE_TEST_TIME_LIMIT` when it is set to a positive number.
    public static var defaultTimeLimit: TimeInterval {
        if let text = ProcessInfo.processInfo.environment["LOOKALIKE_TEST_TIME_LIMIT"],
           let seconds = TimeInterval(text.trimmingCharacters(in: .whitespaces)), seconds > 0, seconds.isFinite {
            return seconds
        }
        return 300
    }

    /// How long, in seconds, one test of this class may take before the run is stopped as stuck.
    ///
    /// `defaultTimeLimit` unless a subclass overrides it; a class whose tests are legitimately long
    /// (importing thousands of images, driving a browser) overrides it with a larger value.
    open class var timeLimit: TimeInterval { defaultTimeLimit }

    /// The queue the watchdogs run on. A serial queue of its own (which targets an overcommitting root
    /// queue, so it gets a thread even when every worker of the width-limited global queue is blocked by
    /// the test under watch) rather than `DispatchQueue.global()` itself.
    private static let watchdogQueue = DispatchQueue(label: "Lookalike.TimedTestCase.watchdog")

    /// Runs the test as `XCTestCase` does, under a watchdog that stops the process if the test has not
    /// returned within `timeLimit` seconds; the watchdog is cancelled as soon as the test returns.
    open override func invokeTest() {
        let limit = Self.timeLimit
        let testName = name
        let watchdog = DispatchWorkItem {
            TimedTestCase.stopStuckRun(testName: testName, limit: limit)
        }
        Self.watchdogQueue.asyncAfter(deadline: .now() + limit, execute: watchdog)
        defer { watchdog.cancel() }
        super.invokeTest()
    }

    /// Reports the stuck test on standard error and ends the process with status 1.
    private static func stopStuckRun(testName: String, limit: TimeInterval) {
        let seconds = limit.rounded() == limit ? String(Int(limit)) : String(limit)
        let line = "error: \(testName) did not finish within \(seconds) s (its time limit): it is stuck, stopping the run\n"
        // Whatever XCTest has printed so far (the stuck test's "started" line) goes out first.
        fflush(nil)
        FileHandle.standardError.write(Data(line.utf8))
        exit(1)
    }
}
