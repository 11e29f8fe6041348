import Foundation
import TestSupport
import XCTest

/// What the commands do when PostgreSQL fails under them: a backend terminated or crashed in the middle of
/// an import, a statement past its deadline, a server that accepts connections and never answers. Each
/// command ends quickly with an error naming the problem, and running it again completes the import with
/// nothing lost or duplicated. Needs the servers of `make test` (scripts/pg/with-servers.sh).
final class PostgresFailureTests: TimedTestCase {
    override func setUp() {
        super.setUp()
        signal(SIGPIPE, SIG_IGN)  // a psql session ended by the server must not end the tests when written to
    }

    /// The primary's URL with the catalog in a fresh schema, and that schema.
    private func primary(options: String = "") throws -> (url: String, schema: String) {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["LOOKALIKE_TEST_POSTGRES_URL"], !url.isEmpty,
              environment["LOOKALIKE_PG_BIN"] != nil else {
            if environment["LOOKALIKE_REQUIRE_POSTGRES"] == "1" || environment["CI"] == "true" {
                XCTFail("LOOKALIKE_TEST_POSTGRES_URL / LOOKALIKE_PG_BIN are not set but a PostgreSQL server is required (run `make test`)")
            }
            throw XCTSkip("LOOKALIKE_TEST_POSTGRES_URL not set: run `make test` for the PostgreSQL tests")
        }
        let schema = "fail_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        return (url + (url.contains("?") ? "&" : "?") + "schema=\(schema)&sslmode=disable" + options, String(schema))
    }

    /// Runs SQL with psql on the test primary (as the test's database user) and returns its unaligned output.
    private func psql(_ sql: String) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let url = environment["LOOKALIKE_TEST_POSTGRES_URL"] ?? ""
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (environment["LOOKALIKE_PG_BIN"] ?? "") + "/psql")
        process.arguments = ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "psql", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "psql \(sql): \(String(decoding: errors, as: UTF8.self))"])
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Products and vectors stored in `schema`, and how many distinct product ids the vectors name.
    private func counts(_ schema: String) throws -> (products: Int, vectors: Int, distinct: Int) {
        let line = try psql("SELECT (SELECT count(*) FROM \(schema).products), (SELECT count(*) FROM \(schema).vectors), "
            + "(SELECT count(DISTINCT product_id) FROM \(schema).vectors)")
        let parts = line.split(separator: "|").compactMap { Int($0) }
        return parts.count == 3 ? (parts[0], parts[1], parts[2]) : (-1, -1, -1)
    }

    /// A psql session that takes an exclusive lock on `table` and holds it until `release` is called, so
    /// the next write of the import waits on the server: a backend that is serving a query.
    private func holdLock(on table: String) throws -> (release: () -> Void, process: Process) {
        let environment = ProcessInfo.processInfo.environment
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (environment["LOOKALIKE_PG_BIN"] ?? "") + "/psql")
        process.arguments = ["-X", "-q", "-d", environment["LOOKALIKE_TEST_POSTGRES_URL"] ?? ""]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("BEGIN; LOCK TABLE \(table) IN ACCESS EXCLUSIVE MODE;\n".utf8))
        return ({
            guard process.isRunning else { return }
            try? input.fileHandleForWriting.write(contentsOf: Data("ROLLBACK;\n\\q\n".utf8))
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }, process)
    }

    /// The pids of Lookalike's backends waiting on a lock (the import's write held by `holdLock`), once there
    /// are any or the import has ended.
    private func backendsWaitingOnALock(_ running: CLIRunner.Running) throws -> [Int32] {
        var pids: [Int32] = []
        try wait("an import statement waiting on the lock", seconds: 60) {
            pids = try psql("SELECT pid FROM pg_stat_activity WHERE application_name = 'lookalike' AND wait_event_type = 'Lock'")
                .split(separator: "\n").compactMap { Int32($0) }
            return !pids.isEmpty || !running.process.isRunning
        }
        return pids
    }

    /// Waits until `condition` holds (polling), failing the test after `seconds`.
    private func wait(_ what: String, seconds: Double = 120, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while try !condition() {
            guard Date() < deadline else { XCTFail("timed out waiting for \(what)"); return }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// Waits for a started command to end; returns its output and how long it took after `since`.
    private func finish(_ running: CLIRunner.Running, since: Date, limit: Double = 60) -> (CLIRunner.Output, Double) {
        let deadline = Date().addingTimeInterval(limit)
        while running.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if running.process.isRunning {
            running.process.interrupt()
            XCTFail("the command was still running \(Int(limit)) s later")
        }
        running.process.waitUntilExit()
        let output = CLIRunner.Output(status: running.process.terminationStatus, stdout: running.outputs.stdout(),
                                      stderr: running.outputs.stderr())
        return (output, Date().timeIntervalSince(since))
    }

    /// Starts an import of 400 Fashion-MNIST test items into `db` and waits until its first batches are stored.
    private func startImport(_ db: String, schema: String, in folder: URL) throws -> CLIRunner.Running {
        let images = folder.appendingPathComponent("images").path
        let running = try CLIRunner.start(["index", "fashion-mnist:test", "--limit", "400", "--batch", "16", "--db", db,
                                           "--images", images], in: folder)
        try wait("the first stored products") {
            XCTAssertTrue(running.process.isRunning || running.process.terminationStatus == 0, running.outputs.stderr())
            return (try? counts(schema).vectors) ?? 0 >= 16 || !running.process.isRunning
        }
        return running
    }

    /// Runs the import again and checks that the catalog then holds all 400 products exactly once.
    private func rerunCompletes(_ db: String, schema: String, in folder: URL) throws {
        let images = folder.appendingPathComponent("images").path
        let again = try CLIRunner.run(["index", "fashion-mnist:test", "--limit", "400", "--batch", "16", "--db", db,
                                       "--images", images], in: folder, timeout: 300)
        XCTAssertEqual(again.status, 0, again.stderr)
        let stored = try counts(schema)
        XCTAssertEqual(stored.products, 400)
        XCTAssertEqual(stored.vectors, 400)
        XCTAssertEqual(stored.distinct, 400, "no product is stored twice")
    }

    func testImportEndsWithTheDatabaseErrorWhenItsBackendIsTerminatedAndARerunCompletes() throws {
        let (db, schema) = try primary()
        let folder = try CLIRunner.temporaryFolder(self)
        let running = try startImport(db, schema: schema, in: folder)
        XCTAssertTrue(running.process.isRunning, "the import finished before it could be interrupted: \(running.outputs.stderr())")
        let lock = try holdLock(on: "\(schema).vectors")
        defer { lock.release() }
        // The import's next write now waits on the lock: terminate the backend serving it.
        for pid in try backendsWaitingOnALock(running) { _ = try psql("SELECT pg_terminate_backend(\(pid))") }
        let killed = Date()
        let (output, seconds) = finish(running, since: killed)
        lock.release()
        XCTAssertNotEqual(output.status, 0, "the import cannot have stored its batch: \(output.stderr)")
        XCTAssertLessThan(seconds, 30, "the command ends within 30 s of the failure")
        XCTAssertTrue(output.stderr.contains("terminating connection due to administrator command")
                      || output.stderr.contains("the server closed the connection"), output.stderr)
        XCTAssertTrue(output.stderr.contains("storing 16 products") || output.stderr.contains("storing"), output.stderr)
        try rerunCompletes(db, schema: schema, in: folder)
    }

    func testImportEndsWhenItsBackendCrashesAndTheServerRecoversForTheRerun() throws {
        let (db, schema) = try primary()
        let folder = try CLIRunner.temporaryFolder(self)
        let running = try startImport(db, schema: schema, in: folder)
        XCTAssertTrue(running.process.isRunning, "the import finished before it could be interrupted: \(running.outputs.stderr())")
        let lock = try holdLock(on: "\(schema).vectors")
        // A backend killed by a signal (as pgvector's SIGILL on a CPU it was not built for): the server
        // ends every connection and recovers. Ours hold the import's statement on the lock first.
        for pid in try backendsWaitingOnALock(running) { kill(pid, SIGKILL) }
        let killed = Date()
        let (output, seconds) = finish(running, since: killed)
        lock.release()
        XCTAssertNotEqual(output.status, 0, output.stderr)
        XCTAssertLessThan(seconds, 30, "the command ends within 30 s of the crash")
        XCTAssertTrue(output.stderr.contains("catalog database error while storing"), output.stderr)
        try wait("the server to accept connections again", seconds: 60) { (try? psql("SELECT 1")) == "1" }
        try rerunCompletes(db, schema: schema, in: folder)
    }

    func testAStatementPastItsDeadlineFailsWithTheServersReason() throws {
        let (db, schema) = try primary(options: "&statement_timeout=2")
        let folder = try CLIRunner.temporaryFolder(self)
        let running = try startImport(db, schema: schema, in: folder)
        let lock = try holdLock(on: "\(schema).vectors")
        defer { lock.release() }
        let (output, seconds) = finish(running, since: Date())
        XCTAssertNotEqual(output.status, 0, output.stderr)
        XCTAssertLessThan(seconds, 30)
        XCTAssertTrue(output.stderr.contains("canceling statement due to statement timeout"), output.stderr)
    }

    func testSIGTERMStopsAnImportStuckOnTheDatabaseWithinSeconds() throws {
        let (db, schema) = try primary()
        let folder = try CLIRunner.temporaryFolder(self)
        let running = try startImport(db, schema: schema, in: folder)
        let lock = try holdLock(on: "\(schema).vectors")
        defer { lock.release() }
        _ = try backendsWaitingOnALock(running)
        let signalled = Date()
        running.process.terminate()  // SIGTERM, as systemd or docker stop sends
        let (output, seconds) = finish(running, since: signalled)
        XCTAssertEqual(output.status, 130, output.stderr)
        XCTAssertLessThan(seconds, 15, "the polite stop cannot finish (the database holds the batch), so the command exits after its grace period")
        XCTAssertTrue(output.stderr.contains("still busy 8 s after the stop request"), output.stderr)
    }

    func testAServerThatNeverAnswersFailsTheCommandWithinItsDeadline() throws {
        // A TCP listener that accepts and then says nothing: a hung server or a black-holing proxy.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(listener, 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(listener, pointer, length) == 0, listen(listener, 16) == 0 else { return -1 }
                return getsockname(listener, pointer, &length)
            }
        }
        XCTAssertEqual(bound, 0)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let folder = try CLIRunner.temporaryFolder(self)
        let started = Date()
        let stats = try CLIRunner.run(["stats", "--db", "postgres://user:secret@127.0.0.1:\(port)/db?sslmode=disable&statement_timeout=2"],
                                      in: folder, timeout: 60)
        XCTAssertNotEqual(stats.status, 0)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30)
        XCTAssertTrue(stats.stderr.contains("cannot open the catalog database postgres://user@127.0.0.1:\(port)/db"), stats.stderr)
        XCTAssertTrue(stats.stderr.contains("Connect timeout") || stats.stderr.contains("no answer within 12 s"), stats.stderr)
        XCTAssertFalse(stats.stderr.contains("secret"), "the password is never printed")
    }
}
