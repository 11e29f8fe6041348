/// A request that missed one of the server's deadlines (`ConnectionLimits`): the error its body stream
/// ends with, and the source of the 408 the client gets.
struct RequestTimeout: Error, Sendable, Equatable {
    /// Which part of the request was late.
    enum Part: Sendable, Equatable {
        /// The request line and headers.
        case head
        /// The body.
        case body
    }

    /// Which part of the request was late.
    let part: Part
    /// The deadline it missed, in seconds (for the body: the base, before the allowance for bytes received).
    let seconds: Double
    /// For the body: the upload speed, in bytes per second, that earns more time.
    let minimumRate: Int

    /// 408 `request_timeout`, saying which deadline was missed.
    var apiError: APIError {
        let limit = seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)
        switch part {
        case .head:
            return APIError(.requestTimeout, "request_timeout",
                            "the request's URL and headers did not arrive within \(limit) s of their first byte")
        case .body:
            return APIError(.requestTimeout, "request_timeout",
                            "the request body arrived too slowly: it must be complete within \(limit) s, plus one second "
                                + "per \(ByteFormat.text(minimumRate)) received")
        }
    }
}
