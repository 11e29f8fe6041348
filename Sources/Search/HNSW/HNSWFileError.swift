/// Why an HNSW index file could not be read or written; each message names the file and the fix.
public enum HNSWFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or mapped (missing, unreadable, a directory…).
    case cannotOpen(path: String, reason: String)
    /// The file is shorter than its header says (an interrupted copy or a full disk).
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    /// The file does not start with the HNSW index magic bytes.
    case notAnIndex(path: String, found: String)
    /// The file was written by a newer (or unknown) format version.
    case unsupportedVersion(path: String, found: Int, supported: Int)
    /// The header or a section is inconsistent (bit rot, a hand-edited or foreign file).
    case corrupt(path: String, reason: String)
    /// The index could not be written (directory missing, disk full, permissions).
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "cannot open the HNSW index \(path): \(reason)"
        case let .truncated(path, expected, actual):
            return "the HNSW index \(path) is truncated: \(actual) bytes, the header needs \(expected); rebuild it"
        case let .notAnIndex(path, found):
            return "\(path) is not an HNSW index (starts with \(found)); rebuild it or point to the right file"
        case let .unsupportedVersion(path, found, supported):
            return "the HNSW index \(path) has format version \(found), this build reads version \(supported); rebuild it"
        case let .corrupt(path, reason):
            return "the HNSW index \(path) is corrupt (\(reason)); rebuild it"
        case let .cannotWrite(path, reason):
            return "cannot write the HNSW index \(path): \(reason)"
        }
    }
}
