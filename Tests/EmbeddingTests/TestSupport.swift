import Embedding
import Foundation
import Imaging
import Synchronization
import XCTest

/// Paths prepared by scripts/setup.sh, and helpers shared by the embedding tests.
enum Paths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let models = root.appendingPathComponent("models")
    static let testModels = root.appendingPathComponent("testdata/models")
    static let images = root.appendingPathComponent("testdata/images")
    static let photos = root.appendingPathComponent("testdata/photos")
    static let python = root.appendingPathComponent(".venv/bin/python")

    static func photo(_ name: String) throws -> EncodedImage {
        for folder in [photos, images] where FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) {
            return try EncodedImage(contentsOf: folder.appendingPathComponent(name))
        }
        throw XCTSkip("fixture \(name) missing: run `make setup`")
    }
}

/// Models are compiled once per test process and shared.
enum SharedModels {
    private static let cache = Mutex<[String: Embedder]>([:])

    static func embedder(_ name: String, precision: Precision, pooling: Pooling? = nil, layers: LayerSelection? = nil) throws -> Embedder {
        let key = "\(name)/\(precision)/\(pooling.map(String.init(describing:)) ?? "-")/\(layers.map(String.init(describing:)) ?? "-")"
        // Compiled under the lock: two tests asking for the same model at once compile it once.
        return try cache.withLock { cache in
            if let cached = cache[key] { return cached }
            let embedder = try compile(name, precision: precision, pooling: pooling, layers: layers)
            cache[key] = embedder
            return embedder
        }
    }

    private static func compile(_ name: String, precision: Precision, pooling: Pooling?, layers: LayerSelection?) throws -> Embedder {
        var options = EmbedderOptions()
        options.precision = precision
        options.pooling = pooling
        options.layers = layers
        let directory = Paths.models.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("manifest.json").path) else {
            XCTFail("model \(name) missing: run `make setup`")
            throw XCTSkip("model missing")
        }
        return try Embedder(directory: directory, options: options)
    }
}

func cosine(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count)
    var dot = 0.0, na = 0.0, nb = 0.0
    for i in a.indices {
        dot += Double(a[i]) * Double(b[i])
        na += Double(a[i]) * Double(a[i])
        nb += Double(b[i]) * Double(b[i])
    }
    return dot / (na.squareRoot() * nb.squareRoot())
}

/// Runs a program and returns its standard output, failing on a non-zero exit.
func runProgram(_ executable: URL, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw NSError(domain: "run", code: Int(process.terminationStatus),
                      userInfo: [NSLocalizedDescriptionKey: String(decoding: errors, as: UTF8.self)])
    }
    return String(decoding: output, as: UTF8.self)
}

extension Array where Element == Float {
    func writeRaw(to url: URL) throws {
        try withUnsafeBufferPointer { try Data(buffer: $0).write(to: url) }
    }
    static func readRaw(from url: URL) throws -> [Float] {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}
