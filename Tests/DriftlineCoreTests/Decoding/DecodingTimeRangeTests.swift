import DriftlineCore
import Testing

/// Event times before 2000, or that do not fit the contract's forms, are `invalidTimestamp`.
@Suite struct DecodingTimeRangeTests {
    static func decode(_ ts: String) throws(DecodeError) -> Int64? {
        let harness = try! DecodingHarness()
        harness.decoder.acceptedTimes = Timestamp.accepted
        return try harness.decode("{\"type\":\"inference\",\"model\":\"m\",\"version\":\"1\",\"ts\":\(ts)}").timestamp
    }

    @Test(arguments: [
        "\"1970-01-01T00:00:00Z\"", "\"1999-12-31T23:59:59.999Z\"", "0", "-5000", "946684799999",
        "\"2026-13-01T00:00:00Z\"", "\"yesterday\"", "1.5e12", "99999999999999999999",
    ])
    func timesBefore2000OrMalformedAreInvalid(ts: String) {
        let error = #expect(throws: DecodeError.self) { try Self.decode(ts) }
        #expect(error?.code == .invalidTimestamp, "\(ts)")
    }

    @Test func theFirstMillisecondOf2000AndTheLastOf9999AreAccepted() throws {
        #expect(try Self.decode("\"2000-01-01T00:00:00Z\"") == 946_684_800_000)
        #expect(try Self.decode("946684800000") == 946_684_800_000)
        #expect(try Self.decode("\"9999-12-31T23:59:59.999Z\"") == 253_402_300_799_999)
        #expect(throws: DecodeError.self) { try Self.decode("253402300800000") }
    }
}
