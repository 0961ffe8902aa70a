import DriftlineCore

/// The filters of a query as a person types them, `driftline query` options or HTTP API
/// parameters alike, and the one place that checks them and builds the `StoreQuery`.
///
/// Every problem is a `QueryParameterError` naming the parameter, spelled the way the caller's
/// users spell it (`--from` on the command line, `from` in a URL).
public struct QueryFilters: Sendable, Equatable {
    /// How parameter names are written in messages.
    public enum Spelling: Sendable {
        /// Command-line options: `--from`.
        case option
        /// URL query parameters: `from`.
        case parameter

        /// `name` as this spelling writes it.
        public func callName(_ name: String) -> String {
            switch self {
            case .option: "--" + name.replacingUnderscores()
            case .parameter: name
            }
        }
    }

    public var model: String?
    public var version: String?
    /// Segment pairs `name=value`; the query selects keys with exactly these pairs.
    public var segment: [String] = []
    public var feature: String?
    /// Window start from (inclusive): RFC 3339, or relative to now (`-7d`).
    public var from: String?
    /// Window start to (exclusive): RFC 3339, or relative to now (`-1h`).
    public var to: String?
    /// Windows: every revision instead of the latest.
    public var allRevisions = false
    /// Windows: `raw`, `hour` or `day`.
    public var resolution: String?

    /// No filter.
    public init() {}

    /// The query of `kind` these filters select, with relative times counted back from `now`
    /// (epoch milliseconds); throws for a malformed value or a filter that does not apply to `kind`.
    public func query(
        _ kind: StoreQuery.Kind, now: Int64, spelling: Spelling
    ) throws(QueryParameterError)
        -> StoreQuery
    {
        let name = spelling.callName
        switch kind {
        case .windows, .alerts: break
        case .triggers:
            if let given = segment.isEmpty ? (feature == nil ? nil : "feature") : "segment" {
                throw QueryParameterError(
                    parameter: given,
                    message: "\(name("segment")) and \(name("feature")) do not apply to triggers "
                        + "(a trigger covers a model version; its reasons are in the json records)")
            }
        case .models:
            let given = [
                ("segment", !segment.isEmpty), ("feature", feature != nil), ("from", from != nil), ("to", to != nil),
            ].first { $0.1 }
            if let given {
                throw QueryParameterError(
                    parameter: given.0,
                    message: "\(name("segment")), \(name("feature")), \(name("from")) and \(name("to")) "
                        + "do not apply to models")
            }
        }
        if kind != .windows {
            if allRevisions {
                throw QueryParameterError(
                    parameter: "all_revisions", message: "\(name("all_revisions")) applies to windows only")
            }
            if resolution != nil {
                throw QueryParameterError(
                    parameter: "resolution", message: "\(name("resolution")) applies to windows only")
            }
        }
        var query = StoreQuery(kind)
        query.model = model
        query.version = version
        query.feature = feature
        query.allRevisions = allRevisions
        if let resolution {
            guard let chosen = StoreQuery.Resolution(rawValue: resolution) else {
                let known = StoreQuery.Resolution.allCases.map(\.rawValue).joined(separator: ", ")
                throw QueryParameterError(
                    parameter: "resolution", message: "\(name("resolution")): '\(resolution)' is not one of \(known)")
            }
            query.resolution = chosen
            if allRevisions && chosen != .raw {
                throw QueryParameterError(
                    parameter: "all_revisions",
                    message: "\(name("all_revisions")) applies to raw windows only; a rollup has one revision")
            }
        }
        if !segment.isEmpty { query.segment = WindowResult.canonicalSegment(try segmentValues(spelling: spelling)) }
        if let from { query.from = try Self.time(from, parameter: "from", now: now, spelling: spelling) }
        if let to { query.to = try Self.time(to, parameter: "to", now: now, spelling: spelling) }
        if let start = query.from, let end = query.to, start > end, let from, let to {
            throw QueryParameterError(
                parameter: "from", message: "\(name("from")) (\(from)) is after \(name("to")) (\(to))")
        }
        return query
    }

    /// The segment pairs, sorted by name.
    func segmentValues(spelling: Spelling) throws(QueryParameterError) -> [SegmentValue] {
        var pairs: [SegmentValue] = []
        for text in segment {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw QueryParameterError(
                    parameter: "segment",
                    message: "\(spelling.callName("segment")): '\(text)' is not name=value, e.g. line=L1")
            }
            guard !pairs.contains(where: { $0.name == parts[0] }) else {
                throw QueryParameterError(
                    parameter: "segment", message: "\(spelling.callName("segment")): '\(parts[0])' is given twice")
            }
            pairs.append(SegmentValue(name: parts[0], value: parts[1]))
        }
        return pairs.sorted { $0.name < $1.name }
    }

    /// What a comparison of these filters compares: `versions` (`A,B`) over [from, to), or
    /// `against: previous`, the version over [from, to) against the period of the same length
    /// before it; `metrics` as given (the store checks them against what it holds).
    public func comparison(
        versions: String?, against: String?, metrics: [String], now: Int64, spelling: Spelling
    ) throws(QueryParameterError) -> ComparisonRequest {
        let name = spelling.callName
        guard let model else {
            throw QueryParameterError(parameter: "model", message: "\(name("model")): compare needs the model")
        }
        if feature != nil {
            throw QueryParameterError(
                parameter: "feature",
                message:
                    "\(name("feature")) does not apply to compare; choose metrics with \(name("metric")) psi.FEATURE")
        }
        if allRevisions {
            throw QueryParameterError(
                parameter: "all_revisions", message: "\(name("all_revisions")) does not apply to compare")
        }
        let query = try self.query(.windows, now: now, spelling: spelling)
        guard let from = query.from, let to = query.to else {
            throw QueryParameterError(
                parameter: query.from == nil ? "from" : "to",
                message: "\(name("from")) and \(name("to")): compare needs the period, e.g. from -14d to -7d")
        }
        let left: ComparisonRequest.Period
        let right: ComparisonRequest.Period
        switch (versions, against) {
        case (let versions?, nil):
            let pair = versions.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard pair.count == 2, pair.allSatisfy({ !$0.isEmpty }), version == nil else {
                throw QueryParameterError(
                    parameter: "versions",
                    message: "\(name("versions")): give two versions, e.g. 3.1.0,3.2.0 (and no \(name("version")))")
            }
            left = .init(version: pair[0], from: from, to: to)
            right = .init(version: pair[1], from: from, to: to)
        case (nil, "previous"):
            guard let version else {
                throw QueryParameterError(
                    parameter: "version",
                    message: "\(name("against")) previous compares one \(name("version")) over two periods: give it")
            }
            left = .init(version: version, from: from - (to - from), to: from)
            right = .init(version: version, from: from, to: to)
        case (nil, let against?):
            throw QueryParameterError(
                parameter: "against", message: "\(name("against")): '\(against)' is not 'previous'")
        default:
            throw QueryParameterError(
                parameter: versions == nil ? "versions" : "against",
                message: "compare needs either \(name("versions")) A,B or \(name("version")) V "
                    + "\(name("against")) previous")
        }
        return ComparisonRequest(
            model: model, segment: try segmentValues(spelling: spelling), left: left, right: right,
            resolution: query.resolution, metrics: metrics)
    }

    /// Epoch milliseconds of an RFC 3339 time or of a relative one (`-7d`, `-2h30m`) before `now`.
    public static func time(
        _ text: String, parameter: String, now: Int64, spelling: Spelling
    ) throws(QueryParameterError)
        -> Int64
    {
        if text.hasPrefix("-"), let ago = DurationText.parse(String(text.dropFirst())) { return now - ago }
        if let time = Timestamp.parseRFC3339(text) { return time }
        throw QueryParameterError(
            parameter: parameter,
            message: "\(spelling.callName(parameter)): '\(text)' is neither an RFC 3339 time "
                + "(2026-11-26T03:55:00Z) nor a relative one (-7d, -2h)")
    }
}

/// A query parameter (or command-line option) whose value cannot be used.
public struct QueryParameterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The parameter's name as in a URL (`from`, `all_revisions`).
    public var parameter: String
    /// What is wrong, naming the parameter the way the caller spells it.
    public var message: String

    /// An error about `parameter`, explained by `message`.
    public init(parameter: String, message: String) {
        self.parameter = parameter
        self.message = message
    }

    public var description: String { message }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}
