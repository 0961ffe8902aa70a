/// How a rule compares a metric with its threshold: `>`, `>=`, `<` or `<=`.
public enum RuleComparison: String, Hashable, Sendable, CaseIterable {
    case greater = ">"
    case greaterOrEqual = ">="
    case less = "<"
    case lessOrEqual = "<="

    /// Whether `value` is beyond `threshold` in this comparison's sense.
    @inlinable public func holds(_ value: Double, _ threshold: Double) -> Bool {
        switch self {
        case .greater: value > threshold
        case .greaterOrEqual: value >= threshold
        case .less: value < threshold
        case .lessOrEqual: value <= threshold
        }
    }

    /// Whether the rule fires on high values (`>`, `>=`).
    public var isUpward: Bool { self == .greater || self == .greaterOrEqual }
}
