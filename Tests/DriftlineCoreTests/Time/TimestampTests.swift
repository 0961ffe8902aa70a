import Foundation
import Testing

@testable import DriftlineCore

/// RFC 3339 parsing and formatting against instants computed by hand and against Foundation.
@Suite struct TimestampTests {
    static let day: Int64 = 86_400_000
    /// 2024-02-29 (leap day) is day 19,782: 54 years * 365 + 13 leap days (1972...2020) + 31 + 28.
    static let leapDay: Int64 = 19_782 * day
    /// 2026-11-26T03:55:00Z: day 20,783 (see DecodingContractTests) plus 3 h 55 min = 14,100,000 ms.
    static let contractInstant: Int64 = 20_783 * day + 14_100_000
    static let instants: [(String, Int64)] = [
        ("1970-01-01T00:00:00Z", 0),
        // One millisecond before the epoch: the fraction counts forward from -1 s.
        ("1969-12-31T23:59:59.999Z", -1),
        ("2024-02-29T00:00:00Z", leapDay),
        ("2024-02-29T12:00:00+01:00", leapDay + 11 * 3_600_000),
        ("2024-02-29T00:30:00-05:30", leapDay + 6 * 3_600_000),
        // Fractions of any length truncate to milliseconds.
        ("2026-11-26T03:55:00.123Z", contractInstant + 123),
        ("2026-11-26T03:55:00.1Z", contractInstant + 100),
        ("2026-11-26t03:55:00.123999999z", contractInstant + 123),
        // 2000-01-01 is day 10,957 (30 * 365 + 7 leap days 1972...1996); 2000-03-01 adds 31 + 29.
        ("2000-03-01T00:00:00Z", 11_017 * day),
    ]

    @Test(arguments: instants)
    func knownInstantsParseToTheirMilliseconds(text: String, millis: Int64) {
        #expect(Timestamp.parseRFC3339(text) == millis)
    }

    @Test(arguments: [
        "", "2026-11-26", "2026-11-26T03:55:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "2100-02-29T00:00:00Z", "2026-11-26T24:00:00Z", "2026-11-26T03:60:00Z", "2026-11-26T03:55:60Z",
        "2026-11-26T03:55:00.Z", "2026-11-26T03:55:00+0100", "2026-11-26T03:55:00+01:00x", "2026-11-26 03:55:00Z",
        "2026-11-26T03:55:00Z ", "２026-11-26T03:55:00Z",
    ])
    func malformedTextIsRejected(text: String) {
        #expect(Timestamp.parseRFC3339(text) == nil)
    }

    static let formatted: [(Int64, String)] = [
        (0, "1970-01-01T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (leapDay + 5, "2024-02-29T00:00:00.005Z"),
        (contractInstant + 123, "2026-11-26T03:55:00.123Z"),
    ]

    @Test(arguments: formatted)
    func formattingGivesUTCWithThreeFractionDigits(millis: Int64, text: String) {
        #expect(Timestamp.format(millis) == text)
    }

    @Test func randomInstantsRoundTripAndAgreeWithFoundation() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var random = SeededRandom(seed: 0x7157)
        // 1900-01-01 ... 2200-01-01.
        for _ in 0..<5_000 {
            let millis = Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &random)
            let ours = Timestamp.format(millis)
            #expect(Timestamp.parseRFC3339(ours) == millis)
            // Foundation reads our text to the same instant ...
            let date = try #require(formatter.date(from: ours), "\(ours)")
            #expect(Int64((date.timeIntervalSince1970 * 1_000).rounded()) == millis, "\(ours)")
            // ... and we read Foundation's text of whole seconds (its fraction printing rounds) the same.
            let seconds = Date(
                timeIntervalSince1970: TimeInterval(millis.quotientAndRemainder(dividingBy: 1_000).quotient))
            let foundationText = formatter.string(from: seconds)
            #expect(
                Timestamp.parseRFC3339(foundationText) == Int64(seconds.timeIntervalSince1970) * 1_000,
                "\(foundationText)")
        }
    }

    @Test(arguments: [
        Int64(0), 1_795_651_200_000, 1_795_665_300_123, 951_782_400_000, 951_868_799_999, 4_102_444_800_000,
        -1, -86_400_001, 1_234_567_890_987,
    ])
    func formattingMatchesFoundationAndAppendWritesTheSameBytes(millis: Int64) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let text = formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1_000))
        #expect(Timestamp.format(millis) == text)
        var bytes: [UInt8] = Array("ts=".utf8)
        Timestamp.append(millis, to: &bytes)
        #expect(bytes == Array("ts=\(text)".utf8))
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
        ("-1", -1),
    ])
    func typedInstantsParseAsRFC3339WithSpaceOrEpochMilliseconds(text: String, millis: Int64) {
        #expect(Timestamp.parse(text) == millis)
    }

    @Test(arguments: [
        "", "2026-11-26", "2026-11-26T03:55:00", "2026-11-26T03:55Z", "2026-13-01T00:00:00Z",
        "2025-02-29T00:00:00Z", "2026-11-26T03:55:00.Z", "2026-11-26T03:55:00Zjunk", "2026-11-26T03:55:00+0100",
        "2026-11-26  03:55:00Z", "1.5",
    ])
    func typedTextThatIsNoInstantIsRejected(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    static let civilDays: [(Int64, Int64, Int64, Int64)] = [
        (1970, 1, 1, 0),
        (1969, 12, 31, -1),
        // See `leapDay`: 54 · 365 + 13 + 31 + 28.
        (2024, 2, 29, 19_782),
        (2024, 3, 1, 19_783),
        // 2000-01-01: 30 · 365 + 7 leap days (1972...1996).
        (2000, 1, 1, 10_957),
        // 1900-01-01: 70 · 365 + 17 leap days (1904...1968) before 1970, counted back.
        (1900, 1, 1, -25_567),
    ]

    @Test(arguments: civilDays)
    func civilDatesAndDayCountsConvertBothWays(year: Int64, month: Int64, day: Int64, days: Int64) {
        #expect(Timestamp.daysFromCivil(year: year, month: month, day: day) == days)
        let date = Timestamp.civil(fromDays: days)
        #expect(date.year == year && date.month == month && date.day == day)
    }

    /// Texts that share a cached minute with `2026-11-26T03:55:00.000Z` (or just miss it), each
    /// with its value computed by hand from `contractInstant` (03:55:00.000); nil where invalid.
    static let sameMinute: [(String, Int64?)] = [
        ("2026-11-26T03:55:07.250Z", contractInstant + 7_250),
        ("2026-11-26T03:55:59.999z", contractInstant + 59_999),
        ("2026-11-26T03:55:00.000Z", contractInstant),
        ("2026-11-26T03:55:60.000Z", nil),  // a leap second has no millisecond of its own
        ("2026-11-26T03:55:0x.000Z", nil),
        ("2026-11-26T03:55:01.0a0Z", nil),
        ("2026-11-26T03:55:01,000Z", nil),
        ("2026-11-26T03:55:01.000Q", nil),
        ("2026-11-26T03:55:01.00+1", nil),
        ("2026-11-26T03:55:01+01:00", contractInstant + 1_000 - 3_600_000),
        ("2026-11-26T03:55:01.5Z", contractInstant + 1_500),
        ("2026-11-26T03:56:01.000Z", contractInstant + 61_000),  // the next minute: parsed in full
        ("2026-11-26T03:55:02.000Z", contractInstant + 2_000),
    ]

    @Test func theMinuteCacheGivesWhatAFullParseGives() {
        var cache = Timestamp.MinuteCache()
        #expect(Self.parse("2026-11-26T03:55:00.000Z", &cache) == Self.contractInstant)
        for (text, millis) in Self.sameMinute {
            #expect(Self.parse(text, &cache) == millis, "\(text)")
            #expect(Timestamp.parseRFC3339(text) == millis, "\(text)")
        }
    }

    private static func parse(_ text: String, _ cache: inout Timestamp.MinuteCache) -> Int64? {
        var text = text
        return text.withUTF8 { Timestamp.parseRFC3339(UnsafeRawBufferPointer($0), reusing: &cache) }
    }
}
