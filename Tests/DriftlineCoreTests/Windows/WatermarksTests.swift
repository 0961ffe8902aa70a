import DriftlineCore
import Testing

@Suite struct WatermarksTests {
    @Test func watermarkTrailsLargestEventTimeByOutOfOrderness() {
        var marks = Watermarks(outOfOrderness: 5_000, idleTimeout: 30_000)
        #expect(marks.observe(partition: 0, eventTime: 100_000, now: 0) == 95_000)
        // An older event does not move it back, nor forward.
        #expect(marks.observe(partition: 0, eventTime: 90_000, now: 1) == nil)
        #expect(marks.current == 95_000)
        #expect(marks.observe(partition: 0, eventTime: 101_000, now: 2) == 96_000)
    }

    @Test func combinedWatermarkIsMinimumOverPartitions() {
        var marks = Watermarks(outOfOrderness: 0, idleTimeout: 30_000)
        marks.register(partition: 1, now: 0)
        // Partition 1 has delivered nothing yet: it holds the watermark back.
        #expect(marks.observe(partition: 0, eventTime: 50_000, now: 0) == nil)
        #expect(marks.observe(partition: 1, eventTime: 20_000, now: 0) == 20_000)
        #expect(marks.observe(partition: 1, eventTime: 70_000, now: 0) == 50_000)
    }

    @Test func idlePartitionStopsHoldingBackAfterTimeout() {
        var marks = Watermarks(outOfOrderness: 0, idleTimeout: 30_000)
        marks.observe(partition: 0, eventTime: 10_000, now: 0)
        marks.observe(partition: 1, eventTime: 80_000, now: 0)
        #expect(marks.current == 10_000)
        // 29.999 s later partition 0 is not idle yet; partition 1 keeps delivering.
        #expect(marks.observe(partition: 1, eventTime: 90_000, now: 29_999) == nil)
        // At 30 s of silence partition 0 is idle and the watermark jumps to partition 1's.
        #expect(marks.tick(now: 30_000) == 90_000)
        // When partition 0 delivers again it counts again, but the watermark never goes back.
        #expect(marks.observe(partition: 0, eventTime: 11_000, now: 30_001) == nil)
        #expect(marks.current == 90_000)
    }

    @Test func removedPartitionNoLongerHoldsBack() {
        var marks = Watermarks(outOfOrderness: 1_000, idleTimeout: 30_000)
        marks.observe(partition: 0, eventTime: 10_000, now: 0)
        marks.observe(partition: 1, eventTime: 50_000, now: 0)
        #expect(marks.remove(partition: 0, now: 0) == 49_000)
    }
}

@Suite struct IdleWatermarkTests {
    @Test func onceEveryPartitionIsIdleTheWatermarkFollowsTheWallClock() {
        var marks = Watermarks(outOfOrderness: 5_000, idleTimeout: 30_000)
        marks.register(partition: 1, now: 0)
        marks.observe(partition: 0, eventTime: 100_000, now: 1_000)
        marks.observe(partition: 1, eventTime: 90_000, now: 2_000)
        #expect(marks.current == 85_000)
        // Partition 0 is idle at 31 s, partition 1 still active: the watermark is partition 1's.
        #expect(marks.tick(now: 31_000) == nil)
        // At 32 s both are idle: the latest event time (100 s, from partition 0 at 1 s) moves on by
        // the 31 s since it came, less the out-of-orderness: 100 + 31 − 5 = 126 s.
        #expect(marks.tick(now: 32_000) == 126_000)
        #expect(marks.tick(now: 92_000) == 186_000)
        // A record ends the idleness; the watermark never goes back.
        #expect(marks.observe(partition: 1, eventTime: 150_000, now: 93_000) == nil)
        #expect(marks.current == 186_000)
    }

    @Test func withoutFollowingTheClockAnAllIdleInputHoldsItsWatermark() {
        var marks = Watermarks(outOfOrderness: 5_000, idleTimeout: 30_000, advancesWhenIdle: false)
        marks.observe(partition: 0, eventTime: 100_000, now: 1_000)
        #expect(marks.tick(now: 600_000) == nil)
        #expect(marks.current == 95_000)
    }
}
