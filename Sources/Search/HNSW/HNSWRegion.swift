import Foundation

/// One section of an index in memory: owned (malloc'd, growable) or part of a mapped file.
///
/// Mapped sections are private copy-on-write pages: writes (tombstones, link repairs) stay in this
/// process and never reach the file. Growing a mapped section copies it into owned memory.
///
/// Not `Sendable` by itself: a region crosses threads only as a section of an `HNSWGraph`, whose
/// comment gives the rules that order every read and write of it (and of its `HNSWMapping`).
final class HNSWRegion {
    /// Start of the bytes (never nil, even when empty).
    private(set) var base: UnsafeMutableRawPointer
    /// Bytes available without growing.
    private(set) var capacity: Int
    /// The mapping `base` points into, or nil when owned.
    private var mapping: HNSWMapping?

    /// An owned region of `capacity` uninitialised bytes.
    init(capacity: Int = 0) {
        self.capacity = capacity
        base = HNSWRegion.allocate(capacity)
    }

    /// A region inside a mapped file.
    init(mapping: HNSWMapping, offset: Int, byteCount: Int) {
        self.mapping = mapping
        base = mapping.base + offset
        capacity = byteCount
    }

    deinit {
        if mapping == nil { free(base) }
    }

    /// Whether the bytes live in a mapped file.
    var isMapped: Bool { mapping != nil }

    /// Typed view of the bytes.
    @inline(__always)
    func pointer<T>(_: T.Type) -> UnsafeMutablePointer<T> {
        base.assumingMemoryBound(to: T.self)
    }

    /// Ensures room for `bytes`, keeping the first `used` bytes; grows by at least half.
    func reserve(_ bytes: Int, used: Int) {
        guard bytes > capacity else { return }
        let newCapacity = max(bytes, capacity + capacity / 2)
        if mapping != nil {
            let fresh = HNSWRegion.allocate(newCapacity)
            fresh.copyMemory(from: base, byteCount: min(used, capacity))
            base = fresh
            mapping = nil
        } else {
            guard let grown = realloc(base, max(1, newCapacity)) else {
                fatalError("HNSWIndex: out of memory growing a section to \(newCapacity) bytes")
            }
            base = grown
        }
        capacity = newCapacity
    }

    /// An owned copy of the first `used` bytes (with the same capacity).
    func copy(used: Int) -> HNSWRegion {
        let region = HNSWRegion(capacity: max(capacity, used))
        region.base.copyMemory(from: base, byteCount: used)
        return region
    }

    private static func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
        guard let memory = malloc(max(1, bytes)) else {
            fatalError("HNSWIndex: out of memory allocating \(bytes) bytes")
        }
        return memory
    }
}

/// A whole file mapped privately (copy-on-write) into memory, unmapped when the last user goes.
/// Shared across threads only through the `HNSWRegion`s of an `HNSWGraph` (see there).
final class HNSWMapping {
    /// First byte of the file.
    let base: UnsafeMutableRawPointer
    /// File length in bytes.
    let length: Int

    /// Maps the file at `path`; pages are read from disk on first touch.
    init(path: String) throws(HNSWFileError) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw .cannotOpen(path: path, reason: "not a regular file") }
        let length = Int(status.st_size)
        guard length >= HNSWFileHeader.byteCount else {
            throw .truncated(path: path, expectedBytes: HNSWFileHeader.byteCount, actualBytes: length)
        }
        let address = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE, descriptor, 0)
        guard let address, address != MAP_FAILED else {
            throw .cannotOpen(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        base = address
        self.length = length
    }

    deinit {
        munmap(base, length)
    }
}
