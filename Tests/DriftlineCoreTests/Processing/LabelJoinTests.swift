import PropertyBased
import Testing

@testable import DriftlineCore

@Suite struct LabelJoinTests {
    /// Random adds, takes and expiries against a plain dictionary model of the same rules.
    /// Capacities below and above the index's first size (512 waiting), so growth is exercised.
    @Test(arguments: [64, 2_000])
    func behavesLikeADictionaryOfWaitingInferences(capacity: Int) async {
        await propertyCheck(count: 20, input: Gen.int(in: 0...Int.max)) { seed in
            var random = Xorshift(seed: UInt64(seed) | 1)
            let profile = try! ModelProfile(
                model: Symbol(id: 0), version: Symbol(id: 1), baseline: nil, symbols: SymbolTable())
            var join = LabelJoin(capacity: capacity, keysPerEntry: 1)
            // Model: request id -> timestamp, plus arrival order for capacity eviction.
            var waiting: [String: Int64] = [:]
            var order: [String] = []
            var clock: Int64 = 0
            for _ in 0..<(capacity * 6) {
                clock += Int64(random.next() % 3)
                let id = "r\(random.next() % UInt64(capacity * 3))"
                switch random.next() % 4 {
                case 0, 1:
                    if waiting[id] != nil {
                        order.removeAll { $0 == id }
                    } else if waiting.count >= capacity {
                        waiting[order.removeFirst()] = nil
                    }
                    waiting[id] = clock
                    order.append(id)
                    _ = id.withBytes {
                        join.add(
                            model: Symbol(id: 0), requestID: $0, timestamp: clock, profile: profile, predictedClass: 0,
                            predictedValue: .nan, keys: [0])
                    }
                case 2:
                    let taken = id.withBytes { join.take(model: Symbol(id: 0), requestID: $0) }
                    #expect((taken?.0.timestamp) == waiting[id])
                    if waiting[id] != nil {
                        waiting[id] = nil
                        order.removeAll { $0 == id }
                    }
                default:
                    // Expire from the oldest while older than the horizon, as the join does.
                    let horizon = clock - Int64(capacity)
                    while let first = order.first, waiting[first]! < horizon {
                        waiting[first] = nil
                        order.removeFirst()
                    }
                    _ = join.expire(before: horizon)
                }
                #expect(join.waiting == waiting.count)
            }
        }
    }
}

/// A small seeded generator for the property tests.
struct Xorshift {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

extension String {
    fileprivate func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        var copy = self
        return copy.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }
}
