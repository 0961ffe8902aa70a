import Synchronization

/// Interns byte strings (model names, versions, segment values, feature names) as dense `Symbol`s,
/// shared by the threads of one pipeline: the decoding threads intern, the processor reads names.
///
/// A symbol's id is given on its first sighting and never changes, so the ids depend only on the
/// order in which strings are first interned. The table takes a lock on every call; the per-event
/// path reaches it only on a miss of a decoder's own `SymbolCache`, so in steady state the lock is
/// taken once per string a decoder has not seen before, never per event.
public final class SymbolTable: Sendable {
    private let lock = Mutex(())
    /// Guarded by `lock`. (Held beside the lock rather than in it: a `Mutex`'s value cannot take
    /// the caller's borrowed bytes under strict concurrency checking.)
    nonisolated(unsafe) private let table: LocalSymbolTable

    public init(capacity: Int = 1024) {
        table = LocalSymbolTable(capacity: capacity)
    }

    /// A table holding `names` under ids 0, 1, 2, ... (a checkpoint's `symbols`), so that ids given
    /// out before are given out again.
    public convenience init(names: [String]) {
        self.init(capacity: max(1024, names.count))
        for name in names { _ = intern(name) }
    }

    /// Every interned string, by id.
    public var names: [String] {
        lock.withLock { _ in (0..<table.count).map { table[Symbol(id: UInt32($0))] } }
    }

    /// How many distinct strings have been interned.
    public var count: Int { lock.withLock { _ in table.count } }

    /// The symbol for `text`, interning it on first sight.
    public func intern(_ text: UnsafeRawBufferPointer) -> Symbol {
        intern(text, hash: Self.hash(text))
    }

    /// The symbol for `text`, whose `hash(_:)` is `hash`, interning it on first sight.
    func intern(_ text: UnsafeRawBufferPointer, hash: UInt64) -> Symbol {
        lock.withLock { _ in table.intern(text, hash: hash) }
    }

    /// The symbol for `text`, interning it on first sight.
    public func intern(_ text: String) -> Symbol {
        var text = text
        return text.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    /// The symbol for `text` if it has been interned, without interning it.
    public func lookup(_ text: UnsafeRawBufferPointer) -> Symbol? {
        let hash = Self.hash(text)
        return lock.withLock { _ in table.lookup(text, hash: hash) }
    }

    /// The symbol for `text` if it has been interned, without interning it.
    public func lookup(_ text: String) -> Symbol? {
        var text = text
        return text.withUTF8 { lookup(UnsafeRawBufferPointer($0)) }
    }

    /// The string a symbol stands for.
    public subscript(symbol: Symbol) -> String { lock.withLock { _ in table[symbol] } }

    /// A 64-bit hash of the bytes (see `LocalSymbolTable.hash(_:)`).
    static func hash(_ text: UnsafeRawBufferPointer) -> UInt64 { LocalSymbolTable.hash(text) }
}
