import Foundation
import Testing

@testable import DriftlineCore

@Suite struct SymbolTableTests {
    /// Four threads intern overlapping strings through caches of their own, while another reads
    /// names back: every string gets one symbol, ids are dense, and each names its string.
    @Test func threadsInterningTheSameStringsAgreeOnTheirSymbols() async {
        let table = SymbolTable(capacity: 4)
        let strings = (0..<3_000).map { "value-\($0 % 1_500)-\($0 % 7 == 0 ? "x" : "y")" }
        let distinct = Set(strings)
        let results = await withTaskGroup(of: [String: Symbol].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    let cache = SymbolCache(table: table)
                    var seen: [String: Symbol] = [:]
                    // Each worker walks the strings from a different start, twice (the second time from its cache).
                    for round in 0..<2 {
                        for step in 0..<strings.count {
                            var text = strings[(step + worker * 750 + round) % strings.count]
                            let symbol = text.withUTF8 { cache.intern(UnsafeRawBufferPointer($0)) }
                            if let earlier = seen[text] { #expect(earlier == symbol) }
                            seen[text] = symbol
                        }
                    }
                    return seen
                }
            }
            group.addTask {
                // A reader, like the processor naming keys while decoders intern.
                for _ in 0..<200 {
                    let count = table.count
                    if count > 0 { _ = table[Symbol(id: UInt32(count - 1))] }
                }
                return [:]
            }
            return await group.reduce(into: [[String: Symbol]]()) { $0.append($1) }
        }
        #expect(table.count == distinct.count)
        var agreed: [String: Symbol] = [:]
        for seen in results {
            for (text, symbol) in seen {
                #expect(agreed[text, default: symbol] == symbol, "\(text) has two symbols")
                agreed[text] = symbol
            }
        }
        #expect(Set(agreed.values.map(\.id)) == Set(0..<UInt32(distinct.count)))
        for (text, symbol) in agreed {
            #expect(table[symbol] == text)
            #expect(table.lookup(text) == symbol)
        }
    }
}
