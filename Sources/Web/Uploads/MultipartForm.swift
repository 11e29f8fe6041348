import Hummingbird
import MultipartKit

/// A `multipart/form-data` body, parsed while it streams in (MultipartKit's parser) under a byte cap.
struct MultipartForm: Sendable {
    /// One field: text or a file.
    struct Part: Sendable {
        /// The field name (`name=` of Content-Disposition).
        var name: String
        /// The client's file name, for messages only (never used to store anything).
        var filename: String?
        /// The part's Content-Type, if sent.
        var contentType: String?
        /// The bytes.
        var body: ByteBuffer

        /// The body as UTF-8 text.
        var text: String { String(buffer: body) }
    }

    /// The parts in the order they came.
    var parts: [Part]

    /// The first part named `name`.
    func part(named name: String) -> Part? { parts.first { $0.name == name } }

    /// Every part without a file name, as (name, text) pairs.
    var textFields: [(String, String)] {
        parts.filter { $0.filename == nil }.map { ($0.name, $0.text) }
    }

    /// Most parts one form may have.
    static let maxParts = 200

    /// Reads and parses the body; 413 past `limit` bytes, 400 when it is not well-formed or stops early.
    static func read(_ request: Request, boundary: String, limit: Int) async throws -> MultipartForm {
        try BodyReader.checkDeclaredLength(request, limit: limit)
        let collector = PartCollector()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in collector.header(name, value) }
        parser.onBody = { buffer in collector.body(&buffer) }
        parser.onPartComplete = { collector.complete() }
        var received = 0
        var body = request.body.makeAsyncIterator()
        while let chunk = try await BodyReader.next(&body) {
            received += chunk.readableBytes
            guard received <= limit else { throw APIError.tooLarge(bytes: nil, limit: limit) }
            do {
                try parser.execute(chunk)
            } catch {
                throw malformed("the multipart body is not well-formed")
            }
            if collector.parts.count > maxParts { throw malformed("the form has more than \(maxParts) fields") }
        }
        try BodyReader.checkComplete(request, received: received)
        guard !collector.inPart else { throw malformed("the multipart body ends in the middle of a field (was the upload cut off?)") }
        if let problem = collector.problem { throw malformed(problem) }
        return MultipartForm(parts: collector.parts)
    }

    private static func malformed(_ reason: String) -> APIError {
        APIError(.badRequest, "malformed_multipart", reason)
    }
}

/// Gathers the parser's callbacks into parts (used by one request on one task).
private final class PartCollector {
    var parts: [MultipartForm.Part] = []
    var inPart = false
    var problem: String?
    private var headers: [(String, String)] = []
    private var body = ByteBuffer()

    func header(_ name: String, _ value: String) {
        inPart = true
        headers.append((name.lowercased(), value))
    }

    func body(_ buffer: inout ByteBuffer) {
        inPart = true
        body.writeBuffer(&buffer)
    }

    func complete() {
        defer {
            headers = []
            body = ByteBuffer()
            inPart = false
        }
        guard let disposition = headers.first(where: { $0.0 == "content-disposition" })?.1 else {
            problem = problem ?? "a multipart field has no Content-Disposition header"
            return
        }
        let parameters = HeaderParameters.parse(disposition)
        guard let name = parameters["name"] else {
            problem = problem ?? "a multipart field has no name"
            return
        }
        parts.append(.init(name: name, filename: parameters["filename"],
                           contentType: headers.first(where: { $0.0 == "content-type" })?.1, body: body))
    }
}

/// `form-data; name="image"; filename="a.jpg"` → ["name": "image", "filename": "a.jpg"].
enum HeaderParameters {
    static func parse(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        var index = header.startIndex
        // Skip the value before the first ';'.
        guard let firstSemicolon = header.firstIndex(of: ";") else { return result }
        index = header.index(after: firstSemicolon)
        while index < header.endIndex {
            while index < header.endIndex, header[index] == " " || header[index] == ";" { index = header.index(after: index) }
            guard let equals = header[index...].firstIndex(of: "=") else { break }
            let key = header[index ..< equals].trimmingSpaces().lowercased()
            index = header.index(after: equals)
            var value = ""
            if index < header.endIndex, header[index] == "\"" {
                index = header.index(after: index)
                while index < header.endIndex, header[index] != "\"" {
                    if header[index] == "\\", header.index(after: index) < header.endIndex { index = header.index(after: index) }
                    value.append(header[index])
                    index = header.index(after: index)
                }
                if index < header.endIndex { index = header.index(after: index) }
            } else {
                let end = header[index...].firstIndex(of: ";") ?? header.endIndex
                value = header[index ..< end].trimmingSpaces()
                index = end
            }
            if !key.isEmpty, result[key] == nil { result[key] = value }
        }
        return result
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        var text = self
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
