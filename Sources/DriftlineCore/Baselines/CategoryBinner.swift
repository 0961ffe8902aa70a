/// Assigns the UTF-8 bytes of a categorical value to a category of a feature profile.
///
/// Category `i` of the profile is bin `i`; every value the profile does not list falls in the
/// "other" bin, `categories.count`. A lookup hashes and compares the bytes in place: it makes no
/// `String` and allocates nothing.
public struct CategoryBinner: Equatable, Sendable {
    /// The categories, in bin order.
    public let categories: [String]
    private let bytes: [UInt8]
    /// Where each category's bytes start in `bytes`, plus the end of the last.
    private let starts: [Int]
    private let hashes: [UInt64]
    /// Open-addressing slots holding `category index + 1`; 0 is empty. A power of two long.
    private let slots: [Int32]

    /// A binner over `categories`.
    ///
    /// - Throws: `BaselineError.Code.duplicateCategory` when a category is listed twice.
    public init(categories: [String]) throws {
        var size = 8
        while size < categories.count * 2 { size <<= 1 }
        var slots = [Int32](repeating: 0, count: size)
        var bytes: [UInt8] = []
        var starts = [0]
        var hashes: [UInt64] = []
        for (index, category) in categories.enumerated() {
            var text = category
            let hash = text.withUTF8 { SymbolTable.hash(UnsafeRawBufferPointer($0)) }
            var slot = Int(truncatingIfNeeded: hash) & (size - 1)
            while slots[slot] != 0 {
                let other = Int(slots[slot] - 1)
                if hashes[other] == hash && categories[other] == category {
                    throw BaselineError(.duplicateCategory, "category \"\(category)\" is listed twice")
                }
                slot = (slot + 1) & (size - 1)
            }
            slots[slot] = Int32(index + 1)
            hashes.append(hash)
            bytes.append(contentsOf: category.utf8)
            starts.append(bytes.count)
        }
        self.categories = categories
        self.bytes = bytes
        self.starts = starts
        self.hashes = hashes
        self.slots = slots
    }

    /// The number of bins: one per category plus "other".
    public var binCount: Int { categories.count + 1 }

    /// The bin of the value whose UTF-8 bytes are `utf8`: its category's index, or
    /// `categories.count` ("other") for a value the profile does not list.
    @inline(__always)
    public func bin(_ utf8: UnsafeRawBufferPointer) -> Int {
        let hash = SymbolTable.hash(utf8)
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let entry = Int(slots[slot])
                if entry == 0 { return categories.count }
                let index = entry - 1
                if hashes[index] == hash && equals(index, utf8) { return index }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The bin of `value`; see `bin(_:)` on bytes.
    public func bin(_ value: String) -> Int {
        var value = value
        return value.withUTF8 { bin(UnsafeRawBufferPointer($0)) }
    }

    private func equals(_ index: Int, _ utf8: UnsafeRawBufferPointer) -> Bool {
        let start = starts[index]
        guard starts[index + 1] - start == utf8.count else { return false }
        return bytes.withUnsafeBytes { all in
            ByteComparison.equal(all.baseAddress.map { $0 + start }, utf8.baseAddress, count: utf8.count)
        }
    }

    /// Binners are equal when they list the same categories in the same order.
    public static func == (lhs: CategoryBinner, rhs: CategoryBinner) -> Bool {
        lhs.categories == rhs.categories
    }
}
