/// Why catalog-tuned similarity could not be fitted or used.
public enum TuningError: Error, CustomStringConvertible, Equatable {
    /// Too few labelled products or classes to learn from.
    case notEnoughData(String)
    /// A numerical routine failed.
    case numerical(String)
    /// A stored tuning cannot be read or does not fit this catalog.
    case unusable(String)

    public var description: String {
        switch self {
        case .notEnoughData(let reason): return "cannot tune: \(reason)"
        case .numerical(let reason): return "cannot tune: \(reason)"
        case .unusable(let reason): return "the stored tuning cannot be used: \(reason)"
        }
    }
}
