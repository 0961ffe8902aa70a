import Foundation

/// A secret kept in a file (`${file:PATH}`, `serve --token-file`): its contents without one
/// trailing line break, as `echo secret > file` leaves it.
public enum SecretFile {
    /// Why a file gives no secret, as said after the file's name.
    public enum Problem: Error, CustomStringConvertible {
        case unreadable, empty

        public var description: String { self == .unreadable ? "cannot be read" : "is empty" }
    }

    /// The secret in the file at `path`.
    public static func read(_ path: String) throws(Problem) -> String {
        guard let contents = FileManager.default.contents(atPath: path) else { throw .unreadable }
        var value = String(decoding: contents, as: UTF8.self)
        if value.hasSuffix("\r\n") || value.hasSuffix("\n") { value.removeLast() }
        guard !value.isEmpty else { throw .empty }
        return value
    }
}
