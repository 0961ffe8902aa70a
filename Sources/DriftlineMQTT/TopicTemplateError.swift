/// A topic template that cannot be used, with the level at fault.
public struct TopicTemplateError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong with the template.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The template is empty.
        public static let empty = Code("empty")
        /// A `{name}`, `+` or `#` shares its level with other characters (`dev{id}`, `a+`).
        public static let partialLevel = Code("partial_level")
        /// A placeholder name is empty or not an identifier (`{}`, `{1st}`, `{a-b}`).
        public static let invalidName = Code("invalid_name")
        /// Two placeholders have the same name.
        public static let duplicateName = Code("duplicate_name")
        /// `#` is not the last level.
        public static let misplacedMultiLevelWildcard = Code("misplaced_multi_level_wildcard")

        public var description: String { name }
    }

    /// The kind of problem.
    public let code: Code
    /// What is wrong and where, in words a user can act on.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
