import DriftlineCore
import DriftlineStore
import Testing

/// The rules' state in the store: what a restarted engine reads back, and what `driftline alerts`
/// lists as active.
@Suite struct RuleStateStoreTests {
    static func state(
        _ id: String = "slow/m/1/line=L1", status: RuleState.Status, streak: Int, end: Int64,
        trailing: [Double] = []
    ) -> RuleState {
        RuleState(
            alertID: id, rule: "slow", model: "m", version: "1", segment: "line=L1", feature: nil, severity: "warning",
            status: status, streak: streak, value: 150, threshold: 100, since: status == .inactive ? nil : 60_000,
            lastWindowEnd: end, notified: status == .firing ? end : nil, trailing: trailing,
            evidence: streak > 0 ? [RuleState.Window(start: end - 60_000, end: end, value: 150)] : [])
    }

    @Test func aSnapshotReturnsTheLatestStateWorthKeepingAndHowFarRulesJudged() throws {
        let store = try HistoryStore(path: try HistoryStoreTests.temporaryPath())
        var batch = StoreBatch()
        batch.ruleStates = [
            Self.state(status: .pending, streak: 1, end: 120_000),
            Self.state(status: .firing, streak: 2, end: 180_000),
            Self.state("drop/m/1/_all", status: .inactive, streak: 0, end: 180_000, trailing: [10, 12]),
            Self.state("other/m/1/_all", status: .pending, streak: 1, end: 180_000),
        ]
        batch.judgedThrough = JudgedThrough(closed: 180_000, labelled: 60_000)
        try store.write(batch)
        var later = StoreBatch()
        // The pending one ends; an older state of the firing one arrives late and changes nothing.
        later.ruleStates = [
            Self.state("other/m/1/_all", status: .inactive, streak: 0, end: 240_000),
            Self.state(status: .pending, streak: 1, end: 120_000),
        ]
        later.judgedThrough = JudgedThrough(closed: 120_000, labelled: 120_000)
        try store.write(later)

        let snapshot = try store.ruleSnapshot()
        #expect(snapshot.states.map(\.alertID).sorted() == ["drop/m/1/_all", "slow/m/1/line=L1"])
        let firing = try #require(snapshot.states.first { $0.alertID == "slow/m/1/line=L1" })
        #expect(firing == Self.state(status: .firing, streak: 2, end: 180_000))
        #expect(snapshot.states.first { $0.alertID == "drop/m/1/_all" }?.trailing == [10, 12])
        // Each bound only moves forward.
        #expect(snapshot.judgedThrough == JudgedThrough(closed: 180_000, labelled: 120_000))
        #expect(try store.activeAlerts().map(\.alertID) == ["slow/m/1/line=L1"])
    }

    @Test func theCooldownStartsFromTheLatestStoredTriggerOfEachModelVersion() throws {
        let store = try HistoryStore(path: try HistoryStoreTests.temporaryPath())
        var batch = StoreBatch()
        for (version, end) in [("1", 600_000), ("1", 1_200_000), ("2", 300_000)] as [(String, Int64)] {
            let trigger = RetrainTrigger(
                triggerID: "m/\(version)/\(end)", model: "m", version: version, reasons: [],
                windowStart: end - 300_000, windowEnd: end, at: end + 1)
            batch.triggers.append(StoreBatch.Entry(trigger, record: Array("{}".utf8)))
        }
        try store.write(batch)
        #expect(try store.ruleSnapshot().lastTriggers == ["m/1": 1_200_000, "m/2": 300_000])
        let recent = try store.recent(.triggers, model: "m", limit: 2)
        #expect(recent.rows.map { $0.values[2] } == ["m/1/1200000", "m/1/600000"])
    }
}
