/// An interned string: a dense id into the `SymbolTable` that made it.
public struct Symbol: Hashable, Comparable, Sendable {
    public var id: UInt32

    public init(id: UInt32) {
        self.id = id
    }

    public static func < (lhs: Symbol, rhs: Symbol) -> Bool { lhs.id < rhs.id }

    /// A segment value the decoder did not intern (see `EventDecoder.internsNewSegmentValues`):
    /// it names no string, and no key holds it.
    public static let unseen = Symbol(id: UInt32.max - 1)
}
