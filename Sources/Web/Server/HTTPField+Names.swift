import HTTPTypes
import Hummingbird

extension HTTPField.Name {
    // Constant, valid header names: the initialiser only fails for invalid characters.
    /// `X-Admin-Key`: the admin key, as an alternative to `Authorization: Bearer`.
    static let adminKey = HTTPField.Name("X-Admin-Key")!
    /// `Cross-Origin-Resource-Policy`: which origins' pages may embed a response (scripts, images).
    static let crossOriginResourcePolicy = HTTPField.Name("Cross-Origin-Resource-Policy")!
    /// `Referrer-Policy`.
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    /// `X-Frame-Options`.
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    /// `X-Request-Id`: the request's id, echoed in every response and named in every log line about it.
    static let xRequestID = HTTPField.Name("X-Request-Id")!
}
