import Hummingbird

extension HTML: ResponseGenerator {
    /// The page as a 200 `text/html` response, revalidated on every visit (`Cache-Control: no-cache`).
    func response(from request: Request, context: some RequestContext) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: description)))
    }
}
