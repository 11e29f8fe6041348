import Crypto

/// A streaming SHA-256 (FIPS 180-4): feed bytes with `update`, then call `finalize`.
/// A thin layer over swift-crypto's `SHA256` (BoringSSL on Linux, CryptoKit on Apple platforms).
public struct SHA256Hasher: Sendable {
    private var hash = SHA256()

    /// Creates a hasher with nothing fed yet.
    public init() {}

    /// Feeds bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        hash.update(bufferPointer: bytes)
    }

    /// Feeds the bytes of an array, `Data` or any other contiguous collection.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { update($0) }
        }
    }

    /// The 32-byte digest of everything fed so far.
    public func finalize() -> [UInt8] {
        Array(hash.finalize())
    }
}
