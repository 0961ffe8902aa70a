import DriftlineCore
import Testing

/// Next run times worked out on a calendar (2026-12-03 is a Thursday, 2028 a leap year).
@Suite struct CronScheduleTests {
    static func time(_ text: String) -> Int64 { Timestamp.parseRFC3339(text)! }

    @Test(arguments: [
        ("0 6 1 * *", "2026-12-03T11:40:00Z", "2027-01-01T06:00:00Z"),
        ("0 6 1 * *", "2027-01-01T06:00:00Z", "2027-02-01T06:00:00Z"),
        ("*/15 * * * *", "2026-12-03T11:40:30Z", "2026-12-03T11:45:00Z"),
        ("1-10/3 * * * *", "2026-12-03T11:07:00Z", "2026-12-03T11:10:00Z"),
        ("1-10/3 * * * *", "2026-12-03T11:10:00Z", "2026-12-03T12:01:00Z"),
        ("5/20 * * * *", "2026-12-03T11:26:00Z", "2026-12-03T11:45:00Z"),
        ("@weekly", "2026-12-03T11:40:00Z", "2026-12-06T00:00:00Z"),
        ("0 0 * * 7", "2026-12-03T11:40:00Z", "2026-12-06T00:00:00Z"),
        ("0 0 13 * 5", "2026-12-03T11:40:00Z", "2026-12-04T00:00:00Z"),
        ("30 2 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T02:30:00Z"),
        ("@daily", "2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z"),
        ("0,30 9-17 * * 1-5", "2026-12-04T17:30:00Z", "2026-12-07T09:00:00Z"),
    ])
    func nextRunIsTheFirstMatchingMinuteAfter(schedule: String, after: String, expected: String) throws {
        let cron = try CronSchedule(schedule)
        #expect(cron.next(after: Self.time(after)).map(Timestamp.format) == Timestamp.format(Self.time(expected)))
    }

    @Test func aDateThatNeverComesHasNoNextRun() throws {
        #expect(try CronSchedule("0 0 30 2 *").next(after: 0) == nil)
    }

    @Test(arguments: [
        ("0 6 1 *", "has 4 fields"), ("60 * * * *", "minute field '60'"), ("*/0 * * * *", "step after '/'"),
        ("0 6 1 jan *", "month field 'jan'"), ("0 5-2 * * *", "hour field '5-2'"), ("0 0 0 * *", "day of month"),
    ])
    func mistakesAreNamed(schedule: String, message: String) {
        #expect(throws: CronSchedule.ParseError.self) { try CronSchedule(schedule) }
        do {
            _ = try CronSchedule(schedule)
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }
}
