import Foundation

/// Looks at the start of a file to tell the feed formats apart: the XML root element, the header row.
enum FeedSniffer {
    /// The XML root element's local name ("rss", "feed"), skipping a BOM, the XML declaration, comments,
    /// processing instructions and a doctype; nil when the file does not start like XML.
    static func xmlRoot(of url: URL) throws -> String? {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw CatalogSourceError.unreadable(path: url.path, reason: "the file is missing or not readable")
        }
        defer { try? handle.close() }
        let head: Data
        do {
            head = try handle.read(upToCount: 1 << 16) ?? Data()
        } catch {
            throw CatalogSourceError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        return xmlRoot(in: String(decoding: head, as: UTF8.self))
    }

    /// The root element's local name in the start of an XML document, or nil.
    static func xmlRoot(in text: String) -> String? {
        var rest = Substring(text)
        if rest.hasPrefix("\u{FEFF}") { rest = rest.dropFirst() }
        while true {
            rest = rest.drop { $0.isWhitespace }
            guard rest.hasPrefix("<") else { return nil }
            if rest.hasPrefix("<?") {
                guard let end = rest.range(of: "?>") else { return nil }
                rest = rest[end.upperBound...]
            } else if rest.hasPrefix("<!--") {
                guard let end = rest.range(of: "-->") else { return nil }
                rest = rest[end.upperBound...]
            } else if rest.hasPrefix("<!") {
                // A doctype, possibly with an internal subset in brackets.
                var depth = 0
                guard let end = rest.firstIndex(where: { character in
                    if character == "[" { depth += 1 } else if character == "]" { depth -= 1 }
                    return character == ">" && depth <= 0
                }) else { return nil }
                rest = rest[rest.index(after: end)...]
            } else {
                let name = rest.dropFirst().prefix { !$0.isWhitespace && $0 != ">" && $0 != "/" }
                guard !name.isEmpty else { return nil }
                return String(name.split(separator: ":").last ?? name)
            }
        }
    }

    /// The header row's names split by `delimiter`, trimmed; empty for an empty file.
    static func header(of url: URL, delimiter: Unicode.Scalar) throws -> [String] {
        let reader = try CSVReader(url: url, delimiter: delimiter)
        return (reader.next()?.fields ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}
