import DriftlineTestSupport
import Testing

@Suite struct DriftSyntaxTests {
    /// 2026-11-26T00:00:00Z; 1 h = 3,600,000 ms.
    static let start: Int64 = 1_795_651_200_000

    @Test(arguments: [
        (
            "feature:current_a:+3@2026-11-26T01:00:00Z",
            DriftEpisode(.featureShift(feature: "current_a", sigmas: 3), startMs: start + 3_600_000)
        ),
        (
            "feature:temp_c:-1.5@+30m",
            DriftEpisode(.featureShift(feature: "temp_c", sigmas: -1.5), startMs: start + 1_800_000)
        ),
        ("accuracy:0.85@+1h", DriftEpisode(.accuracyDrop(to: 0.85), startMs: start + 3_600_000)),
        (
            "latency:x3@2026-11-26T02:00:00.500Z..2026-11-26T04:00:00+01:00",
            DriftEpisode(.latencySpike(multiplier: 3), startMs: start + 7_200_500, endMs: start + 10_800_000)
        ),
        (
            "category:material:S355=0.2,S460=0.8@+10m/line=L2",
            DriftEpisode(
                .categoryShift(feature: "material", proportions: [.init("S355", 0.2), .init("S460", 0.8)]),
                startMs: start + 600_000, line: "L2")
        ),
        (
            "accuracy:0.9@+1h..+2h/line=L1",
            DriftEpisode(.accuracyDrop(to: 0.9), startMs: start + 3_600_000, endMs: start + 7_200_000, line: "L1")
        ),
    ])
    func acceptsWellFormedDrifts(text: String, expected: DriftEpisode) throws {
        #expect(try DriftEpisode(parsing: text, streamStartMs: Self.start) == expected)
    }

    @Test(arguments: [
        "feature:current_a:+3",  // no start
        "feature:current_a@+1h",  // no shift
        "feature::+3@+1h",  // no name
        "feature:current_a:lots@+1h",  // not a number
        "feature:current_a:nan@+1h",
        "category:material:S355=0.5,S235=0.2@+1h",  // does not add up to 1
        "category:material:S355@+1h",  // no proportion
        "category:material:S355=0.5,S355=0.5@+1h",  // twice
        "accuracy:1.2@+1h",  // out of range
        "accuracy:0.9:extra@+1h",
        "latency:3@+1h",  // no x
        "latency:x0@+1h",
        "latency:x-2@+1h",
        "psi:0.3@+1h",  // unknown kind
        "accuracy:0.9@yesterday",
        "accuracy:0.9@2026-11-26T25:00:00Z",
        "accuracy:0.9@2026-02-30T00:00:00Z",
        "accuracy:0.9@+2h..+1h",  // ends before it starts
        "accuracy:0.9@+1h/L2",  // scope without line=
        "accuracy:0.9@+1h/line=",
        "",
    ])
    func rejectsMalformedDrifts(text: String) {
        #expect {
            try DriftEpisode(parsing: text, streamStartMs: Self.start)
        } throws: { error in
            let error = error as? ScenarioError
            return error?.code == .invalidDriftSyntax && error?.message.contains("KIND:ARGS@START") == true
        }
    }
}
