import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
private let systemClose = Glibc.close
private let systemSend = Glibc.send
#elseif canImport(Darwin)
import Darwin
private let systemClose = Darwin.close
private let systemSend = Darwin.send
#endif

/// A plain TCP connection to a loopback server, for sending exactly the bytes a test wants (half a
/// request head, a trickling body, HTTP/1.0) and seeing when the server closes it. Its calls block: run
/// them through `RawConnection.offPool` from async tests.
final class RawConnection: @unchecked Sendable {
    /// A socket call failed.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// What a read saw.
    struct Received {
        /// The bytes, as text.
        var text: String
        /// Whether the server closed the connection (end of stream or reset).
        var closed: Bool
    }

    private let descriptor: Int32
    private var isOpen = true

    /// Connects to `127.0.0.1:port`, from `source` (another loopback address, e.g. `127.0.0.2`) if given.
    init(port: Int, source: String? = nil) throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        descriptor = fd
        do {
            if let source { try Self.withAddress(source, port: 0) { try Self.check(bind(fd, $0, $1), "bind \(source)") } }
            try Self.withAddress("127.0.0.1", port: port) { try Self.check(connect(fd, $0, $1), "connect") }
        } catch {
            _ = systemClose(fd)
            throw error
        }
    }

    deinit { close() }

    /// Sends all of `text`.
    func send(_ text: String) throws {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let sent = bytes.withUnsafeBytes { systemSend(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
            bytes = bytes.dropFirst(sent)
        }
    }

    /// Reads until the server closes the connection, `until` is satisfied by what arrived, or `timeout` passes.
    func read(timeout: Double, until done: (String) -> Bool = { _ in false }) -> Received {
        var data = Data()
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { break }
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(min(left, 1) * 1000))
            if ready < 0, errno != EINTR { return Received(text: String(decoding: data, as: UTF8.self), closed: true) }
            if ready <= 0 { continue }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return Received(text: String(decoding: data, as: UTF8.self), closed: true) }
            data.append(contentsOf: buffer[0 ..< count])
            if done(String(decoding: data, as: UTF8.self)) { break }
        }
        return Received(text: String(decoding: data, as: UTF8.self), closed: false)
    }

    /// Reads one whole response (head and a body of its Content-Length).
    func readResponse(timeout: Double) -> Received {
        read(timeout: timeout) { text in
            guard let end = text.range(of: "\r\n\r\n") else { return false }
            let head = text[..<end.lowerBound].lowercased()
            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            return text.utf8.count - text[..<end.upperBound].utf8.count >= length
        }
    }

    /// Whether the server has closed the connection, without waiting.
    var isClosedByServer: Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, 0) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) <= 0
    }

    /// Closes the connection from this side.
    func close() {
        guard isOpen else { return }
        isOpen = false
        _ = systemClose(descriptor)
    }

    /// Runs blocking socket work on a thread of its own, off Swift's cooperative pool (which the server's
    /// routes need).
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    private static func withAddress(_ host: String, port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> Void) throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw Failure(description: "bad address \(host)") }
        try withUnsafePointer(to: &address) {
            try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    private static func check(_ status: Int32, _ what: String) throws {
        guard status == 0 else { throw Failure(description: "\(what): \(String(cString: strerror(errno)))") }
    }
}
