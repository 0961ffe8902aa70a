import Foundation
public import HTTPTypes
public import Hummingbird

/// An HTTP API failure, answered with its status and a JSON body:
/// `{"error": {"parameter": "from", "message": "..."}}` (`parameter` only when one is at fault).
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// The query parameter at fault, as named in the URL.
    public var parameter: String?
    /// What is wrong.
    public var message: String

    /// An error answered with `status`.
    public init(_ status: HTTPResponse.Status, parameter: String? = nil, _ message: String) {
        self.status = status
        self.parameter = parameter
        self.message = message
    }

    /// A 400 about `parameter`.
    static func badParameter(_ parameter: String, _ message: String) -> APIError {
        APIError(.badRequest, parameter: parameter, message)
    }

    /// The JSON body.
    var body: String {
        var error: [String: String] = ["message": message]
        if let parameter { error["parameter"] = parameter }
        let data = try? JSONSerialization.data(withJSONObject: ["error": error], options: [.sortedKeys])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? #"{"error":{"message":"internal error"}}"#
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body + "\n")))
    }
}
