/// RFC 3339 timestamps to and from epoch milliseconds, without Foundation and without allocating
/// when parsing.
public enum Timestamp {
    /// Milliseconds in one day.
    public static let millisecondsPerDay: Int64 = 86_400_000

    /// The event times the engine accepts: from 2000-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z.
    /// Earlier ones are a device's unset clock (1970) or a corrupt value; later ones cannot be
    /// written in RFC 3339 and would overflow window arithmetic.
    public static let accepted: ClosedRange<Int64> = 946_684_800_000...253_402_300_799_999

    /// Parses an RFC 3339 date-time (`2026-11-26T03:55:00.123Z`, `2026-11-26T04:55:00+01:00`) into
    /// milliseconds since the Unix epoch.
    ///
    /// Accepts `T`/`t` between date and time, `Z`/`z` or a `±hh:mm` offset, and a fraction of any
    /// length, truncated to milliseconds. Returns nil for anything else, including impossible
    /// dates (`2026-02-30`) and leap seconds (`:60`), which have no epoch millisecond of their own.
    public static func parseRFC3339(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        parse(bytes, allowingSpaceSeparator: false)
    }

    /// The first 16 bytes (date, hour and minute) of the last canonical timestamp
    /// (`2026-11-26T03:55:00.123Z`) that `parseRFC3339(_:reusing:)` parsed in full, and the epoch
    /// milliseconds of that minute: a stream's timestamps mostly share their minute.
    struct MinuteCache {
        fileprivate var head: UInt64 = 0
        fileprivate var tail: UInt64 = 0
        fileprivate var minute: Int64?

        init() {}
    }

    /// `parseRFC3339(_:)`, reading only the seconds and the fraction of a canonical timestamp
    /// whose first 16 bytes are those `cache` holds (validated when they were parsed in full).
    static func parseRFC3339(_ bytes: UnsafeRawBufferPointer, reusing cache: inout MinuteCache) -> Int64? {
        guard bytes.count == 24, let address = bytes.baseAddress else { return parseRFC3339(bytes) }
        let head = address.loadUnaligned(as: UInt64.self)
        let tail = address.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        if let minute = cache.minute, head == cache.head, tail == cache.tail {
            guard let secondAndFraction = secondAndFraction(bytes) else { return nil }
            return minute + secondAndFraction
        }
        guard let millis = parseRFC3339(bytes) else { return nil }
        if let secondAndFraction = secondAndFraction(bytes) {
            cache = MinuteCache()
            cache.head = head
            cache.tail = tail
            cache.minute = millis - secondAndFraction
        }
        return millis
    }

    /// Milliseconds of `:SS.mmmZ` at bytes 16..<24 of a 24-byte timestamp; nil for any other form.
    @inline(__always)
    private static func secondAndFraction(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        let zone = bytes[23]
        guard bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "."),
            zone == UInt8(ascii: "Z") || zone == UInt8(ascii: "z")
        else { return nil }
        let s1 = bytes[17] &- UInt8(ascii: "0")
        let s2 = bytes[18] &- UInt8(ascii: "0")
        let f1 = bytes[20] &- UInt8(ascii: "0")
        let f2 = bytes[21] &- UInt8(ascii: "0")
        let f3 = bytes[22] &- UInt8(ascii: "0")
        guard s1 < 6, s2 < 10, f1 < 10, f2 < 10, f3 < 10 else { return nil }
        return (Int64(s1) &* 10 &+ Int64(s2)) &* 1_000 &+ Int64(f1) &* 100 &+ Int64(f2) &* 10 &+ Int64(f3)
    }

    /// Parses an RFC 3339 date-time into milliseconds since the Unix epoch (see the byte variant).
    public static func parseRFC3339(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0), allowingSpaceSeparator: false) }
    }

    /// Parses what a person types for an instant: an RFC 3339 date-time as `parseRFC3339` reads
    /// it, also with a space instead of `T` (`2026-11-26 03:55:00Z`), or a whole number of epoch
    /// milliseconds (`1795665300000`). Nil when the text is neither.
    public static func parse(_ text: String) -> Int64? {
        if let millis = Int64(text) { return millis }
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0), allowingSpaceSeparator: true) }
    }

    /// Formats milliseconds since the Unix epoch as RFC 3339 in UTC with exactly three fraction
    /// digits, e.g. `2026-11-26T03:55:00.123Z`.
    public static func format(_ millis: Int64) -> String {
        var out: [UInt8] = []
        append(millis, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the text `format(millis)` returns to `bytes` as UTF-8, without making a `String`
    /// (24 bytes for years 0...9999).
    public static func append(_ millis: Int64, to bytes: inout [UInt8]) {
        let (days, msOfDay) = millis.floorDivided(by: millisecondsPerDay)
        let (year, month, day) = civil(fromDays: days)
        bytes.reserveCapacity(bytes.count + 24)
        if year < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(abs(year), width: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(month, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(day, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendDigits(msOfDay / 3_600_000, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(msOfDay / 60_000 % 60, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(msOfDay / 1_000 % 60, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        appendDigits(msOfDay % 1_000, width: 3, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
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
    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The RFC 3339 parser behind `parseRFC3339` and `parse`; a space may stand for `T` when
    /// `allowingSpaceSeparator`.
    private static func parse(_ bytes: UnsafeRawBufferPointer, allowingSpaceSeparator: Bool) -> Int64? {
        let n = bytes.count
        guard n >= 20 else { return nil }
        func digits(_ at: Int, _ count: Int) -> Int64? {
            var value: Int64 = 0
            for i in at..<(at + count) {
                let d = bytes[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                value = value * 10 + Int64(d)
            }
            return value
        }
        let separator = bytes[10]
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t")
                || (allowingSpaceSeparator && separator == UInt8(ascii: " ")),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
            let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
            (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second < 60
        else { return nil }

        var i = 19
        var millis: Int64 = 0
        if bytes[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < n, bytes[i] &- UInt8(ascii: "0") < 10 {
                if i - fractionStart < 3 { millis = millis * 10 + Int64(bytes[i] &- UInt8(ascii: "0")) }
                i += 1
            }
            let fractionDigits = i - fractionStart
            guard fractionDigits > 0 else { return nil }
            for _ in fractionDigits..<max(fractionDigits, 3) { millis *= 10 }
        }

        guard i < n else { return nil }
        var offsetMinutes: Int64 = 0
        switch bytes[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard i + 6 == n, bytes[i + 3] == UInt8(ascii: ":"),
                let offsetHours = digits(i + 1, 2), let offsetMins = digits(i + 4, 2),
                offsetHours < 24, offsetMins < 60
            else { return nil }
            offsetMinutes = offsetHours * 60 + offsetMins
            if bytes[i] == UInt8(ascii: "-") { offsetMinutes = -offsetMinutes }
            i += 6
        default:
            return nil
        }
        guard i == n else { return nil }

        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offsetMinutes * 60
        return seconds * 1_000 + millis
    }

    /// `value` (not negative) in decimal, left-padded with zeros to at least `width` digits.
    private static func appendDigits(_ value: Int64, width: Int, to bytes: inout [UInt8]) {
        var length = 1
        var divisor: Int64 = 1
        while value / divisor >= 10 {
            divisor *= 10
            length += 1
        }
        for _ in length..<max(width, length) { bytes.append(UInt8(ascii: "0")) }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    private static func isLeapYear(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    private static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
