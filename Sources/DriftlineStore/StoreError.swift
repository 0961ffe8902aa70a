/// Why the history store could not be opened, written or read.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    /// The kind of problem; new kinds are new static members, not an API break.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String

        /// No store file at the path given to a reader.
        public static let missing = Code(name: "missing")
        /// SQLite refused to open, migrate, write or read the file.
        public static let database = Code(name: "database")
        /// The writer stopped after an earlier failure; nothing handed to it since is stored.
        public static let writerFailed = Code(name: "writerFailed")
        /// The file cannot be written for now (disk full, file size limit, read-only or failing
        /// disk, another writer holding it): a `StoreWriter` writes the same transaction again.
        public static let unavailable = Code(name: "unavailable")

        public var description: String { name }
    }

    /// The kind of problem.
    public var code: Code
    /// What went wrong, naming the file and what a user can do about it.
    public var message: String

    /// An error of kind `code` explained by `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
