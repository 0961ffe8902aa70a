import DriftlineDelivery
import Testing

@Suite struct BackoffTests {
    @Test func doublesFromOneSecondUpToAMinute() {
        let backoff = Backoff()
        #expect(
            (1...9).map { backoff.delayMs(afterAttempts: $0) } == [
                1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
            ])
    }
}
