/// A small cache in front of a `SymbolTable`: each slot remembers the bytes last interned through
/// it and their symbol, so a producer that repeats its feature names and key values (nearly all do)
/// costs one comparison of its bytes instead of a hash-table probe.
///
/// A hit is verified byte for byte, so the cache never changes which symbol a string gets. Slots
/// are fixed at creation; strings longer than `slotBytes` go straight to the table.
struct InternCache {
    static let slotBytes = 48

    let slotCount: Int
    private let bytes: UnsafeMutablePointer<UInt8>
    private let lengths: UnsafeMutablePointer<Int>
    private let ids: UnsafeMutablePointer<UInt32>

    init(slots: Int) {
        slotCount = slots
        bytes = .allocate(capacity: slots * Self.slotBytes)
        lengths = .allocate(capacity: slots)
        lengths.initialize(repeating: -1, count: slots)
        ids = .allocate(capacity: slots)
        ids.initialize(repeating: 0, count: slots)
    }

    /// Frees the slots; the cache must not be used afterwards.
    func deallocate() {
        bytes.deallocate()
        lengths.deallocate()
        ids.deallocate()
    }

    /// The symbol of `text`, from `slot` when it holds the same bytes, else from `table`.
    @inline(__always)
    func symbol(_ text: UnsafeRawBufferPointer, slot: Int, table: SymbolCache) -> Symbol {
        guard slot < slotCount else { return table.intern(text) }
        let stored = bytes + slot * Self.slotBytes
        if lengths[slot] == text.count && ByteComparison.equal(stored, text.baseAddress, count: text.count) {
            return Symbol(id: ids[slot])
        }
        let symbol = table.intern(text)
        if text.count <= Self.slotBytes {
            if let source = text.baseAddress {
                stored.update(from: source.assumingMemoryBound(to: UInt8.self), count: text.count)
            }
            lengths[slot] = text.count
            ids[slot] = symbol.id
        }
        return symbol
    }
}
