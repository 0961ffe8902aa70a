public import DriftlineStore
import Foundation
import HTTPTypes
public import Hummingbird

/// The HTTP API of the history store: `GET /api/v1/windows`, `/alerts`, `/triggers` and `/models`,
/// with the filters of `driftline query` as query parameters, JSON or CSV, and cursor paging, and
/// `GET /api/v1/compare`, two versions or periods side by side (`docs/store.md`, "HTTP API").
///
/// Every store read runs on the store's own queue, off the cooperative pool, and every value
/// reaches SQLite as a bound argument.
public struct HistoryAPI: Sendable {
    /// Rows per page when the request names no `limit`.
    public static let defaultLimit = 1000
    /// The largest `limit` a request may ask for.
    public static let maximumLimit = 10_000

    /// The `Link` header field.
    static let link = HTTPField.Name("Link")!

    private let source: StoreSource
    private let now: @Sendable () -> Int64

    /// The API over the store at `path`, opened read-only at the first request that needs it (a
    /// store that is missing or unreadable answers 503). `now` (epoch milliseconds) anchors
    /// relative times such as `from=-7d`.
    public init(storePath: String, now: @escaping @Sendable () -> Int64 = HistoryAPI.wallClock) {
        source = StoreSource(path: storePath)
        self.now = now
    }

    /// The API over an open store.
    public init(store: HistoryStore, now: @escaping @Sendable () -> Int64 = HistoryAPI.wallClock) {
        source = StoreSource(store: store)
        self.now = now
    }

    /// The current time, epoch milliseconds.
    @Sendable public static func wallClock() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Adds the API's routes, under `/api/v1`, to `router`; any other path under `/api/v1`
    /// answers a JSON 404.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let group = router.group("api/v1")
        for kind in StoreQuery.Kind.allCases {
            group.get(RouterPath(kind.rawValue)) { request, _ in
                try await respond(kind, to: request)
            }
        }
        group.get("compare") { request, _ in
            try await compare(request)
        }
        group.get("**") { request, _ -> Response in
            throw APIError(.notFound, "no such endpoint: \(request.uri.path)")
        }
    }

    /// The answer to a `GET` of `kind`'s endpoint.
    func respond(_ kind: StoreQuery.Kind, to request: Request) async throws(APIError) -> Response {
        let parameters = try APIParameters(query: request.uri.query ?? "", known: APIParameters.listing)
        let format = try parameters.format(accept: request.headers[.accept])
        let query = try parameters.storeQuery(kind, now: now())
        let store = try source.open()
        let rows: StoreRows
        do {
            rows = try await store.rows(query)
        } catch {
            throw APIError(.serviceUnavailable, "the history store cannot be read: \(error)")
        }
        var headers: HTTPFields = [:]
        let cursor = rows.next.map(Cursor.encode)
        if let cursor {
            let authority = request.head.authority ?? ""
            let base = authority.isEmpty ? "" : "http://\(authority)"
            let next = parameters.replacing("cursor", with: cursor)
            headers[Self.link] = "<\(base)\(request.uri.path)?\(next)>; rel=\"next\""
        }
        let body: String
        switch format {
        case .json:
            headers[.contentType] = "application/json; charset=utf-8"
            var text = #"{"records":["#
            for (index, row) in rows.rows.enumerated() {
                if index > 0 { text += "," }
                text += row.record
            }
            text += #"],"next_cursor":"#
            text += cursor.map { "\"\($0)\"" } ?? "null"
            body = text + "}\n"
        case .csv:
            headers[.contentType] = "text/csv; charset=utf-8"
            body = rows.timesAsRFC3339().csv()
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// The answer to `GET /api/v1/compare`: the comparison as one JSON object, or its metric rows
    /// as CSV.
    func compare(_ request: Request) async throws(APIError) -> Response {
        let parameters = try APIParameters(query: request.uri.query ?? "", known: APIParameters.comparing)
        let format = try parameters.format(accept: request.headers[.accept])
        let asked = try parameters.comparison(now: now())
        let store = try source.open()
        let comparison: Comparison
        do {
            comparison = try await store.compare(asked)
        } catch let error as QueryParameterError {
            throw APIError.badParameter(error.parameter, error.message)
        } catch {
            throw APIError(.serviceUnavailable, "the history store cannot be read: \(error)")
        }
        var headers: HTTPFields = [:]
        let body: String
        switch format {
        case .json:
            headers[.contentType] = "application/json; charset=utf-8"
            do {
                body = String(decoding: try ContractEncoder().encode(comparison), as: UTF8.self) + "\n"
            } catch {
                throw APIError(.internalServerError, "cannot encode the comparison: \(error)")
            }
        case .csv:
            headers[.contentType] = "text/csv; charset=utf-8"
            body = comparison.table.csv()
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
