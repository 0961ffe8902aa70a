import DriftlineTestSupport
import Foundation
import Testing

@Suite struct TimestampTextTests {
    @Test(arguments: [
        Int64(0), 1_795_651_200_000, 1_795_665_300_123, 951_782_400_000, 951_868_799_999, 4_102_444_800_000,
        -1, -86_400_001, 1_234_567_890_987,
    ])
    func formatsLikeFoundation(epochMs: Int64) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = Date(timeIntervalSince1970: Double(epochMs) / 1000)
        #expect(TimestampText.format(epochMs: epochMs) == formatter.string(from: date))
        #expect(TimestampText.parse(TimestampText.format(epochMs: epochMs)) == epochMs)
    }

    @Test func theDefaultStartIsTheTwentySixthOfNovember() {
        #expect(TimestampText.format(epochMs: TelemetryScenario.defaultStartMs) == "2026-11-26T00:00:00.000Z")
    }

    @Test(arguments: [
        // 2026-11-26T03:55:00Z = 1,795,651,200,000 + (3·3600 + 55·60)·1000 = 1,795,665,300,000.
        ("2026-11-26T03:55:00Z", Int64(1_795_665_300_000)),
        ("2026-11-26T03:55:00.1Z", 1_795_665_300_100),
        ("2026-11-26T03:55:00.123456Z", 1_795_665_300_123),
        ("2026-11-26 03:55:00z", 1_795_665_300_000),
        ("2026-11-26T04:55:00+01:00", 1_795_665_300_000),
        ("2026-11-26T01:25:00-02:30", 1_795_665_300_000),
        ("1795665300000", 1_795_665_300_000),
    ])
    func parsesRFC3339AndEpochMilliseconds(text: String, expected: Int64) {
        #expect(TimestampText.parse(text) == expected)
    }

    @Test(arguments: [
        "", "2026-11-26", "2026-11-26T03:55:00", "2026-11-26T03:55Z", "2026-13-01T00:00:00Z",
        "2025-02-29T00:00:00Z", "2026-11-26T03:55:00.Z", "2026-11-26T03:55:00Zjunk", "2026-11-26T03:55:00+0100",
    ])
    func rejectsMalformedTimestamps(text: String) {
        #expect(TimestampText.parse(text) == nil)
    }

    @Test(arguments: [
        ("500ms", Int64(500)), ("90s", 90_000), ("15m", 900_000), ("2h", 7_200_000), ("1d", 86_400_000),
        ("1h30m", 5_400_000), ("1.5h", 5_400_000), ("0s", 0),
    ])
    func parsesDurations(text: String, expected: Int64) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test(arguments: ["", "2", "h", "2x", "-1h", "1h 30m", "1..5s"])
    func rejectsMalformedDurations(text: String) {
        #expect(DurationText.parse(text) == nil)
    }
}
