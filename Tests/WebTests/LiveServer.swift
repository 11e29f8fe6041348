import Foundation
import Logging
import Service
import ServiceLifecycle
import Web
import XCTest

/// The real HTTP server on a loopback port (over the shared Fashion-MNIST catalog), and curl to talk to it.
enum LiveServer {
    static let curlPath = "/usr/bin/curl"

    /// Runs the server for `body`, which gets its port, and stops it gracefully afterwards; over `service`, or
    /// the shared Fashion-MNIST catalog.
    static func run(service: SearchService? = nil, _ configure: (inout WebOptions) -> Void = { _ in }, logger: Logger? = nil,
                    _ body: (Int) async throws -> Void) async throws {
        let service = if let service { service } else { try await WebFixtures.fashionCatalog() }
        var options = WebOptions()
        options.port = 0
        configure(&options)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = try WebServer(service: service, options: options).makeApplication(logger: logger) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "live-test")))
        let server = Task { try await group.run() }
        do {
            let port = try await withTimeout(seconds: 20, "the server to listen") { await ports.first { _ in true } }
            try await body(port)
        } catch {
            await group.triggerGracefulShutdown()
            _ = await server.result
            throw error
        }
        await group.triggerGracefulShutdown()
        _ = await server.result
    }

    /// Runs curl; returns (HTTP status, seconds, body).
    static func curl(_ arguments: [String]) throws -> (status: Int, seconds: Double, body: String) {
        guard FileManager.default.isExecutableFile(atPath: curlPath) else { throw XCTSkip("curl is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: curlPath)
        process.arguments = ["-s", "--max-time", "30", "-w", "\n%{http_code} %{time_total}"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let last = lines.last.map(String.init) ?? ""
        let parts = last.split(separator: " ")
        return (Int(parts.first ?? "") ?? 0, Double(parts.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }
}
