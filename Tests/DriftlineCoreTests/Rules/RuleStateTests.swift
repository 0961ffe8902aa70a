import DriftlineCore
import Testing

/// What the rules keep between runs and tell the outside: pending states, a restart in the middle
/// of a firing alert, repeat notifications and the evidence a trigger carries. Expectations are
/// worked out by hand from the window values.
@Suite struct RuleStateTests {
    typealias B = RuleBench
    static let minute = B.minute

    /// What a store holds after `changes`: the latest state of each alert id, if worth keeping.
    static func snapshot(of changes: [RuleState], through: JudgedThrough) -> RuleSnapshot {
        var latest: [String: RuleState] = [:]
        for state in changes { latest[state.alertID] = state }
        return RuleSnapshot(states: latest.values.filter(\.isWorthKeeping), judgedThrough: through)
    }

    static func run(_ bench: inout B, _ values: [Double], windows: some Sequence<Int>) {
        for index in windows { bench.judge(B.result(index, latency: B.latency(values[index]))) }
    }

    @Test func aBreachShorterThanForIsPendingAndEveryChangeIsReported() {
        let rule = RuleSpec(name: "slow", metric: .latency(.p99), threshold: 100, sustain: 3)
        var bench = B([rule], reportsStates: true)
        Self.run(&bench, [50, 150, 150, 50, 60], windows: 0..<5)
        let changes = bench.engine.takeChanges()
        // Window 0 and 4 change nothing (within the threshold before and after); 1 and 2 are
        // pending, 3 ends the streak, which a store must see to drop the state.
        #expect(changes.map(\.status) == [.pending, .pending, .inactive])
        #expect(changes.map(\.streak) == [1, 2, 0])
        #expect(changes.map(\.lastWindowEnd) == [2, 3, 4].map { $0 * Self.minute })
        #expect(changes.map(\.since) == [Self.minute, Self.minute, nil])
        #expect(changes.map(\.isWorthKeeping) == [true, true, false])
        #expect(changes.allSatisfy { $0.alertID == "slow/m/1/_all" && $0.threshold == 100 })
        #expect(bench.alerts.isEmpty)
        #expect(bench.engine.takeChanges().isEmpty)
    }

    @Test func aRestartInTheMiddleOfAFiringAlertResolvesItOnceLaterAndNeverFiresItAgain() {
        let rule = RuleSpec(name: "slow", metric: .latency(.p99), threshold: 100, sustain: 2)
        let values: [Double] = [50, 150, 150, 150, 150, 150, 80, 60]
        var whole = B([rule])
        Self.run(&whole, values, windows: values.indices)
        // Breaches from window 1: the second is window 2, which fires; 80 at window 6 resolves.
        #expect(whole.transitions.map(\.0) == [2, 6])
        #expect(whole.transitions.map(\.1) == [.firing, .resolved])

        // The first run stops after window 4, while the alert fires.
        var first = B([rule], reportsStates: true)
        Self.run(&first, values, windows: 0...4)
        let snapshot = Self.snapshot(of: first.engine.takeChanges(), through: first.engine.judgedThrough)
        #expect(snapshot.judgedThrough.closed == 5 * Self.minute)
        #expect(snapshot.states.count == 1)
        let kept = snapshot.states[0]
        #expect(kept.status == .firing && kept.streak == 4)
        #expect(kept.since == Self.minute && kept.notified == 3 * Self.minute)

        // The restarted run reads windows 2 to 4 again (records processed before the crash): they
        // are not judged twice, the alert is not fired again, and it resolves once, at window 6.
        var second = B([rule], restoring: snapshot, reportsStates: true)
        Self.run(&second, values, windows: 2..<values.count)
        #expect(second.transitions.map(\.0) == [6])
        #expect(second.transitions.map(\.1) == [.resolved])
        #expect(second.alerts[0].alertID == whole.alerts[1].alertID)
        #expect(second.engine.judgedThrough.closed == 8 * Self.minute)

        // Without the kept state the restarted run fires the alert again: what the state prevents.
        var forgetful = B([rule])
        Self.run(&forgetful, values, windows: 2..<values.count)
        #expect(forgetful.transitions.map(\.1) == [.firing, .resolved])
    }

    @Test func aStreakInterruptedByARestartCarriesOn() {
        let rule = RuleSpec(name: "slow", metric: .latency(.p99), threshold: 100, sustain: 3)
        let values: [Double] = [150, 150, 150, 50]
        var first = B([rule], reportsStates: true)
        Self.run(&first, values, windows: 0...1)
        let snapshot = Self.snapshot(of: first.engine.takeChanges(), through: first.engine.judgedThrough)
        #expect(snapshot.states.map(\.status) == [.pending])
        var second = B([rule], restoring: snapshot)
        Self.run(&second, values, windows: 0..<values.count)
        // Windows 0 and 1 were judged before; window 2 is the third breach in a row.
        #expect(second.transitions.map(\.0) == [2, 3])
    }

    /// Revisions replay the kept windows with the revised value; the alert's firing then equals
    /// that of an engine that saw the revised values in the first place.
    @Test func aRevisedWindowIsJudgedAgainAndTheAlertFollowsTheRevisedValues() {
        let rule = RuleSpec(name: "slow", metric: .latency(.p99), threshold: 100, sustain: 2, retrain: true)
        var bench = B([rule], revisableWindows: 3)
        Self.run(&bench, [150, 150, 150], windows: 0..<3)
        #expect(bench.transitions.map(\.0) == [1])
        // Window 1 revised to 80: breaches at 0 and 2 only, never two in a row: resolved, at 1.
        bench.revise(B.result(1, latency: B.latency(80)))
        #expect(bench.transitions.map(\.0) == [1, 1])
        #expect(bench.transitions.map(\.1) == [.firing, .resolved])
        // Window 3 breaches: with window 2, two in a row again.
        bench.judge(B.result(3, latency: B.latency(150)))
        #expect(bench.transitions.map(\.0) == [1, 1, 3])
        #expect(bench.reasons.count == 2)
        // The same values seen first as revised: the final state agrees (firing since window 2).
        var direct = B([rule])
        Self.run(&direct, [150, 80, 150, 150], windows: 0..<4)
        #expect(direct.transitions.map(\.0) == [3])
        // A revision to the same value, or of a window no longer kept, changes nothing.
        bench.revise(B.result(3, latency: B.latency(150)))
        bench.revise(B.result(0, latency: B.latency(10)))
        #expect(bench.alerts.count == 3)
        // Window 2 revised to 90 (window 0 has left the kept windows: its breach stays counted):
        // 80, 90, 150 — one breach, the alert resolves at window 2.
        bench.revise(B.result(2, latency: B.latency(90)))
        #expect(bench.transitions.map(\.0) == [1, 1, 3, 2])
        #expect(bench.transitions.last?.1 == .resolved)
    }

    @Test func aLongFiringAlertIsNotifiedAgainEveryRepeatIntervalAndTriggersOnce() {
        let rule = RuleSpec(
            name: "psi_high", metric: .psi(.all), threshold: 0.25, retrain: true, repeatInterval: 3 * Self.minute)
        var bench = B([rule])
        for index in 0..<10 {
            bench.judge(
                B.result(index, psi: [("current_a", index < 8 ? 0.4 : 0.1)]), featureSamples: ["current_a": 900])
        }
        // Fires at window 0 (notified at its end, minute 1); minute 4 and minute 7 are 3 minutes
        // on (windows 3 and 6); window 8 resolves.
        #expect(bench.transitions.map(\.0) == [0, 3, 6, 8])
        #expect(bench.transitions.map(\.1) == [.firing, .firing, .firing, .resolved])
        #expect(Set(bench.alerts.map(\.alertID)) == ["psi_high/m/1/_all/current_a"])
        #expect(bench.reasons.count == 1)
    }

    @Test func aTriggerReasonCarriesTheWindowsOfTheStreakThatFired() throws {
        let rule = RuleSpec(
            name: "gap", metric: .accuracyGap, threshold: 3, sustain: 3, minSamples: 0, retrain: true)
        var bench = B([rule])
        // Offline 0.95: gaps of 1, 5, 4 and 6 points; the streak is windows 1 to 3.
        for (index, online) in [0.94, 0.90, 0.91, 0.89].enumerated() {
            bench.judge(B.result(index, online: online, labelled: 500))
        }
        let reason = try #require(bench.reasons.first)
        #expect(reason.windows.map(\.start) == [1, 2, 3].map { $0 * Self.minute })
        #expect(reason.windows.map(\.end) == [2, 3, 4].map { $0 * Self.minute })
        for (window, gap) in zip(reason.windows, [5.0, 4, 6]) { #expect(abs(window.value - gap) < 1e-9) }
    }
}
