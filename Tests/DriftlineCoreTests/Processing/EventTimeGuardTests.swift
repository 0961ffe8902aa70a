import DriftlineCore
import Testing

/// One absurd timestamp must not move the watermark: times far ahead of the wall clock are refused,
/// and a jump ahead of a partition's time waits for confirming records.
@Suite struct EventTimeGuardTests {
    typealias H = ProcessorHarness
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000

    /// Times are counted from the epoch and "now" is 0 unless given, so only the tests of
    /// `max_future` set it; the jump tests leave the wall clock out.
    static func settings(maxFuture: Int64 = .max) -> ProcessorSettings {
        DriftProcessorTests.settings(maxFuture: maxFuture, maxJump: hour)
    }

    @Test func anEventFurtherAheadOfTheWallClockThanMaxFutureIsRefused() throws {
        let h = try H(Self.settings(maxFuture: 15 * Self.minute))
        let now = 10 * Self.hour
        #expect(try h.feed(H.inference(ts: now + 15 * Self.minute, x: 1), now: now) == .accepted)
        let ahead = try h.feed(H.inference(ts: now + 15 * Self.minute + 1, x: 1), now: now)
        guard case .future(let reason) = ahead else {
            Issue.record("expected .future, got \(ahead)")
            return
        }
        #expect(reason.contains("more than time.max_future (15m)"))
        #expect(h.processor.counters.future == 1)
        // The refused event moved nothing: the watermark is the accepted event's.
        #expect(h.processor.watermark == now + 15 * Self.minute)
    }

    @Test func aSingleJumpIsRefusedAndChangesNothing() throws {
        let plain = try H(Self.settings())
        let guarded = try H(Self.settings())
        for (i, ts) in [Int64(1_000), 30_000, 61_000, 90_000, 125_000].enumerated() {
            try plain.feed(H.inference(ts: ts, x: Double(i)), offset: Int64(i))
            // A record a day ahead arrives between the third and the fourth.
            if i == 3 {
                #expect(try guarded.feed(H.inference(ts: 86_400_000, x: 99), offset: 100, now: 7) == .held)
            }
            #expect(try guarded.feed(H.inference(ts: ts, x: Double(i)), offset: Int64(i)) == .accepted)
        }
        let refused = try #require(guarded.refused.first)
        #expect(refused.code == "jump" && refused.offset == 100 && refused.receivedAt == 7)
        #expect(refused.reason.contains("time 1970-01-02T00:00:00.000Z jumps more than time.max_jump (1h)"))
        #expect(refused.reason.contains("did not confirm it"))
        #expect(String(decoding: refused.payload, as: UTF8.self) == H.inference(ts: 86_400_000, x: 99))
        plain.finish()
        guarded.finish()
        #expect(guarded.results == plain.results)
        #expect(guarded.results.map(\.start) == [0, 60_000, 120_000])
        #expect(guarded.processor.counters.jumpsRefused == 1)
    }

    @Test func aJumpConfirmedByTwoMoreRecordsIsFollowedAndItsRecordsCounted() throws {
        let h = try H(Self.settings())
        try h.feed(H.inference(ts: 1_000, x: 1))
        // A weekend later the line starts again: the first two records are held, the third confirms.
        let monday = 2 * 86_400_000 + 6 * Self.hour
        #expect(try h.feed(H.inference(ts: monday, x: 1)) == .held)
        #expect(try h.feed(H.inference(ts: monday + 500, x: 1)) == .held)
        #expect(h.results.isEmpty)
        #expect(try h.feed(H.inference(ts: monday + 1_000, x: 1)) == .accepted)
        #expect(h.processor.counters.jumpsTaken == 1)
        // The watermark followed: Friday's window closed, and Monday's counts all three records.
        #expect(h.results.map(\.start) == [0])
        h.finish()
        #expect(h.results.map(\.count) == [1, 3])
        #expect(h.results.last?.start == monday / Self.minute * Self.minute)
    }

    @Test func theEndOfInputRefusesAJumpNothingConfirmed() throws {
        let h = try H(Self.settings())
        try h.feed(H.inference(ts: 1_000, x: 1))
        #expect(try h.feed(H.inference(ts: 5 * Self.hour, x: 1), offset: 1) == .held)
        h.finish()
        #expect(h.refused.map(\.offset) == [1])
        #expect(h.refused.first?.reason.hasSuffix("the input ended before another record confirmed it") == true)
        #expect(h.results.map(\.count) == [1])
    }

    @Test func aStreamThatGoesQuietStillClosesItsLastWindow() throws {
        // The harness's idle timeout is an hour of processing time.
        let h = try H(Self.settings())
        try h.feed(H.inference(ts: 1_000, x: 1), now: 0)
        try h.feed(H.inference(ts: 30_000, x: 1), now: 29_000)
        h.processor.tick(now: 29_000 + Self.hour - 1)
        #expect(h.processor.drain().results.isEmpty)
        // Idle for the timeout: event time goes on from 30 s with the clock, so the window [0, 1 min) closes.
        h.processor.tick(now: 29_000 + Self.hour)
        #expect(h.processor.watermark == 30_000 + Self.hour)
        #expect(h.processor.drain().results.map(\.count) == [2])
    }
}
