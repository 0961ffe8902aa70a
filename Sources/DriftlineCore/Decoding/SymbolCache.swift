/// One decoder's own memory of the symbols it has interned, in front of the shared `SymbolTable`.
///
/// A string this decoder has met before is found here without taking the table's lock; only a
/// first sighting (for this decoder) goes to the table, which gives the symbol its id. The cache
/// therefore never changes which symbol a string gets. It belongs to its decoder's thread.
final class SymbolCache {
    let table: SymbolTable
    /// The strings met so far, by local id, and the table's id of each.
    private let local = LocalSymbolTable(capacity: 256)
    private var ids: [UInt32] = []

    init(table: SymbolTable) {
        self.table = table
    }

    /// The symbol of `text` in the shared table.
    @inline(__always)
    func intern(_ text: UnsafeRawBufferPointer) -> Symbol {
        let hash = LocalSymbolTable.hash(text)
        if let known = local.lookup(text, hash: hash) { return Symbol(id: ids[Int(known.id)]) }
        return firstSighting(text, hash: hash)
    }

    @inline(never)
    private func firstSighting(_ text: UnsafeRawBufferPointer, hash: UInt64) -> Symbol {
        let symbol = table.intern(text, hash: hash)
        _ = local.intern(text, hash: hash)
        ids.append(symbol.id)
        return symbol
    }
}
