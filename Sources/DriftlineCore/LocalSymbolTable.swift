/// Interns byte strings as dense `Symbol`s, for one thread: the store behind the shared
/// `SymbolTable`, a decoder's `SymbolCache` and a model's own class names.
///
/// Looking up bytes that were seen before hashes and compares them in place: no `String`, no
/// allocation. Only a first sighting copies the bytes.
final class LocalSymbolTable {
    private var bytes: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Open-addressing slots holding `id + 1`; 0 is empty.
    private var slots: [UInt32]
    private var strings: [String] = []

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
    }

    /// How many distinct strings have been interned.
    var count: Int { strings.count }

    /// The symbol for `text`, interning it on first sight.
    func intern(_ text: UnsafeRawBufferPointer) -> Symbol {
        intern(text, hash: Self.hash(text))
    }

    /// The symbol for `text`, whose `hash(_:)` is `hash`, interning it on first sight.
    func intern(_ text: UnsafeRawBufferPointer, hash: UInt64) -> Symbol {
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            let id = Int(entry - 1)
            if hashes[id] == hash && equals(id, text) { return Symbol(id: UInt32(id)) }
            slot = (slot + 1) & (slots.count - 1)
        }
        let id = strings.count
        bytes.append(contentsOf: text)
        starts.append(bytes.count)
        hashes.append(hash)
        strings.append(String(decoding: text, as: UTF8.self))
        slots[slot] = UInt32(id + 1)
        if strings.count * 2 > slots.count { grow() }
        return Symbol(id: UInt32(id))
    }

    /// The symbol for `text`, interning it on first sight.
    func intern(_ text: String) -> Symbol {
        var text = text
        return text.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    /// The symbol for `text` if it has been interned, without interning it.
    func lookup(_ text: UnsafeRawBufferPointer) -> Symbol? {
        lookup(text, hash: Self.hash(text))
    }

    /// The symbol for `text`, whose `hash(_:)` is `hash`, if it has been interned.
    func lookup(_ text: UnsafeRawBufferPointer, hash: UInt64) -> Symbol? {
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            let id = Int(entry - 1)
            if hashes[id] == hash && equals(id, text) { return Symbol(id: UInt32(id)) }
            slot = (slot + 1) & (slots.count - 1)
        }
    }

    /// The symbol for `text` if it has been interned, without interning it.
    func lookup(_ text: String) -> Symbol? {
        var text = text
        return text.withUTF8 { lookup(UnsafeRawBufferPointer($0)) }
    }

    /// The string a symbol stands for.
    subscript(symbol: Symbol) -> String { strings[Int(symbol.id)] }

    private func equals(_ id: Int, _ text: UnsafeRawBufferPointer) -> Bool {
        let start = starts[id]
        guard starts[id + 1] - start == text.count else { return false }
        return bytes.withUnsafeBytes { all in
            ByteComparison.equal(all.baseAddress.map { $0 + start }, text.baseAddress, count: text.count)
        }
    }

    private func grow() {
        var bigger = [UInt32](repeating: 0, count: slots.count * 2)
        for id in hashes.indices {
            var slot = Int(truncatingIfNeeded: hashes[id]) & (bigger.count - 1)
            while bigger[slot] != 0 { slot = (slot + 1) & (bigger.count - 1) }
            bigger[slot] = UInt32(id + 1)
        }
        slots = bigger
    }

    /// A 64-bit hash of the bytes, read eight at a time (four or fewer for short strings), each
    /// word folded in with a 128-bit multiply; finished with a 64-bit mix so the low bits spread well.
    static func hash(_ text: UnsafeRawBufferPointer) -> UInt64 {
        let n = text.count
        // The length is folded in on its own, so it cannot cancel against the bytes.
        var h = fold(0x243F_6A88_85A3_08D3, UInt64(truncatingIfNeeded: n))
        if n > 0 {
            let p = text.baseAddress.unsafelyUnwrapped
            if n >= 8 {
                var offset = 0
                while offset + 8 < n {
                    h = fold(h, p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                    offset += 8
                }
                h = fold(h, p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
            } else if n >= 4 {
                let first = UInt64(p.loadUnaligned(as: UInt32.self))
                let last = UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
                h = fold(h, first << 32 | last)
            } else {
                let bytes = p.assumingMemoryBound(to: UInt8.self)
                h = fold(h, UInt64(bytes[0]) << 16 | UInt64(bytes[n >> 1]) << 8 | UInt64(bytes[n - 1]))
            }
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }

    /// Folds `word` into `h`: the two halves of their 128-bit product, xored.
    @inline(__always)
    private static func fold(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let product = (h ^ word).multipliedFullWidth(by: 0x9E37_79B9_7F4A_7C15)
        return product.high ^ product.low
    }
}
