import Foundation

/// What `--precision auto` chose for one model on one CPU, and the measurements it chose from. Stored as
/// JSON (`PrecisionChoiceStore`) and reused while the CPU, the runtime and the model stay the same.
public struct PrecisionChoice: Sendable, Codable, Equatable {
    /// One precision as calibration measured it.
    public struct Measurement: Sendable, Codable, Equatable {
        /// The precision measured.
        public let precision: Precision
        /// Median milliseconds per image over the timed calls (a batch of every calibration image per call).
        public let msPerImage: Double
        /// The lowest cosine to the f32 vector over the calibration photos, for the default descriptor and
        /// the head alone (1 for f32 itself).
        public let minCosine: Double
        /// Whether `minCosine` reaches the accuracy bar.
        public let withinBar: Bool

        /// A measurement.
        public init(precision: Precision, msPerImage: Double, minCosine: Double, withinBar: Bool) {
            self.precision = precision
            self.msPerImage = msPerImage
            self.minCosine = minCosine
            self.withinBar = withinBar
        }
    }

    /// The lowest cosine to the f32 vector a precision may give on the calibration photos.
    public static let cosineBar = 0.99
    /// How much faster (per image) a less exact precision must be to replace a more exact one: timing noise
    /// must not swap f32 for bf16, or bf16 for int8.
    public static let requiredSpeedup = 1.05

    /// The CPU measured on.
    public let cpu: CPUInfo
    /// The OpenVINO build that ran the model.
    public let runtime: String
    /// The model's name and folder.
    public let model: String
    /// The float model's fingerprint, then the int8 model's ("none" without one).
    public let fingerprint: String
    /// The precision chosen.
    public let chosen: Precision
    /// Why, in a sentence.
    public let reason: String
    /// Every precision measured, most exact first (empty when nothing was measured).
    public let measurements: [Measurement]
    /// Calibration photos used.
    public let photos: Int
    /// When it was measured (whole seconds, as stored).
    public let measuredAt: Date

    /// A choice.
    public init(cpu: CPUInfo, runtime: String, model: String, fingerprint: String, chosen: Precision, reason: String,
                measurements: [Measurement], photos: Int, measuredAt: Date) {
        self.cpu = cpu
        self.runtime = runtime
        self.model = model
        self.fingerprint = fingerprint
        self.chosen = chosen
        self.reason = reason
        self.measurements = measurements
        self.photos = photos
        self.measuredAt = Date(timeIntervalSince1970: measuredAt.timeIntervalSince1970.rounded(.down))
    }

    /// Whether this choice was made for the same CPU, runtime and model files.
    func applies(to other: PrecisionChoice.Key) -> Bool {
        cpu == other.cpu && runtime == other.runtime && model == other.model && fingerprint == other.fingerprint
    }

    /// What a stored choice must match to be reused.
    struct Key: Sendable {
        let cpu: CPUInfo
        let runtime: String
        let model: String
        let fingerprint: String
    }

    /// Picks the precision: among those within the bar, the most exact one unless a less exact one is at
    /// least `requiredSpeedup` times faster than it (f32, then bf16, then int8).
    public static func pick(_ measurements: [Measurement]) -> Precision {
        let order: [Precision] = [.f32, .bf16, .int8]
        var best: Measurement?
        for precision in order {
            guard let m = measurements.first(where: { $0.precision == precision }), m.withinBar else { continue }
            if let current = best, m.msPerImage * requiredSpeedup > current.msPerImage { continue }
            best = m
        }
        return best?.precision ?? .f32
    }

    /// "int8 (chosen by --precision auto on <CPU>: 2.1 ms/image against f32 4.3, bf16 3.0; cosine ≥ 0.995)".
    public var summary: String {
        let others = measurements.filter { $0.precision != chosen }
            .map { "\($0.precision.rawValue) \(String(format: "%.2f", $0.msPerImage))\($0.withinBar ? "" : " (outside the bar)")" }
        guard let mine = measurements.first(where: { $0.precision == chosen }) else { return "\(chosen.rawValue) (auto: \(reason))" }
        return "\(chosen.rawValue) (auto: \(String(format: "%.2f", mine.msPerImage)) ms/image"
            + (others.isEmpty ? "" : " against \(others.joined(separator: ", "))")
            + String(format: ", cosine to f32 ≥ %.4f", mine.minCosine) + ")"
    }
}

/// How `--precision auto` came to its precision.
public struct PrecisionDecision: Sendable {
    /// Where the choice came from.
    public enum Source: String, Sendable {
        /// Measured by this process (and stored, unless `storeError` says otherwise).
        case measured
        /// Read from the stored choice of an earlier run.
        case stored
        /// Not measured: no calibration photos were found, so only the float precisions were considered.
        case unmeasured
        /// Not measured: f32 is the only precision this CPU and model folder offer.
        case nothingToChoose
    }

    /// The choice.
    public let choice: PrecisionChoice
    /// Where it came from.
    public let source: Source
    /// The JSON file the choice is kept in (nil when there is no cache folder).
    public let file: URL?
    /// Why the choice could not be stored, if it could not.
    public let storeError: String?
}
