public import DriftlineCore

/// Everything wrong with a topology or engine file, found in one pass.
///
/// Each problem is a `Diagnostic` that names the file, line and column it is about;
/// `description` prints them in the compiler's form (`file:line:column: error: message`),
/// one per line, so editors and CI logs can jump to each. `code`, `file`, `line`, `column` and
/// `message` are those of the first problem, in file order.
public struct TopologyError: Error, CustomStringConvertible, Sendable {
    /// What kind of problem a diagnostic reports.
    public typealias Code = ErrorCode<TopologyError>

    /// One problem at one place in a file.
    public struct Diagnostic: Equatable, Sendable, CustomStringConvertible {
        /// What kind of problem this is.
        public var code: Code
        /// The file the problem is in, as the loader was given it.
        public var file: String
        /// 1-based line of the problem; 0 when it concerns the file as a whole.
        public var line: Int
        /// 1-based column (in Unicode scalars) of the problem; 0 when it concerns the file as a whole.
        public var column: Int
        /// What is wrong and, where it can, how to fix it.
        public var message: String

        /// A problem at `line`:`column` of `file`.
        public init(code: Code, file: String, line: Int, column: Int, message: String) {
            self.code = code
            self.file = file
            self.line = line
            self.column = column
            self.message = message
        }

        /// `file:line:column: error: message`, or `file: error: message` for the file as a whole.
        public var description: String {
            line > 0 ? "\(file):\(line):\(column): error: \(message)" : "\(file): error: \(message)"
        }
    }

    /// Every problem found, in file order; never empty.
    public var diagnostics: [Diagnostic]

    /// An error carrying `diagnostics`, which are sorted into file order.
    public init(diagnostics: [Diagnostic]) {
        precondition(!diagnostics.isEmpty, "a TopologyError needs at least one diagnostic")
        self.diagnostics = diagnostics.enumerated()
            .sorted {
                ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
            }
            .map(\.element)
    }

    /// The first problem's code.
    public var code: Code { diagnostics[0].code }
    /// The file the first problem is in.
    public var file: String { diagnostics[0].file }
    /// The first problem's line.
    public var line: Int { diagnostics[0].line }
    /// The first problem's column.
    public var column: Int { diagnostics[0].column }
    /// The first problem's message.
    public var message: String { diagnostics[0].message }

    /// Every diagnostic in the compiler's form, one per line.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

extension ErrorCode where Domain == TopologyError {
    /// The file could not be read.
    public static let unreadableFile = Self("unreadable_file")
    /// The file is not well-formed YAML.
    public static let syntax = Self("syntax")
    /// A mapping names the same key twice.
    public static let duplicateKey = Self("duplicate_key")
    /// A key the schema does not know.
    public static let unknownKey = Self("unknown_key")
    /// A required key is absent.
    public static let missingKey = Self("missing_key")
    /// A value of the wrong shape: a mapping where a list belongs, a word where a number belongs.
    public static let wrongType = Self("wrong_type")
    /// A value of the right shape but outside what is allowed (range, one of a set of words).
    public static let invalidValue = Self("invalid_value")
    /// A duration that is not a number and a unit.
    public static let invalidDuration = Self("invalid_duration")
    /// A field-mapping pointer that is not an RFC 6901 JSON Pointer.
    public static let invalidPointer = Self("invalid_pointer")
    /// Two sources, rules or keys with the same name.
    public static let duplicateName = Self("duplicate_name")
    /// A feature the schema reserves for later (Kafka and MQTT sources).
    public static let unsupported = Self("unsupported")
    /// Settings that are each valid but contradict one another (`hop` longer than `size`).
    public static let inconsistent = Self("inconsistent")
    /// A secret reference (`${env:NAME}`, `${file:PATH}`) that resolves to nothing.
    public static let missingSecret = Self("missing_secret")
}
