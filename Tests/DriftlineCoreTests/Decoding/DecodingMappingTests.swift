import Testing

@testable import DriftlineCore

/// Field mappings: nested pointers, escapes, array indices, constants and the record time.
@Suite struct DecodingMappingTests {
    @Test func nestedPointersEscapesAndArrayIndicesReachTheirValues() throws {
        var mapping = FieldMapping(segmentDimensions: ["line", "cell"])
        mapping.fixedKind = .inference
        mapping.model = .pointer("/meta/model_id")
        mapping.version = .pointer("/meta/a~1b")  // member "a/b"
        mapping.timestamp = .pointer("/meta/t~0s")  // member "t~s"
        mapping.features = .pointer("/inputs")
        mapping.latencyMs = .pointer("/timing/1/ms")  // second element of an array
        mapping.segment = .pointer("/where")
        mapping.segmentFields = ["cell": .pointer("/meta/cell")]
        let harness = try DecodingHarness(mapping)
        let event = try harness.decode(
            """
            {"timing":[{"ms":1},{"ms":17.5},{"ms":3}],
             "meta":{"model_id":"press-ctl","a/b":"9","t~s":"2024-02-29T12:00:00+01:00","cell":"C2","skip":[{"x":[]}]},
             "where":{"line":"L1","cell":"ignored"},
             "inputs":{"p":1.25},
             "type":"nonsense"}
            """)
        #expect(event.kind == .inference)  // fixedKind: the payload's "type" is not read
        #expect(harness.name(event.model) == "press-ctl")
        #expect(harness.name(event.version) == "9")
        // 2024-02-29 is day 19,782 (TimestampTests); 11:00:00Z = 19782*86400 + 39600 s.
        #expect(event.timestamp == 1_709_204_400_000)
        #expect(event.latencyMs == 17.5)
        #expect(harness.features(event) == ["p": "1.25"])
        // "cell" from its own field wins over the segment object's member.
        #expect(event.segment.map(harness.name) == ["L1", "C2"])
    }

    @Test func constantsAndRecordTimeFillTheirRoles() throws {
        var mapping = FieldMapping(segmentDimensions: ["line"])
        mapping.kind = .constant("resource")
        mapping.version = .constant("3.2.0")
        mapping.timestamp = .recordTime
        mapping.segmentFields = ["line": .constant("L9")]
        mapping.cpuPct = .constant("12.5")
        let harness = try DecodingHarness(mapping)
        let event = try harness.decode(#"{"model":"m","version":"ignored?","cpu_pct":99}"#, recordTime: 1_000)
        #expect(event.kind == .resource)
        #expect(harness.name(event.version) == "3.2.0")
        #expect(event.timestamp == 1_000)
        #expect(event.segment.map(harness.name) == ["L9"])
        #expect(event.cpuPct == 12.5)
    }

    @Test func aNilTimestampMappingLeavesTheTimestampUnsetAndUnrequired() throws {
        var mapping = FieldMapping(segmentDimensions: [])
        mapping.timestamp = nil
        let harness = try DecodingHarness(mapping)
        let event = try harness.decode(#"{"type":"inference","model":"m","version":"1","ts":"not even read"}"#)
        #expect(event.timestamp == nil)
    }

    @Test func theWholeDocumentCanBeTheFeatures() throws {
        var mapping = FieldMapping(segmentDimensions: [])
        mapping.features = .pointer("")
        mapping.fixedKind = .inference
        mapping.timestamp = nil
        let harness = try DecodingHarness(mapping)
        let event = try harness.decode(#"{"model":"m","version":"1","x":2}"#)
        #expect(harness.features(event) == ["model": "'m'", "version": "'1'", "x": "2.0"])
        #expect(harness.name(event.model) == "m")
    }

    @Test func identityRolesCanComeFromTheRecordKey() throws {
        var mapping = FieldMapping(segmentDimensions: ["line"])
        mapping.model = .recordKey
        mapping.requestID = .recordKey
        mapping.segmentFields = ["line": .recordKey]
        let harness = try DecodingHarness(mapping)
        let event = try harness.decode(#"{"type":"inference","version":"1","ts":5,"model":"ignored"}"#, key: "press-4")
        #expect(harness.name(event.model) == "press-4")
        #expect(event.requestID.map { event.string($0) } == "press-4")
        #expect(harness.name(event.segment[0]) == "press-4")
        // A record without a key lacks the role, and the error says where it was to come from.
        let error = harness.error(#"{"type":"inference","version":"1","ts":5}"#)
        #expect(error?.code == .missingRole)
        #expect(error?.message.contains("the record key") == true)
    }

    @Test func identityRolesCanComeFromRecordHeaders() throws {
        var mapping = FieldMapping(segmentDimensions: [])
        mapping.version = .recordHeader("model-version")
        mapping.host = .recordHeader("missing")
        let harness = try DecodingHarness(mapping)
        var headers: [UInt8] = []
        for (name, value) in [("model-version", "1.0"), ("trace", nil), ("model-version", "3.2.0")]
            as [(String, String?)]
        {
            Array(name.utf8).withUnsafeBytes { nameBytes in
                if let value {
                    Array(value.utf8).withUnsafeBytes { RecordHeaders.append(name: nameBytes, value: $0, to: &headers) }
                } else {
                    RecordHeaders.append(name: nameBytes, value: nil, to: &headers)
                }
            }
        }
        // The last header of a name wins, as in Kafka; an absent header leaves the role missing.
        let event = try harness.decode(#"{"type":"resource","model":"m","ts":5}"#, headers: headers)
        #expect(harness.name(event.version) == "3.2.0")
        #expect(event.host == nil)
    }

    @Test func onlyIdentityRolesTakeTheRecordKey() {
        var mapping = FieldMapping(segmentDimensions: [])
        mapping.latencyMs = .recordKey
        #expect {
            _ = try EventDecoder(mapping: mapping, symbols: SymbolTable())
        } throws: { error in
            (error as? MappingError)?.code == .unsupportedSource
        }
    }

    @Test(arguments: [
        (FieldSource.pointer("model"), MappingError.Code.invalidPointer),
        (.pointer("/a~2b"), .invalidPointer),
        (.pointer("/a~"), .invalidPointer),
        (.recordTime, .unsupportedSource),
    ])
    func badModelSourcesAreRejectedAtInit(source: FieldSource, code: MappingError.Code) {
        var mapping = FieldMapping(segmentDimensions: [])
        mapping.model = source
        #expect {
            _ = try EventDecoder(mapping: mapping, symbols: SymbolTable())
        } throws: { error in
            (error as? MappingError)?.code == code && (error as? MappingError)?.message.contains("'model'") == true
        }
    }

    @Test func badConstantsAndUnknownDimensionsAreRejectedAtInit() {
        func code(_ change: (inout FieldMapping) -> Void) -> MappingError.Code? {
            var mapping = FieldMapping(segmentDimensions: ["line"])
            change(&mapping)
            do {
                _ = try EventDecoder(mapping: mapping, symbols: SymbolTable())
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code { $0.score = .constant("high") } == .invalidConstant)
        #expect(code { $0.kind = .constant("prediction") } == .invalidConstant)
        #expect(code { $0.timestamp = .constant("yesterday") } == .invalidConstant)
        #expect(code { $0.features = .constant("x") } == .unsupportedSource)
        #expect(code { $0.segmentFields = ["plant": .pointer("/plant")] } == .unknownDimension)
        #expect(code { $0.timestamp = .constant("2026-11-26T03:55:00Z") } == nil)
    }

    @Test func jsonPointersFollowRFC6901() {
        #expect(JSONPointer("")?.tokens == [])
        #expect(JSONPointer("/")?.tokens == [[]])
        #expect(JSONPointer("/a~1b/~0/0")?.tokens == [Array("a/b".utf8), Array("~".utf8), Array("0".utf8)])
        #expect(JSONPointer("/~01")?.tokens == [Array("~1".utf8)])  // not "/"
        #expect(JSONPointer("a") == nil)
        #expect(JSONPointer.arrayIndex(Array("0".utf8)) == 0)
        #expect(JSONPointer.arrayIndex(Array("12".utf8)) == 12)
        #expect(JSONPointer.arrayIndex(Array("01".utf8)) == nil)
        #expect(JSONPointer.arrayIndex(Array("-".utf8)) == nil)
    }
}
