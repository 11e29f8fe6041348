import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

extension MerchantFeedSource {
    /// The XML feed's items, parsed by `XMLParser` on a thread of its own as the iterator asks for them
    /// (streaming: a feed of any size holds at most a few hundred items in memory).
    func xmlItems() throws -> AnySequence<SourceEntry> {
        let root = try FeedSniffer.xmlRoot(of: file)
        guard root == "rss" || root == "feed" else {
            throw CatalogSourceError.malformed(file: file.path, reason: "the root element is "
                + (root.map { "<\($0)>" } ?? "not XML") + "; a Merchant Center XML feed is RSS 2.0 (<rss>) or Atom (<feed>)")
        }
        let file = self.file
        return AnySequence {
            EntryHandOff.iterator(name: "lookalike.merchant-xml") { handOff in
                MerchantXMLReader(file: file, handOff: handOff).run()
            }
        }
    }
}

/// Reads a Merchant Center XML feed with `XMLParser`, handing each `<item>` or `<entry>` over as it ends.
final class MerchantXMLReader: NSObject, XMLParserDelegate {
    private static let atomNamespace = "http://www.w3.org/2005/Atom"

    private let file: URL
    private let fileName: String
    private let folder: URL
    private let handOff: EntryHandOff
    private var depth = 0
    /// The depth of the item being read; nil between items.
    private var itemDepth: Int?
    private var itemCount = 0
    /// The item's `g:` fields, and its unprefixed ones (RSS, Atom or no namespace), by name.
    private var googleFields: [String: [String]] = [:]
    private var plainFields: [String: [String]] = [:]
    /// The field being read (a direct child of the item) and whether it is a `g:` one.
    private var field: (name: String, google: Bool)?
    private var text = ""
    private var stopped = false
    private var failure: (error: Error, line: Int, column: Int)?

    init(file: URL, handOff: EntryHandOff) {
        self.file = file
        self.fileName = file.lastPathComponent
        self.folder = file.deletingLastPathComponent()
        self.handOff = handOff
    }

    /// Parses the whole feed (or until the consumer is gone); a parse error becomes a final problem.
    func run() {
        guard let stream = InputStream(url: file) else {
            _ = handOff.put(.problem(SourceProblem(item: fileName, reason: "the file cannot be opened")))
            return
        }
        let parser = XMLParser(stream: stream)
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = self
        let parsed = parser.parse()
        guard !stopped else { return }
        if failure == nil, !parsed, let error = parser.parserError, !Self.isTolerated(error) {
            failure = (error, parser.lineNumber, parser.columnNumber)  // e.g. the stream failed: no callback came
        }
        guard let failure else { return }
        let reason = "the XML is malformed at line \(failure.line), column \(failure.column) (\(Self.explain(failure.error))); "
            + "the items after it are not listed"
        _ = handOff.put(.problem(SourceProblem(item: fileName, reason: reason)))
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        depth += 1
        let (name, google) = Self.split(elementName, namespaceURI: namespaceURI, qualifiedName: qualifiedName)
        guard let itemDepth else {
            if (name == "item" || name == "entry") && !google {
                itemDepth = depth
                itemCount += 1
                googleFields = [:]
                plainFields = [:]
            }
            return
        }
        guard depth == itemDepth + 1 else { return }
        let namespace = namespaceURI ?? ""
        guard google || namespace.isEmpty || namespace == Self.atomNamespace else { return }
        if name == "link" && !google, let href = attributes["href"],
           attributes["rel"] == nil || attributes["rel"] == "alternate" {
            plainFields["link", default: []].append(href)  // Atom: <link href="…"/>
            return
        }
        field = (name, google)
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if field != nil, let itemDepth, depth == itemDepth + 1 { text += string }
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        if field != nil, let itemDepth, depth == itemDepth + 1 { text += String(decoding: CDATABlock, as: UTF8.self) }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        defer { depth -= 1 }
        guard let itemDepth else { return }
        if depth == itemDepth + 1, let field {
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !value.isEmpty {
                if field.google { googleFields[field.name, default: []].append(value) } else { plainFields[field.name, default: []].append(value) }
            }
            self.field = nil
            text = ""
        } else if depth == itemDepth {
            self.itemDepth = nil
            let google = googleFields, plain = plainFields
            let entry = MerchantFeedSource.entry({ google[$0] ?? plain[$0] ?? [] },
                                                 location: "\(fileName) item \(itemCount)", folder: folder)
            if !handOff.put(entry) {
                stopped = true
                parser.abortParsing()
            }
        }
    }

    /// A well-formedness error stops the parse at once, so the items listed are exactly those before it: libxml2
    /// would go on, guessing, and after such an error it drops every entity (`&amp;`) from the text. Namespace
    /// errors (libxml2's codes 200…299, e.g. an undeclared `g:` prefix) do not stop it: the prefix is read as if
    /// it were declared.
    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        guard !Self.isTolerated(parseError), failure == nil else { return }
        failure = (parseError, parser.lineNumber, parser.columnNumber)
        parser.abortParsing()
    }

    private static func isTolerated(_ error: Error) -> Bool {
        (200 ..< 300).contains((error as NSError).code)
    }

    /// What libxml2's error code means, for the common ones.
    private static func explain(_ error: Error) -> String {
        let code = (error as NSError).code
        switch code {
        case 26, 27: return "an undeclared entity such as &nbsp;: XML knows only &amp; &lt; &gt; &quot; &apos; and numeric ones like &#160;"
        case 68: return "a '<' or '&' that is not markup: write &lt; and &amp;"
        case 73, 76, 77: return "an end tag does not match its start tag"
        default: return "libxml2 error \(code)"
        }
    }

    /// An element's local name and whether it is in the Google namespace; a `g:` prefix counts even when the
    /// feed forgot to declare it.
    private static func split(_ elementName: String, namespaceURI: String?, qualifiedName: String?) -> (String, Bool) {
        var name = elementName
        var google = namespaceURI == MerchantFeedSource.googleNamespace
        if let colon = name.firstIndex(of: ":") {
            google = google || name[..<colon] == "g"
            name = String(name[name.index(after: colon)...])
        } else if qualifiedName?.hasPrefix("g:") == true && namespaceURI?.isEmpty != false {
            google = true
        }
        return (name, google)
    }
}
