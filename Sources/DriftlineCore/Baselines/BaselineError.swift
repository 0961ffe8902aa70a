/// Why a baseline could not be built, read or used.
public struct BaselineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of problem, stable across releases; new codes may be added.
    public typealias Code = ErrorCode<BaselineError>

    /// The kind of problem.
    public var code: Code
    /// What went wrong and how to fix it.
    public var message: String

    /// An error of kind `code` explained by `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message, prefixed with the code.
    public var description: String { "\(code): \(message)" }
}

extension ErrorCode where Domain == BaselineError {
    /// Bin edges that are not finite or not increasing.
    public static let invalidEdges = Self("invalid_edges")
    /// A category list with a repeated name.
    public static let duplicateCategory = Self("duplicate_category")
    /// Expected proportions that do not fit their bins or do not sum to 1.
    public static let invalidProportions = Self("invalid_proportions")
    /// A stored baseline whose fields contradict each other or the contract.
    public static let invalidBaseline = Self("invalid_baseline")
    /// A bin count outside the supported range.
    public static let invalidBinCount = Self("invalid_bin_count")
    /// A feature seen with both numbers and text.
    public static let mixedFeatureKinds = Self("mixed_feature_kinds")
    /// A feature or a test set without a single usable value.
    public static let noValues = Self("no_values")
    /// Test predictions or labels that do not fit the model's task.
    public static let invalidTestData = Self("invalid_test_data")
    /// A baseline file that cannot be read or written.
    public static let fileAccess = Self("file_access")
}
