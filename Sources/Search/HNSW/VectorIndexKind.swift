import Foundation

/// Which index a catalog searches with, as chosen by `--index exact|hnsw|auto`.
public enum VectorIndexKind: String, Sendable, CaseIterable, Codable {
    /// Brute force (`ExactIndex`): exact, fine up to ~100k rows.
    case exact
    /// The HNSW graph (`HNSWIndex`): approximate, milliseconds at millions of rows.
    case hnsw
    /// `exact` below `autoThreshold` live rows, `hnsw` from there on.
    case auto

    /// Live rows from which `auto` picks HNSW. An exact f16 scan of 100k × 1280 takes ~10 ms on one
    /// core, an HNSW search ~1 ms, and below it the graph's build time and approximate results are not worth it.
    public static let autoThreshold = 100_000

    /// `exact` or `hnsw` for an index of `rows` live rows.
    public func resolved(rows: Int) -> VectorIndexKind {
        switch self {
        case .exact, .hnsw: return self
        case .auto: return rows >= Self.autoThreshold ? .hnsw : .exact
        }
    }
}

extension HNSWIndex {
    /// Where the HNSW file of a catalog lives: beside the SQLite file, same name, extension `.hnsw`
    /// (`catalog.sqlite` → `catalog.hnsw`).
    public static func fileURL(besideCatalogAt catalog: URL) -> URL {
        catalog.deletingPathExtension().appendingPathExtension("hnsw")
    }
}
