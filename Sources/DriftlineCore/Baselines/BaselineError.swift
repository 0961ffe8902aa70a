/// Why a baseline could not be built, read or used.
public struct BaselineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of problem, stable across releases; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name, as printed in messages.
        public let name: String

        private init(_ name: String) { self.name = name }

        /// The description of the code, its stable name.
        public var description: String { name }

        /// Bin edges that are not finite or not increasing.
        public static let invalidEdges = Code("invalid_edges")
        /// A category list with a repeated name.
        public static let duplicateCategory = Code("duplicate_category")
        /// Expected proportions that do not fit their bins or do not sum to 1.
        public static let invalidProportions = Code("invalid_proportions")
        /// A stored baseline whose fields contradict each other or the contract.
        public static let invalidBaseline = Code("invalid_baseline")
        /// A bin count outside the supported range.
        public static let invalidBinCount = Code("invalid_bin_count")
        /// A feature seen with both numbers and text.
        public static let mixedFeatureKinds = Code("mixed_feature_kinds")
        /// A feature or a test set without a single usable value.
        public static let noValues = Code("no_values")
        /// Test predictions or labels that do not fit the model's task.
        public static let invalidTestData = Code("invalid_test_data")
        /// A baseline file that cannot be read or written.
        public static let fileAccess = Code("file_access")
    }

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
