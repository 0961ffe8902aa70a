import Testing

@testable import DriftlineCore

/// The contract's example events decode to exactly the values written in them.
@Suite struct DecodingContractTests {
    @Test func inferenceExampleDecodesToItsValues() throws {
        let harness = try DecodingHarness(.contract(segmentDimensions: ["line", "device", "batch"]))
        let event = try harness.decode(
            """
            {
              "type": "inference",
              "model": "weld-defect-cls",
              "version": "3.2.0",
              "ts": "2026-11-26T03:55:00.123Z",
              "request_id": "r-000123",
              "segment": {"line": "L3", "device": "cam-07", "batch": "B1126-01"},
              "features": {"temp_c": 412.5, "current_a": 180.2, "material": "S355"},
              "prediction": "defect",
              "score": 0.93,
              "latency_ms": 42.1,
              "label": "ok"
            }
            """)
        #expect(event.kind == .inference)
        #expect(harness.name(event.model) == "weld-defect-cls")
        #expect(harness.name(event.version) == "3.2.0")
        // 2026-11-26 is day 20,783 since 1970-01-01: 56 years * 365 + 14 leap days (1972...2024) = 20,454,
        // plus 304 days of Jan-Oct and 25 of November; 20,783 * 86,400 + 3 * 3,600 + 55 * 60 = 1,795,665,300 s.
        #expect(event.timestamp == 1_795_665_300_123)
        #expect(event.requestID.map(event.string) == "r-000123")
        #expect(event.segment.map(harness.name) == ["L3", "cam-07", "B1126-01"])
        #expect(harness.features(event) == ["temp_c": "412.5", "current_a": "180.2", "material": "'S355'"])
        #expect(event.features.map { harness.symbols[$0.name] } == ["temp_c", "current_a", "material"])
        #expect(harness.describe(event.prediction, event) == "'defect'")
        #expect(event.score == 0.93)
        #expect(event.latencyMs == 42.1)
        #expect(harness.describe(event.label, event) == "'ok'")
    }

    @Test func labelExampleDecodesToItsValues() throws {
        let harness = try DecodingHarness()
        let event = try harness.decode(
            """
            {"type": "label", "model": "weld-defect-cls", "request_id": "r-000123",
             "ts": "2026-11-26T04:10:00Z", "label": "defect"}
            """)
        #expect(event.kind == .label)
        #expect(harness.name(event.model) == "weld-defect-cls")
        #expect(event.version == nil)
        #expect(event.requestID.map(event.string) == "r-000123")
        // 15 minutes after 03:55:00.000: 1,795,665,300,000 + 900,000.
        #expect(event.timestamp == 1_795_666_200_000)
        #expect(harness.describe(event.label, event) == "'defect'")
        #expect(event.features.isEmpty)
        #expect(event.segment == [nil, nil])
    }

    @Test func resourceExampleDecodesToItsValues() throws {
        let harness = try DecodingHarness()
        let event = try harness.decode(
            """
            {"type": "resource", "model": "weld-defect-cls", "version": "3.2.0",
             "host": "edge-03", "ts": "2026-11-26T03:55:00Z",
             "cpu_pct": 63.5, "mem_mb": 1830.0, "gpu_pct": 41.0, "gpu_mem_mb": 2210.0}
            """)
        #expect(event.kind == .resource)
        #expect(harness.name(event.host) == "edge-03")
        #expect(event.timestamp == 1_795_665_300_000)
        #expect(event.cpuPct == 63.5)
        #expect(event.memMB == 1830)
        #expect(event.gpuPct == 41)
        #expect(event.gpuMemMB == 2210)
        #expect(event.score == nil && event.latencyMs == nil)
    }

    @Test func featureValuesOfEveryJSONTypeAreKeptAsTheContractSays() throws {
        let harness = try DecodingHarness()
        let event = try harness.decode(
            """
            {"type":"inference","model":"m","version":"1","ts":0,
             "features":{"n":-1.5e2,"s":"a\\"b\\u00e9","t":true,"f":false,"z":null,"i":7,"n":3}}
            """)
        // A repeated name keeps its first place and takes the last value, as a parsed dictionary would.
        #expect(event.features.map { harness.symbols[$0.name] } == ["n", "s", "t", "f", "z", "i"])
        #expect(
            harness.features(event) == [
                "n": "3.0", "s": "'a\"bé'", "t": "'true'", "f": "'false'", "z": "missing", "i": "7.0",
            ])
    }

    @Test func integerKeysAreKeptAsTheirText() throws {
        let harness = try DecodingHarness()
        let event = try harness.decode(
            """
            {"type":"inference","model":42,"version":-7,"ts":1795665300123,"request_id":123,
             "segment":{"line":3,"device":"d"},"prediction":1,"label":true,"score":1}
            """)
        #expect(harness.name(event.model) == "42")
        #expect(harness.name(event.version) == "-7")
        #expect(event.timestamp == 1_795_665_300_123)
        #expect(event.requestID.map(event.string) == "123")
        #expect(event.segment.map(harness.name) == ["3", "d"])
        // An integer prediction or label is a class id, kept as its digits; other numeric roles stay numbers.
        #expect(harness.describe(event.prediction, event) == "'1'")
        #expect(harness.describe(event.label, event) == "'true'")
        #expect(event.score == 1)
    }

    @Test func theSameDecoderReusesTheEventWithoutLeftovers() throws {
        let harness = try DecodingHarness()
        _ = try harness.decode(
            """
            {"type":"inference","model":"a","version":"1","ts":5,"score":0.5,"segment":{"line":"L1"},
             "features":{"x":1,"y":"q"}}
            """)
        let second = try harness.decode(#"{"type":"inference","model":"b","version":"2","ts":6,"features":{"x":2}}"#)
        #expect(harness.name(second.model) == "b")
        #expect(second.score == nil)
        #expect(second.segment == [nil, nil])
        #expect(harness.features(second) == ["x": "2.0"])
        #expect(second.text.isEmpty)
    }

    @Test func aSecondSightOfTheSameStringsGivesTheSameSymbols() throws {
        let harness = try DecodingHarness()
        let payload =
            #"{"type":"inference","model":"m","version":"v","ts":1,"features":{"a":1,"b":2},"segment":{"line":"L"}}"#
        let first = try harness.decode(payload)
        let interned = harness.symbols.count
        let second = try harness.decode(payload)
        #expect(harness.symbols.count == interned)
        #expect(first.model == second.model && first.features == second.features && first.segment == second.segment)
        // Different bytes in a cached position still get their own symbol.
        let third = try harness.decode(#"{"type":"inference","model":"n","version":"v","ts":1,"features":{"c":1}}"#)
        #expect(harness.name(third.model) == "n")
        #expect(harness.features(third) == ["c": "1.0"])
    }
}
