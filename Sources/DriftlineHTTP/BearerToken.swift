import HTTPTypes
public import Hummingbird

/// Refuses, with 401 and `WWW-Authenticate: Bearer`, every request that does not carry
/// `Authorization: Bearer <token>`; the token is compared in constant time.
public struct BearerToken<Context: RequestContext>: RouterMiddleware {
    private let expected: [UInt8]

    /// A check of requests against `token`.
    public init(_ token: String) {
        expected = Array(token.utf8)
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization], matches(header) else {
            var response = try APIError(
                .unauthorized, "this server needs 'Authorization: Bearer <token>' with its token"
            ).response(from: request, context: context)
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        return try await next(request, context)
    }

    /// Whether `header` is `Bearer <token>` (the scheme in any case), taking as long whatever it holds.
    private func matches(_ header: String) -> Bool {
        let bytes = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count == scheme.count + expected.count else { return false }
        var difference: UInt8 = 0
        for (index, byte) in bytes.enumerated() {
            difference |=
                index < scheme.count
                ? (byte | 0x20) ^ scheme[index] : byte ^ expected[index - scheme.count]
        }
        return difference == 0
    }
}
