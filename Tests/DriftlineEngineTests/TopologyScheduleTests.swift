import DriftlineCore
import DriftlineEngine
import DriftlineStore
import Testing

/// `schedule`, `sinks.reports`, `retrain.cooldown` and `repeat_interval` as a topology writes them.
@Suite struct TopologyScheduleTests {
    static let head = """
        name: t
        windows: {size: 5m}
        sources: [{name: s, type: stdin}]
        """
    static let sinks = """
        sinks: {results: {type: stdout}, alerts: {type: stdout}, dead_letter: {type: stdout}, reports: {type: file, path: r.ndjson}}
        """

    @Test func aScheduleReadsItsCronPeriodCriteriaAndTheRulesThresholdsAsTargets() throws {
        let topology = try loadTopology(
            Self.head + "\n" + Self.sinks + """

                store: {path: h.db}
                rules:
                  - {name: psi_high, threshold: 0.3}
                  - {name: latency_p99_high, repeat_interval: 4h}
                retrain: {cooldown: 6h}
                schedule:
                  cron: "0 6 1 * *"
                  period: 30d
                  retrain_when: {accuracy_gap_pp: 2, psi: 0.2, below_target_share: 0.1}
                """)
        let schedule = try #require(topology.schedule)
        #expect(schedule.cronText == "0 6 1 * *")
        #expect(schedule.cron == (try CronSchedule("0 6 1 * *")))
        #expect(schedule.periodMs == 30 * 86_400_000)
        // psi_high as overridden; accuracy_gap is not listed: the contract's default.
        #expect(schedule.targets == PeriodReport.Targets(accuracyGapPP: 3, psi: 0.3, latencyP99Ms: 100))
        #expect(schedule.criteria == ReportCriteria(accuracyGapPP: 2, psi: 0.2, belowTargetShare: 0.1))
        #expect(topology.sinks.reports == .file(path: "/plant/topologies/r.ndjson"))
        #expect(topology.retrainCooldownMs == 6 * 3_600_000)
        #expect(topology.rules.first { $0.name == "latency_p99_high" }?.repeatInterval == Int64(4 * 3_600_000))
        #expect(topology.processorSettings.retrainCooldown == 6 * 3_600_000)
        #expect(topology.processorSettings.reportsRuleStates)
    }

    @Test func scheduleMistakesAreReportedWithLineColumnAndReason() {
        let withoutStoreOrSink = topologyDiagnostics(
            Self.head + """

                sinks: {results: {type: stdout}, alerts: {type: stdout}, dead_letter: {type: stdout}}
                schedule: {cron: "0 6 1 * *", period: 30d}
                """)
        #expect(
            withoutStoreOrSink.map(\.message) == [
                "schedule needs a store: the report is computed from the windows kept there; add store: {path: ...}",
                "schedule needs sinks.reports: where its reports go, e.g. {type: file, path: reports.ndjson}",
            ])
        #expect(withoutStoreOrSink.allSatisfy { $0.line == 5 && $0.code == .inconsistent })

        let badValues = topologyDiagnostics(
            Self.head + "\n" + Self.sinks + """

                store: {path: h.db}
                schedule: {cron: "0 6 1 *", period: 0s, retrain_when: {below_target_share: 2}}
                """)
        #expect(
            badValues.map(\.message) == [
                "schedule.cron: '0 6 1 *' has 4 fields; a cron schedule has 5 (minute hour day-of-month month "
                    + "day-of-week, e.g. '0 6 1 * *') or is @daily, @weekly, @monthly",
                "schedule.period must be longer than 0",
                "schedule.retrain_when.below_target_share is a fraction of windows, at least 0 and below 1",
            ])
        #expect(badValues.map(\.line) == [6, 6, 6])
    }
}
