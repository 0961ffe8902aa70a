/// RFC 3339 timestamps with millisecond precision, as the event contract writes them
/// (`2026-11-26T03:55:00.123Z`), converted to and from epoch milliseconds.
public enum TimestampText {
    /// Milliseconds in one day.
    static let millisecondsPerDay: Int64 = 86_400_000

    /// `epochMs` as `YYYY-MM-DDTHH:MM:SS.mmmZ` (always UTC, always three fraction digits).
    public static func format(epochMs: Int64) -> String {
        var bytes: [UInt8] = []
        append(epochMs: epochMs, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the 24-byte RFC 3339 text of `epochMs` to `bytes`.
    public static func append(epochMs: Int64, to bytes: inout [UInt8]) {
        let (days, msOfDay) = epochMs.floorDivided(by: millisecondsPerDay)
        let prefix = datePrefix(days: days)
        bytes.appendWritten(maxBytes: 24) { $0.timestamp(msOfDay: msOfDay, datePrefix: prefix) }
    }

    /// `YYYY-MM-DDT` of the civil day `days` after 1970-01-01 (years 0...9999).
    static func datePrefix(days: Int64) -> [UInt8] {
        let (year, month, day) = civil(fromDays: days)
        var out: [UInt8] = []
        out.appendWritten(maxBytes: 11) { writer in
            writer.digits(UInt64(year), width: 4)
            writer.byte(UInt8(ascii: "-"))
            writer.digits(UInt64(month), width: 2)
            writer.byte(UInt8(ascii: "-"))
            writer.digits(UInt64(day), width: 2)
            writer.byte(UInt8(ascii: "T"))
        }
        return out
    }

    /// Parses an RFC 3339 date-time (`T` or space separator, optional fraction, `Z` or `±HH:MM`)
    /// or a plain integer of epoch milliseconds; nil when the text is neither.
    public static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        if !b.isEmpty, b.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) || (b[0] == UInt8(ascii: "-") && b.count > 1) {
            return Int64(text)
        }
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= b.count else { return nil }
            var value: Int64 = 0
            for byte in b[index..<index + width] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            index += width
            return value
        }
        func expect(_ allowed: String) -> Bool {
            guard index < b.count, allowed.utf8.contains(b[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysInMonth(year: year, month: month)).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var millis: Int64 = 0
        if index < b.count && b[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < b.count, b[index] >= 0x30 && b[index] <= 0x39 {
                if digits < 3 { millis = millis * 10 + Int64(b[index] - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 3)..<3 { millis *= 10 }
        }
        var offsetMinutes: Int64 = 0
        if expect("Zz") {
            // UTC.
        } else if index < b.count, b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-") {
            let sign: Int64 = b[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHours = number(2), expect(":"), let offsetMins = number(2), offsetHours < 24,
                offsetMins < 60
            else { return nil }
            offsetMinutes = sign * (offsetHours * 60 + offsetMins)
        } else {
            return nil
        }
        guard index == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + millis
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension Int64 {
    /// Quotient and remainder rounded towards minus infinity (the remainder is never negative).
    func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let (q, r) = quotientAndRemainder(dividingBy: divisor)
        return r < 0 ? (q - 1, r + divisor) : (q, r)
    }
}
