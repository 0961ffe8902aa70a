import DriftlineStore
import Foundation
import HTTPTypes

/// The query parameters of one request, checked: every name known, none given twice but
/// `segment`, and each value well formed.
struct APIParameters {
    /// How a response is written.
    enum Format: String, CaseIterable {
        case json, csv
    }

    /// Every parameter the listing endpoints read (one that does not apply to an endpoint is
    /// refused by `QueryFilters`, naming it).
    static let listing = [
        "model", "version", "segment", "feature", "from", "to", "resolution", "all_revisions", "format", "limit",
        "cursor",
    ]
    /// Every parameter `/compare` reads.
    static let comparing = [
        "model", "version", "versions", "against", "segment", "from", "to", "resolution", "metric", "format",
    ]
    /// Parameters that may be given more than once.
    static let repeatable = ["segment", "metric"]

    /// The parameters in the order given, percent-decoded (`+` is a space).
    private(set) var pairs: [(name: String, value: String)] = []
    /// The raw `name=value` texts, in the order given, to build the next page's URL from.
    private var raw: [(name: String, text: Substring)] = []

    /// The parameters of `query`, each one of `known`.
    init(query: String, known: [String]) throws(APIError) {
        for text in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else {
                throw APIError.badParameter(String(parts[0]), "'\(parts[0])' is not a percent-encoded name")
            }
            guard known.contains(name) else {
                throw APIError.badParameter(
                    name, "unknown query parameter '\(name)'; known: \(known.joined(separator: ", "))")
            }
            let valueText = parts.count > 1 ? parts[1] : ""
            guard let value = Self.decode(valueText) else {
                throw APIError.badParameter(name, "\(name): '\(valueText)' is not percent-encoded text")
            }
            if !Self.repeatable.contains(name), pairs.contains(where: { $0.name == name }) {
                throw APIError.badParameter(name, "\(name) is given twice")
            }
            pairs.append((name, value))
            raw.append((name, text))
        }
    }

    func value(_ name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// The response format: `format=` when given, else the first of the `Accept` header's media
    /// ranges the API can write (`application/json`, `text/csv`, `*/*`, `application/*`,
    /// `text/*`), JSON without an `Accept`; 406 when it accepts neither.
    func format(accept: String?) throws(APIError) -> Format {
        if let text = value("format") {
            guard let format = Format(rawValue: text) else {
                throw APIError.badParameter("format", "format: '\(text)' is not one of json, csv")
            }
            return format
        }
        guard let accept, !accept.trimmingCharacters(in: .whitespaces).isEmpty else { return .json }
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let media = parts.first else { continue }
            let weights = parts.dropFirst().compactMap { parameter -> Double? in
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                return pair.count == 2 && pair[0] == "q" ? Double(pair[1]) : nil
            }
            if weights.first == 0 { continue }  // q=0: not acceptable
            switch media {
            case "application/json", "application/*", "*/*": return .json
            case "text/csv", "text/*": return .csv
            default: continue
            }
        }
        throw APIError(
            .notAcceptable,
            "cannot answer in any type the Accept header names ('\(accept)'): application/json or text/csv")
    }

    /// The filters these parameters give.
    private var filters: QueryFilters {
        var filters = QueryFilters()
        filters.model = value("model")
        filters.version = value("version")
        filters.segment = pairs.filter { $0.name == "segment" }.map(\.value)
        filters.feature = value("feature")
        filters.from = value("from")
        filters.to = value("to")
        filters.resolution = value("resolution")
        return filters
    }

    /// The comparison these parameters ask for (relative times counted back from `now`).
    func comparison(now: Int64) throws(APIError) -> ComparisonRequest {
        do {
            return try filters.comparison(
                versions: value("versions"), against: value("against"),
                metrics: pairs.filter { $0.name == "metric" }.map(\.value), now: now, spelling: .parameter)
        } catch {
            throw APIError.badParameter(error.parameter, error.message)
        }
    }

    /// The store query of `kind` these parameters select (relative times counted back from `now`).
    func storeQuery(_ kind: StoreQuery.Kind, now: Int64) throws(APIError) -> StoreQuery {
        var filters = filters
        if let text = value("all_revisions") {
            switch text {
            case "true", "": filters.allRevisions = true
            case "false": filters.allRevisions = false
            default: throw APIError.badParameter("all_revisions", "all_revisions: '\(text)' is not true or false")
            }
        }
        var query: StoreQuery
        do {
            query = try filters.query(kind, now: now, spelling: .parameter)
        } catch {
            throw APIError.badParameter(error.parameter, error.message)
        }
        var limit = HistoryAPI.defaultLimit
        if let text = value("limit") {
            guard let number = Int(text), (1...HistoryAPI.maximumLimit).contains(number) else {
                throw APIError.badParameter(
                    "limit", "limit: '\(text)' is not a whole number from 1 to \(HistoryAPI.maximumLimit)")
            }
            limit = number
        }
        query.limit = limit
        if let text = value("cursor") {
            guard let position = Cursor.decode(text, kind: kind) else {
                throw APIError.badParameter(
                    "cursor", "cursor: '\(text)' is not a cursor of /api/v1/\(kind.rawValue) (use next_cursor as given)"
                )
            }
            query.after = position
        }
        return query
    }

    /// The query string with `name` set to `value` (URL-safe) in place of any given, the other
    /// parameters as they were sent.
    func replacing(_ name: String, with value: String) -> String {
        (raw.filter { $0.name != name }.map { String($0.text) } + ["\(name)=\(value)"]).joined(separator: "&")
    }

    private static func decode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
