import Foundation

extension TunedSimilarity {
    /// The catalog setting that holds the tuning of vectors with `modelKey`.
    public static func settingKey(modelKey: String) -> String { "tuning:\(modelKey)" }

    /// Serialised form: JSON with the matrices as base64 little-endian Float32.
    private struct Stored: Codable {
        var version = 1
        var label: String
        var classes: [String]
        var parameters: Parameters
        var fittedCount: Int
        /// Absent in tunings stored before it existed (then taken as `fittedCount`).
        var catalogCount: Int?
        var fittedAt: Date
        var inputDimension: Int
        var dimensions: Int
        var whiteningMean: Data
        var whiteningProjection: Data
        var probeMean: Data
        var probeScale: Data
        var probeWeights: Data
        var probeBias: Data
    }

    /// Bytes for the catalog's settings.
    public func encoded() throws -> Data {
        let stored = Stored(label: label, classes: classes, parameters: parameters, fittedCount: fittedCount, catalogCount: catalogCount, fittedAt: fittedAt,
                            inputDimension: inputDimension, dimensions: whiteningPart.dimensions,
                            whiteningMean: Self.bytes(whiteningPart.mean), whiteningProjection: Self.bytes(whiteningPart.projection),
                            probeMean: Self.bytes(probePart.mean), probeScale: Self.bytes(probePart.scale),
                            probeWeights: Self.bytes(probePart.weights), probeBias: Self.bytes(probePart.bias))
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(stored)
    }

    /// Reads what `encoded()` wrote, checking every matrix has the size its header promises.
    public init(encoded data: Data) throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let s: Stored
        do { s = try decoder.decode(Stored.self, from: data) } catch { throw TuningError.unusable("\(error)") }
        let d = s.inputDimension, dims = s.dimensions, k = s.classes.count
        let wm = Self.floats(s.whiteningMean), wp = Self.floats(s.whiteningProjection)
        let pm = Self.floats(s.probeMean), ps = Self.floats(s.probeScale), pw = Self.floats(s.probeWeights), pb = Self.floats(s.probeBias)
        guard s.version == 1, d > 0, dims > 0, k >= 2, wm.count == d, wp.count == d * dims, pm.count == d, ps.count == d,
              pw.count == d * k, pb.count == k else {
            throw TuningError.unusable("its matrices do not have the sizes its header gives")
        }
        self.init(label: s.label, classes: s.classes, parameters: s.parameters, fittedCount: s.fittedCount, catalogCount: s.catalogCount ?? s.fittedCount, fittedAt: s.fittedAt,
                  whitening: WithinClassWhitening(inputDimension: d, dimensions: dims, mean: wm, projection: wp),
                  probe: SoftmaxProbe(inputDimension: d, classes: k, mean: pm, scale: ps, weights: pw, bias: pb))
    }

    private static func bytes(_ values: [Float]) -> Data {
        values.withUnsafeBufferPointer { Data(buffer: $0) }
    }

    private static func floats(_ data: Data) -> [Float] {
        guard data.count % 4 == 0 else { return [] }
        return data.withUnsafeBytes { raw in (0..<(data.count / 4)).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
    }
}
