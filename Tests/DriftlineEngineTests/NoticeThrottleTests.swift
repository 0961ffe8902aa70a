import DriftlineEngine
import Testing

@Suite struct NoticeThrottleTests {
    @Test func aNoticeIsDueAtMostOncePerIntervalAndCountsWhatItHeldBack() {
        var throttle = NoticeThrottle(interval: 60_000)
        // Events at 0, 1 s, …, 150 s of processing time.
        var notices: [(at: Int64, count: Int)] = []
        for now in stride(from: Int64(0), through: 150_000, by: 1_000) {
            if let count = throttle.occurred(now: now) { notices.append((now, count)) }
        }
        #expect(notices.map(\.at) == [0, 60_000, 120_000])
        #expect(notices.map(\.count) == [1, 60, 60])
    }
}
