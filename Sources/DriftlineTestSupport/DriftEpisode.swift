/// A change injected into a stream from `startMs` (inclusive) until `endMs` (exclusive) or the
/// end, on every line or only on `line`. Whether an event is affected is decided by its own `ts`.
public struct DriftEpisode: Sendable, Equatable {
    /// What changes.
    public enum Change: Sendable, Equatable {
        /// The feature's mean moves by `sigmas` of its standard deviation (σ unchanged).
        case featureShift(feature: String, sigmas: Double)
        /// The categorical feature takes these proportions (categories may be new ones).
        case categoryShift(feature: String, proportions: [TelemetryScenario.CategoryShare])
        /// The probability of a right prediction becomes `to`.
        case accuracyDrop(to: Double)
        /// Every latency is multiplied by `multiplier`.
        case latencySpike(multiplier: Double)
    }

    /// What changes.
    public var change: Change
    /// First affected event time, epoch milliseconds.
    public var startMs: Int64
    /// First event time no longer affected; nil for "until the end".
    public var endMs: Int64?
    /// The only affected line, or nil for all lines.
    public var line: String?

    /// An episode of `change` from `startMs`, optionally ending and scoped to a line.
    public init(_ change: Change, startMs: Int64, endMs: Int64? = nil, line: String? = nil) {
        self.change = change
        self.startMs = startMs
        self.endMs = endMs
        self.line = line
    }

    /// Whether an event at `timestampMs` on `line` is affected.
    public func isActive(atMs timestampMs: Int64, line eventLine: String) -> Bool {
        timestampMs >= startMs && (endMs.map { timestampMs < $0 } ?? true) && (line.map { $0 == eventLine } ?? true)
    }

    /// Checks the episode's names and values against `scenario`.
    func validate(against scenario: TelemetryScenario) throws(ScenarioError) {
        if let endMs, endMs <= startMs {
            throw ScenarioError(.invalidParameter, "a drift must end after it starts")
        }
        if let line, !scenario.segments.lines.contains(line) {
            throw ScenarioError(
                .unknownName,
                "drift on unknown line \(line); the lines are \(scenario.segments.lines.joined(separator: ", "))")
        }
        switch change {
        case .featureShift(let feature, let sigmas):
            guard scenario.numericFeatures.contains(where: { $0.name == feature }) else {
                throw ScenarioError(
                    .unknownName,
                    "no numeric feature \(feature); the numeric features are "
                        + scenario.numericFeatures.map(\.name).joined(separator: ", "))
            }
            guard sigmas.isFinite else { throw ScenarioError(.invalidParameter, "a feature shift must be finite") }
        case .categoryShift(let feature, let proportions):
            guard scenario.categoricalFeatures.contains(where: { $0.name == feature }) else {
                throw ScenarioError(
                    .unknownName,
                    "no categorical feature \(feature); the categorical features are "
                        + scenario.categoricalFeatures.map(\.name).joined(separator: ", "))
            }
            try TelemetryScenario.CategoryShare.validate(proportions, of: feature)
        case .accuracyDrop(let accuracy):
            guard (0...1).contains(accuracy) else {
                throw ScenarioError(.invalidParameter, "an accuracy must be in [0, 1], not \(accuracy)")
            }
        case .latencySpike(let multiplier):
            guard multiplier > 0 && multiplier.isFinite else {
                throw ScenarioError(.invalidParameter, "a latency multiplier must be above 0, not \(multiplier)")
            }
        }
    }
}
