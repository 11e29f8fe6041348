import Foundation

extension ManifestSource {
    func jsonlItems() throws -> AnySequence<SourceEntry> {
        let lines = try LineReader(url: file)
        let fileName = file.lastPathComponent
        let folder = file.deletingLastPathComponent()
        let decoder = JSONDecoder()
        return AnySequence(AnyIterator<SourceEntry> {
            while let line = lines.next() {
                if line.text.allSatisfy(\.isWhitespace) { continue }
                return Self.entry(forJSON: line.text, location: "\(fileName) line \(line.number)",
                                  folder: folder, decoder: decoder)
            }
            if let error = lines.takeError() {
                return .problem(SourceProblem(item: fileName, reason: "reading stopped early: \(error.localizedDescription)"))
            }
            return nil
        })
    }

    static func entry(forJSON text: String, location: String, folder: URL, decoder: JSONDecoder) -> SourceEntry {
        let object: [String: JSONScalar]
        do {
            object = try decoder.decode([String: JSONScalar].self, from: Data(text.utf8))
        } catch {
            return .problem(SourceProblem(item: location, reason: "not a JSON object (\(Self.shortReason(error)))"))
        }
        guard let id = object["id"]?.text else {
            return .problem(SourceProblem(item: location, reason: "no \"id\" string or number"))
        }
        guard let image = object["image"]?.text else {
            return .problem(SourceProblem(item: "\(location) (id \(id))", reason: "no \"image\" path"))
        }
        var attributes: [String: String] = [:]
        for (key, value) in object where !["id", "image", "title", "name"].contains(key) {
            if let text = value.text, !text.isEmpty { attributes[key] = text }
        }
        return entry(id: id, image: image, title: object["title"]?.text ?? object["name"]?.text,
                     attributes: attributes, location: location, folder: folder)
    }

    private static func shortReason(_ error: Error) -> String {
        if case let DecodingError.dataCorrupted(context) = error { return context.debugDescription }
        if case DecodingError.typeMismatch = error { return "the line is not an object" }
        return "\(error)"
    }
}

/// A JSON value reduced to the text an attribute can hold; arrays, objects and null have none.
enum JSONScalar: Decodable {
    case text(String)
    case none

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            self = .text(string)
        } else if let bool = try? container.decode(Bool.self) {
            self = .text(bool ? "true" : "false")
        } else if let integer = try? container.decode(Int64.self) {
            self = .text(String(integer))
        } else if let double = try? container.decode(Double.self) {
            self = .text(String(double))
        } else {
            self = .none
        }
    }

    var text: String? {
        if case let .text(value) = self { return value }
        return nil
    }
}
