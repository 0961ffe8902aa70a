import DriftlineCore
import Testing

/// The bounds on what producers can make the processor hold: keys and measured features.
@Suite struct ProcessorLimitsTests {
    typealias H = ProcessorHarness

    static func settings(maxKeys: Int = 100_000, maxFeatures: Int = 256) -> ProcessorSettings {
        ProcessorSettings(
            window: WindowSpec(size: 60_000), segmentDimensions: ["line"], keySets: [[], ["line"]],
            outOfOrderness: 0, idleTimeout: 3_600_000, labelWait: 0, maxKeys: maxKeys, maxFeatures: maxFeatures)
    }

    @Test func eventsOfNewKeysPastTheLimitAreCountedNowhereAndKeysHeldGoOn() throws {
        // The whole-model key and L1, L2: three keys, the limit.
        let h = try H(Self.settings(maxKeys: 3))
        #expect(try h.feed(H.inference(ts: 1_000, x: 1, latency: 5, line: "L1")) == .accepted)
        #expect(try h.feed(H.inference(ts: 2_000, x: 2, latency: 6, line: "L2")) == .accepted)
        for (index, line) in ["L3", "L4", "L3"].enumerated() {
            let disposition = try h.feed(H.inference(ts: 3_000 + Int64(index), x: 3, latency: 7, line: line))
            guard case .keyLimit(let reason) = disposition else {
                Issue.record("\(line): \(disposition)")
                continue
            }
            #expect(reason.contains("line=\(line)") && reason.contains("limits.max_keys"))
        }
        #expect(try h.feed(H.inference(ts: 4_000, x: 4, latency: 8, line: "L1")) == .accepted)
        // An event without the line dimension needs only the whole-model key, which is held.
        #expect(try h.feed(H.inference(ts: 5_000, x: 5, latency: 9)) == .accepted)
        #expect(h.processor.keyCount == 3)
        #expect(h.processor.counters.keyLimited == 3)
        #expect(h.processor.counters.inferences == 4)
        h.finish()
        let counts = Dictionary(uniqueKeysWithValues: h.results.map { ($0.segment.first?.value ?? "_all", $0.count) })
        #expect(counts == ["_all": 4, "L1": 2, "L2": 1])
        let all = try #require(h.results.first { $0.segment.isEmpty })
        #expect(all.latency?.max == 9)
    }

    @Test func aKeyForgottenMakesRoomForANewOne() throws {
        var settings = Self.settings(maxKeys: 2)
        settings.keySets = [["line"]]
        settings.forgetKeysAfter = 0
        let h = try H(settings)
        #expect(try h.feed(H.inference(ts: 1_000, x: 1, line: "L1")) == .accepted)
        #expect(try h.feed(H.inference(ts: 2_000, x: 1, line: "L2")) == .accepted)
        #expect(try h.feed(H.inference(ts: 3_000, x: 1, line: "L3")) != .accepted)
        // L2 has no event after the first minute: once the watermark passes 60 s its window is
        // dropped, and with forget_keys_after 0 the key goes at the next advance, so L3 fits.
        #expect(try h.feed(H.inference(ts: 61_000, x: 1, line: "L1")) == .accepted)
        #expect(try h.feed(H.inference(ts: 62_000, x: 1, line: "L1")) == .accepted)
        #expect(h.processor.keyCount == 1)
        #expect(try h.feed(H.inference(ts: 63_000, x: 1, line: "L3")) == .accepted)
        #expect(h.processor.counters.keyLimited == 1)
    }

    @Test func atTheLimitNewSegmentValuesAreRefusedWithoutGrowingTheSymbolTable() throws {
        let h = try H(Self.settings(maxKeys: 2))
        #expect(try h.feed(H.inference(ts: 1_000, x: 1, line: "L1")) == .accepted)
        #expect(h.processor.keyCount == 2)
        // The engine's setting at the limit: values never seen are looked up, not interned.
        h.decoder.internsNewSegmentValues = false
        let symbols = h.symbols.count
        for index in 0..<100 {
            guard case .keyLimit(let reason) = try h.feed(H.inference(ts: 2_000, x: 1, line: "new-\(index)")) else {
                Issue.record("new-\(index) was not refused at the key limit")
                continue
            }
            #expect(reason.contains("line=(a value not seen before)"))
        }
        #expect(h.symbols.count == symbols && h.symbols.lookup("new-0") == nil)
        // A value already interned still finds its key.
        #expect(try h.feed(H.inference(ts: 3_000, x: 1, line: "L1")) == .accepted)
        #expect(h.processor.counters.keyLimited == 100)
        h.finish()
        #expect(h.results.map(\.count).sorted() == [2, 2])
    }

    @Test func resourceEventsOfNewKeysPastTheLimitAreRefusedToo() throws {
        var settings = Self.settings(maxKeys: 1)
        settings.keySets = [["line"]]
        let h = try H(settings)
        #expect(try h.feed(H.inference(ts: 1_000, x: 1, line: "L1")) == .accepted)
        let resource =
            #"{"type":"resource","model":"m","version":"1","host":"h","ts":2000,"cpu_pct":5,"segment":{"line":"L2"}}"#
        guard case .keyLimit = try h.feed(resource) else {
            Issue.record("a resource event of a new key past the limit was accepted")
            return
        }
        #expect(h.processor.counters.resources == 0 && h.processor.counters.keyLimited == 1)
    }

    @Test func featuresPastTheLimitPerModelVersionAreNotMeasured() throws {
        // The baseline's x and c take the two slots; y and z come later and are not measured.
        let h = try H(Self.settings(maxFeatures: 2))
        let event =
            #"{"type":"inference","model":"m","version":"1","ts":1000,"features":{"x":1,"y":2,"c":"a","z":null},"prediction":"ok"}"#
        #expect(try h.feed(event) == .accepted)
        h.finish()
        #expect(h.results[0].missingRate.map(\.feature) == ["x", "c"])
        // y's value is counted as unmeasured; z is missing, so it has no value to count.
        #expect(h.processor.counters.unmeasuredFeatureValues == 1)
    }

    @Test func limitsBelowOneAreRefused() {
        #expect(throws: ProcessorError.self) {
            _ = try DriftProcessor(settings: Self.settings(maxKeys: 0), symbols: SymbolTable(), baselines: [])
        }
    }
}
