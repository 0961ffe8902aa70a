import DriftlineCore
import Testing

/// The exact grammar of configuration files, the loose one of command lines, and writing back.
@Suite struct DurationTextTests {
    @Test(
        arguments: [
            ("500ms", 500),
            ("30s", 30_000),  // 30 × 1,000
            ("5m", 300_000),  // 5 × 60 × 1,000
            ("2h", 7_200_000),  // 2 × 3,600 × 1,000
            ("1d", 86_400_000),  // 24 × 3,600 × 1,000
            ("0", 0),
            ("0s", 0),
            ("106751991167d", 9_223_372_036_828_800_000),  // the most whole days below Int64.max ms
        ] as [(String, Int64)])
    func parsesNumberAndUnit(text: String, milliseconds: Int64) {
        #expect(DurationText.milliseconds(text) == milliseconds)
    }

    @Test(arguments: [
        "5", "5 m", "-5s", "+5s", "1.5s", "5M", "ms", "", "5mm", "5sec", " 5s",
        "106751991168d",  // 9,223,372,036,915,200,000 ms: past Int64.max
        "99999999999999999999s",  // too many digits for Int64
    ])
    func rejectsWhatIsNotADuration(text: String) {
        #expect(DurationText.milliseconds(text) == nil)
    }

    @Test(
        arguments: [
            (300_000, "5m"), (90_000, "90s"), (1_500, "1500ms"), (86_400_000, "1d"), (7_200_000, "2h"), (0, "0"),
        ] as [(Int64, String)])
    func writesTheLongestExactUnit(milliseconds: Int64, text: String) {
        #expect(DurationText.text(milliseconds: milliseconds) == text)
        #expect(DurationText.milliseconds(text) == milliseconds)
    }

    @Test(
        arguments: [
            ("500ms", 500), ("90s", 90_000), ("15m", 900_000), ("2h", 7_200_000), ("1d", 86_400_000),
            ("1h30m", 5_400_000),  // 3,600,000 + 30 × 60,000
            ("1.5h", 5_400_000),  // 1.5 × 3,600,000
            ("2.5ms", 3),  // halves round away from zero
            ("0s", 0),
        ] as [(String, Int64)])
    func looseGrammarReadsPartsAndFractions(text: String, milliseconds: Int64) {
        #expect(DurationText.parse(text) == milliseconds)
    }

    @Test(arguments: [
        "", "0", "2", "h", "2x", "-1h", "1h 30m", "1..5s",
        "11574075d",  // 11,574,075 × 86,400,000 = 1,000,000,080,000,000 ms: past the 10^15 ms bound
    ])
    func looseGrammarRejectsWhatIsNotADuration(text: String) {
        #expect(DurationText.parse(text) == nil)
    }
}
