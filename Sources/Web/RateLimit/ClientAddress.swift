import NIOCore

/// Whom a request counts against for the rate limit: an IPv4 address, or the /64 network of an IPv6
/// address (one host usually holds a whole /64, so single IPv6 addresses would be free to change).
struct ClientAddress: Hashable, Sendable {
    private enum Family: UInt8 { case v4, v6 }
    private let family: Family
    /// The IPv4 address or the IPv6 /64 prefix, in network byte order.
    private let value: UInt64
    /// Whether the address is this machine's (127.0.0.0/8 or ::1).
    let isLoopback: Bool

    /// The client of a connection; nil for Unix-domain sockets.
    init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            self.init(ipv4: withUnsafeBytes(of: v4.address.sin_addr) { Array($0) })
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            guard bytes.count == 16 else { return nil }
            if bytes[0 ..< 10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
                self.init(ipv4: Array(bytes[12 ..< 16]))
            } else {
                self.init(ipv6: bytes)
            }
        case .unixDomainSocket:
            return nil
        }
    }

    /// An IPv4 address from its four bytes.
    init(ipv4 bytes: [UInt8]) {
        family = .v4
        value = bytes.prefix(4).reduce(0) { $0 << 8 | UInt64($1) }
        isLoopback = bytes.first == 127
    }

    /// An IPv6 address from its sixteen bytes (kept as its /64).
    init(ipv6 bytes: [UInt8]) {
        family = .v6
        value = bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
        isLoopback = bytes.count == 16 && bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1
    }
}
