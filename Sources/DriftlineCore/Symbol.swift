/// An interned string: a dense id into the `SymbolTable` that made it.
public struct Symbol: Hashable, Comparable, Sendable {
    public var id: UInt32

    public init(id: UInt32) {
        self.id = id
    }

    public static func < (lhs: Symbol, rhs: Symbol) -> Bool { lhs.id < rhs.id }
}
