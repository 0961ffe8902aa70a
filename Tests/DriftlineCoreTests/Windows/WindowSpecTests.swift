import DriftlineCore
import PropertyBased
import Testing

@Suite struct WindowSpecTests {
    static let minute: Int64 = 60_000

    @Test(arguments: [
        // (timestamp, expected start) for 5-minute tumbling windows, worked by hand.
        (Int64(0), Int64(0)),
        (299_999, 0),
        (300_000, 300_000),
        (1_764_129_599_999, 1_764_129_300_000),
        (-1, -300_000),
    ])
    func tumblingWindowStartsAtMultipleOfSize(timestamp: Int64, start: Int64) {
        let spec = WindowSpec(size: 5 * Self.minute)
        #expect(Array(spec.starts(containing: timestamp)) == [start])
    }

    @Test func hoppingWindowsHoldEveryEventInSizeOverHopWindows() {
        let spec = WindowSpec(size: 5 * Self.minute, hop: Self.minute)
        // 4m30s lies in the windows starting at 4m, 3m, 2m, 1m and 0.
        #expect(Array(spec.starts(containing: 270_000)) == [240_000, 180_000, 120_000, 60_000, 0])
        // 5m exactly: [5m,10m) holds it; [0,5m) does not (end is exclusive).
        #expect(Array(spec.starts(containing: 300_000)) == [300_000, 240_000, 180_000, 120_000, 60_000])
    }

    @Test func everyEventLandsInExactlyOneTumblingWindow() async {
        await propertyCheck(input: Gen.int64(in: -10_000_000_000...10_000_000_000), Gen.int64(in: 1...3_600_000)) {
            timestamp, size in
            let starts = Array(WindowSpec(size: size).starts(containing: timestamp))
            #expect(starts.count == 1)
            #expect(starts[0] <= timestamp && timestamp < starts[0] + size)
            #expect(starts[0] % size == 0)
        }
    }

    @Test func everyEventLandsInSizeOverHopHoppingWindows() async {
        await propertyCheck(
            input: Gen.int64(in: -10_000_000_000...10_000_000_000), Gen.int64(in: 1...60_000), Gen.int64(in: 1...12)
        ) { timestamp, hop, multiple in
            let size = hop * multiple
            let starts = Array(WindowSpec(size: size, hop: hop).starts(containing: timestamp))
            #expect(starts.count == Int(multiple))
            for start in starts {
                #expect(start <= timestamp && timestamp < start + size)
                #expect(start % hop == 0)
            }
            // No window outside the list holds it: the next earlier and later starts do not.
            #expect(starts.min()! - hop + size <= timestamp)
            #expect(starts.max()! + hop > timestamp)
        }
    }
}
