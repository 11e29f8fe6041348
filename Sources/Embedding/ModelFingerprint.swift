import Foundation

/// A short, stable fingerprint of a model (its manifest and the size and head of its weights file),
/// so vectors from different models or versions are never mixed.
///
/// The manifest's default `pooling` and `layers` are left out: the model key names both itself, so
/// changing a default does not orphan vectors made with an explicit choice.
enum ModelFingerprint {
    static func of(directory: URL, manifest: ModelManifest) -> String {
        var hash = FNV1a()
        if let bytes = try? Data(contentsOf: directory.appendingPathComponent("manifest.json")) { hash.add(withoutDefaults(bytes)) }
        let modelURL = directory.appendingPathComponent(manifest.model)
        if let size = (try? FileManager.default.attributesOfItem(atPath: modelURL.path))?[.size] as? NSNumber {
            hash.add(Data(size.stringValue.utf8))
        }
        if let handle = try? FileHandle(forReadingFrom: modelURL) {
            if let head = try? handle.read(upToCount: 1 << 20) { hash.add(head) }
            try? handle.close()
        }
        return String(format: "%016llx", hash.value).prefix(12).description
    }

    /// A fingerprint of the int8 model beside the model (all of its XML and weights), nil when there is none.
    /// Not part of the model key (int8 vectors share the float model's space); `--precision auto` keys its
    /// stored choice on it, so a re-quantized or removed int8 model is measured again.
    static func ofInt8(directory: URL) -> String? {
        let xml = directory.appendingPathComponent(Precision.int8ModelFile)
        let weights = xml.deletingPathExtension().appendingPathExtension("bin")
        guard let text = try? Data(contentsOf: xml), let bytes = try? Data(contentsOf: weights, options: .mappedIfSafe) else {
            return nil
        }
        var hash = FNV1a()
        hash.add(text)
        hash.add(bytes)
        return String(format: "%016llx", hash.value).prefix(12).description
    }

    /// The manifest re-serialised with sorted keys and without "pooling" and "layers" (the bytes as they
    /// are if unreadable).
    private static func withoutDefaults(_ bytes: Data) -> Data {
        guard var object = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] else { return bytes }
        object["pooling"] = nil
        object["layers"] = nil
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? bytes
    }
}

/// 64-bit FNV-1a: fast, non-cryptographic.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(_ data: Data) {
        var value = self.value
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            for byte in bytes {
                value ^= UInt64(byte)
                value &*= 0x0000_0100_0000_01B3
            }
        }
        self.value = value
    }
}
