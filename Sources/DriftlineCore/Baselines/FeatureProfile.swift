/// The baseline profile of one input feature: its bins and the proportion of reference values in each.
public struct FeatureProfile: Codable, Equatable, Sendable {
    /// Whether a feature holds numbers or categories.
    public enum Kind: String, Codable, Equatable, Sendable {
        /// Numbers, binned by `edges`.
        case numeric
        /// Text values, binned by `categories` plus an "other" bucket.
        case categorical
    }

    /// The feature's name, as it appears in the events' `features` object.
    public var name: String
    /// Numeric or categorical.
    public var kind: Kind
    /// Numeric features: the interior bin edges, finite and strictly increasing. Empty for categorical ones.
    public var edges: [Double]
    /// Categorical features: the categories, one bin each. Empty for numeric ones.
    public var categories: [String]
    /// The reference's proportion of present values in each bin, summing to 1: `edges.count + 1`
    /// entries for a numeric feature; `categories.count + 1` for a categorical one, the last for
    /// "other".
    public var expected: [Double]
    /// How many reference rows the profile was built from.
    public var referenceCount: Int
    /// The fraction of reference rows without a value of this feature.
    public var missingRate: Double

    /// A numeric profile.
    public static func numeric(
        name: String, edges: [Double], expected: [Double], referenceCount: Int, missingRate: Double
    ) -> FeatureProfile {
        FeatureProfile(
            name: name, kind: .numeric, edges: edges, categories: [], expected: expected,
            referenceCount: referenceCount, missingRate: missingRate)
    }

    /// A categorical profile; `expected` ends with the "other" bucket.
    public static func categorical(
        name: String, categories: [String], expected: [Double], referenceCount: Int, missingRate: Double
    ) -> FeatureProfile {
        FeatureProfile(
            name: name, kind: .categorical, edges: [], categories: categories, expected: expected,
            referenceCount: referenceCount, missingRate: missingRate)
    }

    private init(
        name: String, kind: Kind, edges: [Double], categories: [String], expected: [Double], referenceCount: Int,
        missingRate: Double
    ) {
        self.name = name
        self.kind = kind
        self.edges = edges
        self.categories = categories
        self.expected = expected
        self.referenceCount = referenceCount
        self.missingRate = missingRate
    }

    /// The binner of a numeric profile.
    ///
    /// - Throws: `BaselineError` when the edges are not finite and strictly increasing.
    public func numericBinner() throws -> NumericBinner {
        let binner = try NumericBinner(edges: edges)
        guard binner.edges.count == edges.count else {
            throw BaselineError(.invalidEdges, "feature \"\(name)\": edges repeat; stored edges must strictly increase")
        }
        return binner
    }

    /// The binner of a categorical profile.
    ///
    /// - Throws: `BaselineError` when a category is listed twice.
    public func categoryBinner() throws -> CategoryBinner {
        do {
            return try CategoryBinner(categories: categories)
        } catch let error as BaselineError {
            throw BaselineError(error.code, "feature \"\(name)\": \(error.message)")
        }
    }

    /// Checks the profile against the contract.
    ///
    /// - Throws: `BaselineError` naming the feature and the broken rule.
    public func validate() throws {
        guard !name.isEmpty else { throw BaselineError(.invalidBaseline, "a feature has an empty name") }
        let binCount: Int
        switch kind {
        case .numeric:
            guard categories.isEmpty else {
                throw BaselineError(.invalidBaseline, "numeric feature \"\(name)\" lists categories")
            }
            binCount = try numericBinner().binCount
        case .categorical:
            guard edges.isEmpty else {
                throw BaselineError(.invalidBaseline, "categorical feature \"\(name)\" lists edges")
            }
            binCount = try categoryBinner().binCount
        }
        guard expected.count == binCount else {
            throw BaselineError(
                .invalidProportions,
                "feature \"\(name)\" has \(binCount) bins but \(expected.count) expected proportions")
        }
        guard expected.allSatisfy({ $0.isFinite && (0...1).contains($0) }) else {
            throw BaselineError(.invalidProportions, "feature \"\(name)\": every expected proportion must lie in 0...1")
        }
        let sum = expected.reduce(0, +)
        guard abs(sum - 1) <= 1e-3 else {
            throw BaselineError(.invalidProportions, "feature \"\(name)\": expected proportions sum to \(sum), not 1")
        }
        guard referenceCount >= 0 else {
            throw BaselineError(.invalidBaseline, "feature \"\(name)\": reference_count is negative")
        }
        guard missingRate.isFinite && (0...1).contains(missingRate) else {
            throw BaselineError(.invalidBaseline, "feature \"\(name)\": missing_rate \(missingRate) is not in 0...1")
        }
    }

    enum CodingKeys: String, CodingKey {
        case name
        case kind
        case edges
        case categories
        case expected
        case referenceCount = "reference_count"
        case missingRate = "missing_rate"
    }

    /// Decodes a profile; `edges` or `categories` may be omitted when empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        kind = try container.decode(Kind.self, forKey: .kind)
        edges = try container.decodeIfPresent([Double].self, forKey: .edges) ?? []
        categories = try container.decodeIfPresent([String].self, forKey: .categories) ?? []
        expected = try container.decode([Double].self, forKey: .expected)
        referenceCount = try container.decode(Int.self, forKey: .referenceCount)
        missingRate = try container.decode(Double.self, forKey: .missingRate)
    }

    /// Encodes a profile, writing `edges` for numeric and `categories` for categorical features.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(kind, forKey: .kind)
        switch kind {
        case .numeric: try container.encode(edges, forKey: .edges)
        case .categorical: try container.encode(categories, forKey: .categories)
        }
        try container.encode(expected, forKey: .expected)
        try container.encode(referenceCount, forKey: .referenceCount)
        try container.encode(missingRate, forKey: .missingRate)
    }
}
