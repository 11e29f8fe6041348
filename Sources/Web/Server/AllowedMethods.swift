import Hummingbird

/// Which methods the routes of a path answer, for the `Allow` header of a 405: the router only knows
/// whether a path and method match together. Paths are matched with Hummingbird's own `RouterPath` elements.
struct AllowedMethods: Sendable {
    private let routes: [(pattern: RouterPath, methods: Set<String>)]

    /// The methods of every route the router has (HEAD is answered wherever GET is).
    init(_ routes: [Router<WebContext>.RouteDescription]) {
        var byPattern: [String: (pattern: RouterPath, methods: Set<String>)] = [:]
        for route in routes {
            var methods = byPattern[route.path.description]?.methods ?? []
            methods.insert(route.method.rawValue)
            if route.method == .get { methods.insert(HTTPRequest.Method.head.rawValue) }
            byPattern[route.path.description] = (route.path, methods)
        }
        self.routes = byPattern.values.sorted { $0.pattern.description < $1.pattern.description }
    }

    /// The methods some route answers on `path`, sorted; empty when no route has this path.
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var methods = Set<String>()
        for route in routes where route.pattern.count == segments.count
            && zip(route.pattern, segments).allSatisfy({ element, segment in element ~= segment }) {
            methods.formUnion(route.methods)
        }
        return methods.sorted()
    }
}
