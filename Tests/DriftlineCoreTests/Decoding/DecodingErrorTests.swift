import Testing

@testable import DriftlineCore

/// Every `DecodeError` code, with a message that says what to fix.
@Suite struct DecodingErrorTests {
    static let valid = #"{"type":"inference","model":"m","version":"1","ts":"2026-11-26T03:55:00Z""#

    @Test(arguments: [
        (
            #"{"type":"inference","model":"m","version":"1","ts":0,}"#, DecodeError.Code.invalidJSON,
            "at byte 53: expected a member name"
        ),
        (#"{"model":"m\u0041","x":tru}"#, .invalidJSON, "invalid literal"),
        ("", .invalidJSON, "byte 0"),
        (#"{"a":"\ud800"}"#, .invalidJSON, "surrogate"),
        (#"[{"type":"inference"}]"#, .notAnObject, "not an object"),
        (#""inference""#, .notAnObject, "not an object"),
        (
            #"{"model":"m","version":"1","ts":0}"#, .missingRole,
            "missing role 'type' (at '/type'); set the source's fixed kind"
        ),
        (#"{"type":"inference","version":"1","ts":0}"#, .missingRole, "missing role 'model' (at '/model')"),
        (#"{"type":"inference","model":"m","ts":0}"#, .missingRole, "missing role 'version'"),
        (#"{"type":"inference","model":"m","version":"1"}"#, .missingRole, "missing role 'ts'"),
        (#"{"type":"inference","model":"m","version":"1","ts":null}"#, .missingRole, "missing role 'ts'"),
        (#"{"type":"label","model":"m","ts":0,"label":"ok"}"#, .missingRole, "missing role 'request_id'"),
        (#"{"type":"label","model":"m","ts":0,"request_id":"r","label":null}"#, .missingRole, "missing role 'label'"),
        (#"{"type":"resource","model":"m","ts":0}"#, .missingRole, "missing role 'version'"),
        (
            #"{"type":"inference","model":"m","version":"1","ts":0,"score":"high"}"#, .wrongType,
            "role 'score' (at '/score'): expected number, found string"
        ),
        (
            #"{"type":"inference","model":{"id":1},"version":"1","ts":0}"#, .wrongType,
            "role 'model' (at '/model'): expected string or integer, found object"
        ),
        (
            #"{"type":"inference","model":"m","version":1.5,"ts":0}"#, .wrongType,
            "role 'version' (at '/version'): expected string or integer, found number"
        ),
        (
            #"{"type":"inference","model":"m","version":"1","ts":0,"features":[1]}"#, .wrongType,
            "expected object, found array"
        ),
        (
            #"{"type":"inference","model":"m","version":"1","ts":0,"features":{"x":[1]}}"#, .wrongType,
            "feature 'x' of role 'features'"
        ),
        (
            #"{"type":"inference","model":"m","version":"1","ts":0,"segment":{"line":true}}"#, .wrongType,
            "role 'segment'"
        ),
        (#"{"type":"inference","model":"m","version":"1","ts":true}"#, .wrongType, "role 'ts'"),
        (
            #"{"type":"inference","model":"m","version":"1","ts":"2026-02-30T00:00:00Z"}"#, .invalidTimestamp,
            "\"2026-02-30T00:00:00Z\" is not an RFC 3339 timestamp"
        ),
        (#"{"type":"inference","model":"m","version":"1","ts":1.5}"#, .invalidTimestamp, "integer epoch milliseconds"),
        (
            #"{"type":"inference","model":"m","version":"1","ts":99999999999999999999}"#, .invalidTimestamp,
            "integer epoch"
        ),
        (
            #"{"type":"prediction","model":"m","version":"1","ts":0}"#, .unknownKind,
            "unknown event kind \"prediction\", expected inference, label or resource"
        ),
        (#"{"type":"inference","model":"m","version":"1","ts":1e999}"#, .invalidJSON, "out of the range"),
    ])
    func badPayloadsFailWithTheirCodeAndAReason(payload: String, code: DecodeError.Code, reason: String) throws {
        let harness = try DecodingHarness()
        let error = harness.error(payload)
        #expect(error?.code == code)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "no error")")
    }

    @Test func payloadsOverTheLimitAreRejectedBeforeParsing() throws {
        let harness = try DecodingHarness()
        harness.decoder.maxPayloadBytes = 80
        let payload = Self.valid + #","pad":""# + String(repeating: "x", count: 100) + "\"}"
        let error = harness.error(payload)
        #expect(error?.code == .oversize)
        #expect(error?.message.contains("\(payload.utf8.count) bytes") == true)
        #expect(error?.message.contains("limit of 80 bytes") == true)
        #expect(harness.error(Self.valid + "}") == nil)
    }

    @Test func payloadsLargerThanTheScratchBufferDecode() throws {
        let harness = try DecodingHarness()
        let long = String(repeating: "\\u00e9", count: 2_000)  // 12,000 escaped bytes -> 4,000 bytes
        let event = try harness.decode(Self.valid + #","request_id":""# + long + "\"}")
        #expect(event.requestID.map(event.string) == String(repeating: "é", count: 2_000))
    }
}

/// `limits.max_features`: the decoder refuses an event with more features, without interning them.
@Suite struct FeatureLimitTests {
    static func event(features count: Int, prefix: String = "f") -> String {
        let features = (0..<count).map { "\"\(prefix)\($0)\":\($0)" }.joined(separator: ",")
        return #"{"type":"inference","model":"m","version":"1","ts":1795651200000,"features":{"# + features + "}}"
    }

    static func decode(_ json: String, decoder: EventDecoder) -> DecodeError? {
        var event = Event()
        var bytes = Array(json.utf8)
        do {
            try bytes.withUnsafeMutableBytes { buffer in
                try decoder.decode(UnsafeRawBufferPointer(buffer), context: RecordContext(recordTime: 0), into: &event)
            }
            return nil
        } catch let error as DecodeError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func anEventWithMoreFeaturesThanTheLimitIsRefusedAndItsNamesAreNotInterned() throws {
        let symbols = SymbolTable()
        let decoder = try EventDecoder(mapping: .contract(segmentDimensions: []), symbols: symbols)
        #expect(decoder.maxFeatures == 256)
        decoder.maxFeatures = 3
        #expect(Self.decode(Self.event(features: 3), decoder: decoder) == nil)
        let error = try #require(Self.decode(Self.event(features: 5, prefix: "g"), decoder: decoder))
        #expect(error.code == .tooManyFeatures)
        #expect(
            error.message == "the features object (at '/features') has 5 members; the limit is 3 (limits.max_features)")
        // The first three names of the refused event were interned on the way, the rest not.
        #expect(symbols.lookup("g2") != nil && symbols.lookup("g3") == nil && symbols.lookup("g4") == nil)
    }

    @Test func theDefaultLimitTakes256Features() throws {
        let decoder = try EventDecoder(mapping: .contract(segmentDimensions: []), symbols: SymbolTable())
        #expect(Self.decode(Self.event(features: 256), decoder: decoder) == nil)
        #expect(Self.decode(Self.event(features: 257), decoder: decoder)?.code == .tooManyFeatures)
    }

    @Test func invalidJSONStillWinsOverTooManyFeatures() throws {
        let decoder = try EventDecoder(mapping: .contract(segmentDimensions: []), symbols: SymbolTable())
        decoder.maxFeatures = 1
        let json = #"{"type":"inference","model":"m","version":"1","ts":1795651200000,"features":{"a":1,"b":2,"c":}}"#
        #expect(Self.decode(json, decoder: decoder)?.code == .invalidJSON)
    }
}

/// The engine's key limit reaches into the decoder: new segment values are not interned at it.
@Suite struct SegmentInterningTests {
    @Test(arguments: [
        #"{"type":"inference","model":"m","version":"1","ts":1795651200000,"segment":{"line":"L9"}}"#,
        #"{"type":"inference","model":"m","version":"1","ts":1795651200000,"segment":{"line":9}}"#,
        #"{"type":"inference","model":"m","version":"1","ts":1795651200000,"meta":{"line":"L9"}}"#,
    ])
    func unseenSegmentValuesDecodeAsUnseenWhenInterningIsOff(json: String) throws {
        let symbols = SymbolTable()
        var mapping = FieldMapping.contract(segmentDimensions: ["line"])
        if json.contains("meta") { mapping.segmentFields = ["line": .pointer("/meta/line")] }
        let decoder = try EventDecoder(mapping: mapping, symbols: symbols)
        let known = symbols.intern("L1")
        decoder.internsNewSegmentValues = false
        var event = Event(segmentDimensions: 1)
        let count = symbols.count
        var bytes = Array(json.utf8)
        try bytes.withUnsafeMutableBytes { buffer in
            try decoder.decode(UnsafeRawBufferPointer(buffer), context: RecordContext(recordTime: 0), into: &event)
        }
        #expect(event.segment[0] == .unseen)
        #expect(symbols.count == count + 2)  // the model and version
        #expect(symbols.lookup("L9") == nil && symbols.lookup("9") == nil)
        // A value seen before decodes to its symbol as ever.
        guard json.contains("L9") else { return }
        var known1 = Array(json.split(separator: "L9", omittingEmptySubsequences: false).joined(separator: "L1").utf8)
        try known1.withUnsafeMutableBytes { buffer in
            try decoder.decode(UnsafeRawBufferPointer(buffer), context: RecordContext(recordTime: 0), into: &event)
        }
        #expect(event.segment[0] == known)
    }
}
