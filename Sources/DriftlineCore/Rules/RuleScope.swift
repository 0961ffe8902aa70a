/// The keys a rule judges: some models, some versions, some values of segment dimensions.
///
/// An absent constraint matches everything. A segment constraint matches only keys that carry the
/// dimension (a scope naming `line` never matches the whole-model rollup).
public struct RuleScope: Hashable, Sendable {
    /// The models judged; `nil` for every model.
    public var models: [String]?
    /// The versions judged; `nil` for every version.
    public var versions: [String]?
    /// Per segment dimension, the values judged.
    public var segment: [String: [String]]

    /// A scope of every key.
    public static let all = RuleScope()

    public init(models: [String]? = nil, versions: [String]? = nil, segment: [String: [String]] = [:]) {
        self.models = models
        self.versions = versions
        self.segment = segment
    }

    /// How many constraints the scope has: of two entries of one rule matching a key, the one with
    /// more wins.
    public var specificity: Int {
        (models == nil ? 0 : 1) + (versions == nil ? 0 : 1) + segment.count
    }

    /// Whether a key of `model`, `version` and `segment` is in the scope.
    public func matches(model: String, version: String, segment values: [SegmentValue]) -> Bool {
        if let models, !models.contains(model) { return false }
        if let versions, !versions.contains(version) { return false }
        for (dimension, allowed) in segment {
            guard let value = values.first(where: { $0.name == dimension })?.value, allowed.contains(value) else {
                return false
            }
        }
        return true
    }

    /// Whether some key could be in both scopes.
    public func overlaps(_ other: RuleScope) -> Bool {
        func meet(_ a: [String]?, _ b: [String]?) -> Bool {
            guard let a, let b else { return true }
            return a.contains { b.contains($0) }
        }
        guard meet(models, other.models), meet(versions, other.versions) else { return false }
        return segment.allSatisfy { dimension, values in meet(values, other.segment[dimension]) }
    }
}
