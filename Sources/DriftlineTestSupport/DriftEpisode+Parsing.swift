import DriftlineCore

extension DriftEpisode {
    /// The syntax `init(parsing:streamStartMs:)` accepts, for help texts and error messages.
    public static let syntax = """
        KIND:ARGS@START[..END][/line=LINE] where KIND:ARGS is feature:NAME:±SIGMAS, \
        category:NAME:CAT=P,CAT=P,…, accuracy:P or latency:xMULTIPLIER, and START/END are \
        RFC 3339 times or +DURATION after the stream start (e.g. feature:current_a:+3@+1h)
        """

    /// Parses a drift description such as `feature:current_a:+3@2026-11-26T01:00:00Z`,
    /// `category:material:S355=0.2,S235=0.3,AL6061=0.5@+30m..+90m`, `accuracy:0.85@+1h/line=L2` or
    /// `latency:x3@+1h`. A time written `+DURATION` counts from `streamStartMs`.
    ///
    /// Checks the syntax and the ranges of the numbers; whether the names exist in a scenario is
    /// checked by `TelemetryScenario.validate()`.
    public init(parsing text: String, streamStartMs: Int64) throws(ScenarioError) {
        func fail(_ problem: String) -> ScenarioError {
            ScenarioError(.invalidDriftSyntax, "drift '\(text)': \(problem); expected \(Self.syntax)")
        }
        let atParts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard atParts.count == 2 else { throw fail("missing '@START'") }
        var when = atParts[1]
        var line: String?
        if let slash = when.firstIndex(of: "/") {
            let scope = when[when.index(after: slash)...]
            guard scope.hasPrefix("line="), scope.count > 5 else { throw fail("the scope must be '/line=NAME'") }
            line = String(scope.dropFirst(5))
            when = when[..<slash]
        }
        let times = when.split(separator: "..", omittingEmptySubsequences: false)
        guard times.count <= 2, let start = Self.time(times[0], streamStartMs) else {
            throw fail("'\(when)' is not START or START..END (RFC 3339 times or +DURATION)")
        }
        var end: Int64?
        if times.count == 2 {
            guard let parsedEnd = Self.time(times[1], streamStartMs) else { throw fail("bad end time '\(times[1])'") }
            guard parsedEnd > start else { throw fail("the end must come after the start") }
            end = parsedEnd
        }
        let fields = atParts[0].split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        let change: Change
        switch (fields.first, fields.count) {
        case ("feature", 3):
            guard !fields[1].isEmpty else { throw fail("missing feature name") }
            guard let sigmas = Double(fields[2]), sigmas.isFinite else {
                throw fail("'\(fields[2])' is not a number of standard deviations such as +3 or -1.5")
            }
            change = .featureShift(feature: fields[1], sigmas: sigmas)
        case ("category", 3):
            guard !fields[1].isEmpty else { throw fail("missing feature name") }
            var shares: [TelemetryScenario.CategoryShare] = []
            for pair in fields[2].split(separator: ",", omittingEmptySubsequences: false) {
                let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, let share = Double(parts[1]), share >= 0 else {
                    throw fail("'\(pair)' is not CATEGORY=PROPORTION")
                }
                shares.append(TelemetryScenario.CategoryShare(String(parts[0]), share))
            }
            do {
                try TelemetryScenario.CategoryShare.validate(shares, of: fields[1])
            } catch {
                throw fail(error.message)
            }
            change = .categoryShift(feature: fields[1], proportions: shares)
        case ("accuracy", 2):
            guard let accuracy = Double(fields[1]), (0...1).contains(accuracy) else {
                throw fail("'\(fields[1])' is not an accuracy in [0, 1]")
            }
            change = .accuracyDrop(to: accuracy)
        case ("latency", 2):
            guard fields[1].hasPrefix("x"), let multiplier = Double(fields[1].dropFirst()), multiplier > 0,
                multiplier.isFinite
            else { throw fail("'\(fields[1])' is not a multiplier such as x3") }
            change = .latencySpike(multiplier: multiplier)
        case ("feature", _), ("category", _), ("accuracy", _), ("latency", _):
            throw fail("wrong number of ':'-separated arguments for \(fields[0])")
        default:
            throw fail("unknown kind '\(fields.first ?? "")' (feature, category, accuracy or latency)")
        }
        self.init(change, startMs: start, endMs: end, line: line)
    }

    private static func time(_ text: Substring, _ streamStartMs: Int64) -> Int64? {
        if text.hasPrefix("+") {
            return DurationText.parse(String(text.dropFirst())).map { streamStartMs + $0 }
        }
        return Timestamp.parse(String(text))
    }
}
