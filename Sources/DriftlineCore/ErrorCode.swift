/// The kind of an error of type `Domain`, named by a stable string (`invalid_settings`): each error
/// type lists its kinds as static lets in an `extension ErrorCode where Domain == …`, so adding a
/// kind is not an API break and two error types' kinds never mix.
public struct ErrorCode<Domain>: Hashable, Sendable, CustomStringConvertible {
    /// The kind's stable name.
    public let name: String

    /// A kind named `name`; error types declare theirs once, as static lets.
    public init(_ name: String) {
        self.name = name
    }

    public var description: String { name }
}
