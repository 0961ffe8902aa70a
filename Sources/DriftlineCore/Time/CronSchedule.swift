/// A cron schedule in UTC: five fields (minute, hour, day of month, month, day of week), each
/// `*`, a number, a range `a-b`, a step `*/n` or `a-b/n`, or a comma list of those; or one of
/// `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`. Day of week runs 0–7, Sunday being 0
/// and 7. As in Vixie cron, when both day fields are restricted a day matching either runs.
///
/// Hand-written: no cron package is among the project's dependencies, and five small fields do
/// not justify one.
public struct CronSchedule: Equatable, Sendable {
    private var minutes: Set<Int>
    private var hours: Set<Int>
    private var daysOfMonth: Set<Int>
    private var months: Set<Int>
    private var daysOfWeek: Set<Int>
    private var dayOfMonthRestricted: Bool
    private var dayOfWeekRestricted: Bool

    /// Why a schedule could not be read.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    private static let macros = [
        "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@weekly": "0 0 * * 0", "@monthly": "0 0 1 * *",
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
    ]

    /// Reads `text`; throws a `ParseError` naming the field and what is wrong.
    public init(_ text: String) throws(ParseError) {
        func split(_ text: String) -> [String] {
            text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        }
        var fields = split(text)
        if fields.count == 1, let macro = Self.macros[fields[0]] { fields = split(macro) }
        guard fields.count == 5 else {
            throw ParseError(
                description: "'\(text)' has \(fields.count) fields; a cron schedule has 5 "
                    + "(minute hour day-of-month month day-of-week, e.g. '0 6 1 * *') or is @daily, @weekly, @monthly")
        }
        minutes = try Self.field(fields[0], name: "minute", 0...59)
        hours = try Self.field(fields[1], name: "hour", 0...23)
        daysOfMonth = try Self.field(fields[2], name: "day of month", 1...31)
        months = try Self.field(fields[3], name: "month", 1...12)
        var week = try Self.field(fields[4], name: "day of week", 0...7)
        if week.remove(7) != nil { week.insert(0) }
        daysOfWeek = week
        dayOfMonthRestricted = fields[2] != "*"
        dayOfWeekRestricted = fields[4] != "*"
    }

    /// The first time the schedule runs strictly after `millis` (epoch milliseconds, UTC), on a
    /// whole minute; `nil` when it never runs within the next 8 years (`0 0 30 2 *`).
    public func next(after millis: Int64) -> Int64? {
        let minute: Int64 = 60_000
        let start = millis.floorDivided(by: minute).quotient + 1
        var (day, minuteOfDay) = start.floorDivided(by: 1_440)
        for _ in 0..<(8 * 366) {
            if runs(onDay: day) {
                for candidate in minuteOfDay..<1_440
                where hours.contains(Int(candidate / 60)) && minutes.contains(Int(candidate % 60)) {
                    return (day * 1_440 + candidate) * minute
                }
            }
            day += 1
            minuteOfDay = 0
        }
        return nil
    }

    private func runs(onDay day: Int64) -> Bool {
        let date = Timestamp.civil(fromDays: day)
        guard months.contains(Int(date.month)) else { return false }
        // 1970-01-01 was a Thursday (4).
        let weekday = Int((day % 7 + 7 + 4) % 7)
        let monthDay = daysOfMonth.contains(Int(date.day))
        let weekDay = daysOfWeek.contains(weekday)
        if dayOfMonthRestricted && dayOfWeekRestricted { return monthDay || weekDay }
        return monthDay && weekDay
    }

    private static func field(_ text: String, name: String, _ range: ClosedRange<Int>) throws(ParseError) -> Set<Int> {
        var values = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            func fail(_ why: String) -> ParseError {
                ParseError(description: "\(name) field '\(text)': \(why)")
            }
            let stepParts = part.split(separator: "/", omittingEmptySubsequences: false)
            guard stepParts.count <= 2 else { throw fail("'\(part)' has more than one '/'") }
            var step = 1
            if stepParts.count == 2 {
                guard let parsed = Int(stepParts[1]), parsed > 0 else {
                    throw fail("the step after '/' must be a whole number above 0")
                }
                step = parsed
            }
            let span = stepParts[0]
            var low = range.lowerBound
            var high = range.upperBound
            if span != "*" {
                let bounds = span.split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count <= 2, let first = Int(bounds[0]), let last = Int(bounds.last!) else {
                    throw fail("'\(span)' is not *, a number or a range a-b (names are not read)")
                }
                low = first
                // `a-b`, `a-b/n`; `a/n` runs from a to the field's end; `a` alone is just a.
                high = bounds.count == 2 ? last : stepParts.count == 2 ? range.upperBound : first
            }
            guard range.contains(low), range.contains(high), low <= high else {
                throw fail("values must lie in \(range.lowerBound)-\(range.upperBound), a range from low to high")
            }
            values.formUnion(stride(from: low, through: high, by: step))
        }
        return values
    }
}
