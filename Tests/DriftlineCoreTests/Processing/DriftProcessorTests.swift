import DriftlineCore
import Foundation
import PropertyBased
import Testing

@Suite struct DriftProcessorTests {
    typealias H = ProcessorHarness
    static let minute: Int64 = 60_000

    static func settings(
        window: WindowSpec = WindowSpec(size: 60_000), keySets: [[String]] = [[]], outOfOrderness: Int64 = 0,
        allowedLateness: Int64 = 0, labelWait: Int64 = 0, rules: [RuleSpec] = RuleSpec.defaults,
        maxFuture: Int64 = .max, maxJump: Int64 = .max
    ) -> ProcessorSettings {
        ProcessorSettings(
            window: window, segmentDimensions: Set(keySets.joined()).sorted(), keySets: keySets,
            outOfOrderness: outOfOrderness, allowedLateness: allowedLateness, idleTimeout: 3_600_000,
            labelWait: labelWait, rules: rules, maxFuture: maxFuture, maxJump: maxJump)
    }

    @Test func psiAndMissingRateMatchHandComputation() throws {
        let h = try H(Self.settings())
        try h.feed(H.inference(ts: 1_000, x: 1, c: "a"))
        try h.feed(H.inference(ts: 2_000, x: 2, c: "a"))
        try h.feed(H.inference(ts: 3_000, x: 3, c: "b"))
        try h.feed(H.inference(ts: 4_000, x: 15))
        h.finish()
        let result = try #require(h.results.first)
        #expect(h.results.count == 1)
        #expect(result.count == 4)
        #expect(result.start == 0 && result.end == 60_000)
        // x: 3 of 4 below 10 → a = [0.75, 0.25] against e = [0.5, 0.5]:
        // 0.25·ln(1.5) + (−0.25)·ln(0.5) = 0.1013663 + 0.1732868 = 0.2746531
        let psi = try #require(result.psi)
        #expect(abs(psi[0].value! - 0.2746531) < 1e-6)
        // c: a=2, b=1, other=0 of 3 present; a = [2/3, 1/3, ε], e = [0.5, 0.5, ε]:
        // (1/6)·ln(4/3) + (−1/6)·ln(2/3) + 0 = 0.0479470 + 0.0675775 = 0.1155245
        #expect(abs(psi[1].value! - 0.1155245) < 1e-6)
        #expect(
            result.missingRate == [FeatureMetric(feature: "x", value: 0), FeatureMetric(feature: "c", value: 0.25)])
        #expect(abs(result.throughputPerSecond - 4.0 / 60) < 1e-12)
    }

    @Test func featureWithoutPresentValuesHasNullPSI() throws {
        let h = try H(Self.settings())
        try h.feed(H.inference(ts: 1_000, x: 1))
        h.finish()
        #expect(h.results[0].psi?[1] == FeatureMetric(feature: "c", value: nil))
        #expect(h.results[0].missingRate[1].value == 1)
    }

    @Test func versionWithoutBaselineReportsPSIUnavailable() throws {
        let h = try H(Self.settings(), baselines: [])
        try h.feed(H.inference(ts: 1_000, x: 1, label: "ok", latency: 5))
        h.finish()
        #expect(h.results[0].psi == nil)
        #expect(h.results[0].accuracy.online == 1)
        #expect(h.results[0].accuracy.offline == nil && h.results[0].accuracy.gapPP == nil)
        #expect(h.results[0].latency != nil)
    }

    @Test func windowClosesWhenWatermarkPassesItsEnd() throws {
        let h = try H(Self.settings(outOfOrderness: 0))
        try h.feed(H.inference(ts: 1_000, x: 1))
        try h.feed(H.inference(ts: 59_999, x: 1))
        #expect(h.results.isEmpty)
        try h.feed(H.inference(ts: 60_000, x: 1))
        #expect(h.results.map(\.count) == [2])
        #expect(h.results[0].revision == 0)
    }

    @Test func outOfOrdernessHoldsWindowOpen() throws {
        let h = try H(Self.settings(outOfOrderness: 5_000))
        try h.feed(H.inference(ts: 1_000, x: 1))
        try h.feed(H.inference(ts: 64_999, x: 1))  // watermark 59_999: [0, 60 s) still open
        try h.feed(H.inference(ts: 58_000, x: 1))  // out of order but in time
        #expect(h.results.isEmpty)
        try h.feed(H.inference(ts: 65_000, x: 1))
        #expect(h.results.map(\.count) == [2])
    }

    @Test func lateEventWithinAllowedLatenessEmitsNextRevision() throws {
        let h = try H(Self.settings(allowedLateness: 90_000))
        try h.feed(H.inference(ts: 1_000, x: 1))
        try h.feed(H.inference(ts: 61_000, x: 1))
        #expect(h.results.map(\.revision) == [0])
        #expect(try h.feed(H.inference(ts: 2_000, x: 1)) == .accepted)
        // The revision waits for the watermark to cross the next hop boundary (120 s).
        try h.feed(H.inference(ts: 119_999, x: 1))
        #expect(h.results.count == 1)
        try h.feed(H.inference(ts: 120_500, x: 1))
        let revised = try #require(h.results.first { $0.start == 0 && $0.revision == 1 })
        #expect(revised.count == 2)
        // Still within 60 s + 90 s: accepted, and emitted when the window is dropped at 150 s.
        #expect(try h.feed(H.inference(ts: 2_500, x: 1)) == .accepted)
        try h.feed(H.inference(ts: 150_000, x: 1))
        #expect(h.results.first { $0.start == 0 && $0.revision == 2 }?.count == 3)
        guard case .late = try h.feed(H.inference(ts: 3_000, x: 1)) else {
            Issue.record("expected the event to be late")
            return
        }
        #expect(h.processor.counters.late == 1)
    }

    /// Labels for a closed window arrive one a minute; the window is re-emitted at every hop by
    /// default, at every `reviseEvery` when given, and at its label horizon either way. A revision
    /// is numbered by the revise ticks since the window's end; the final one by one more than the
    /// ticks before the horizon (10 minutes of 1-minute ticks: 10, whether or not the tick at 10
    /// minutes revised it).
    @Test(arguments: [(nil, [0, 1, 2, 3, 4, 5, 6, 7, 8, 10]), (180_000, [0, 1, 2, 3, 4])] as [(Int64?, [Int])])
    func lateLabelsReviseAClosedWindowAtTheRevisionInterval(reviseEvery: Int64?, revisions: [Int]) throws {
        var settings = Self.settings(labelWait: 600_000)
        settings.reviseEvery = reviseEvery ?? settings.window.hop
        let h = try H(settings)
        for index in 0..<9 {
            try h.feed(H.inference(ts: Int64(index + 1) * 1_000, x: 1, prediction: "ok", requestID: "r\(index)"))
        }
        try h.feed(H.inference(ts: 61_000, x: 1))  // closes [0, 60 s): revision 0
        for minute in 1...8 {
            try h.feed(H.label(ts: Int64(minute) * 1_000 + 30_000, requestID: "r\(minute)", label: "ok"))
            try h.feed(H.inference(ts: Int64(minute + 1) * Self.minute + 1_000, x: 1))
        }
        try h.feed(H.inference(ts: 661_000, x: 1))  // past 60 s + 10 min: the label horizon
        let emitted = h.results.filter { $0.start == 0 }
        #expect(emitted.map(\.revision) == revisions)
        // Every revision but the last has the labels up to its tick; the last is final with all 8.
        #expect(emitted.last?.accuracy.final == true && emitted.last?.accuracy.labelled == 8)
        if reviseEvery != nil {
            // Ticks at 180 s, 360 s, 540 s: labels of minutes 1–2, 3–5 and 6–8.
            #expect(emitted.map(\.accuracy.labelled) == [0, 2, 5, 8, 8])
        } else {
            #expect(emitted.map(\.accuracy.labelled) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 8])
        }
    }

    /// A restart reads a window's input again, often as a backlog that moves the watermark past
    /// the window's label horizon in one step: its final revision gets the number and the values
    /// it got when the watermark moved minute by minute, and that number is its highest either way.
    @Test func theFinalRevisionIsNumberedAlikeHoweverTheWatermarkGotThere() throws {
        var events: [String] = []
        for index in 0..<5 {
            events.append(H.inference(ts: Int64(index + 1) * 1_000, x: 1, prediction: "ok", requestID: "r\(index)"))
        }
        for index in 0..<5 {
            let ts = Int64(index + 1) * Self.minute + 1_000
            events.append(H.label(ts: ts, requestID: "r\(index)", label: "ok"))
        }
        events.append(H.inference(ts: 400_000, x: 1))
        let settings = Self.settings(labelWait: 5 * Self.minute)
        let stepwise = try H(settings)
        for event in events { try stepwise.feed(event) }
        // Partition 1 holds the watermark at 0 while partition 0 delivers everything, then moves.
        let backlog = try H(settings)
        try backlog.feed(H.label(ts: 0, requestID: "nobody", label: "ok"), partition: 1)
        for event in events { try backlog.feed(event) }
        try backlog.feed(H.label(ts: 400_000, requestID: "nobody", label: "ok"), partition: 1)

        let revisions = stepwise.results.filter { $0.start == 0 }
        // Closed by the first label at 61 s (0), revised by the next four at the ticks of 120, 180,
        // 240 and 300 s (1–4), final at the horizon of 360 s: one more than the 4 ticks before it.
        #expect(revisions.map(\.revision) == [0, 1, 2, 3, 4, 5])
        #expect(revisions.map(\.accuracy.labelled) == [1, 2, 3, 4, 5, 5])
        let once = backlog.results.filter { $0.start == 0 }
        #expect(once.count == 1)
        #expect(once.first == revisions.last)
        #expect(once.first?.accuracy.final == true)
    }

    @Test func labelJoinRespectsWaitBoundAndCountsTheRest() throws {
        let h = try H(Self.settings(labelWait: 60_000))
        try h.feed(H.inference(ts: 1_000, x: 1, prediction: "ok", requestID: "r1"))
        try h.feed(H.inference(ts: 2_000, x: 1, prediction: "ok", requestID: "r2"))
        try h.feed(H.inference(ts: 3_000, x: 1, prediction: "ok", requestID: "r3"))
        try h.feed(H.inference(ts: 61_000, x: 1))  // closes [0, 60 s): accuracy not final yet
        #expect(h.results.count == 1)
        #expect(h.results[0].accuracy.final == false && h.results[0].accuracy.labelled == 0)
        try h.feed(H.label(ts: 31_000, requestID: "r1", label: "defect"))
        try h.feed(H.label(ts: 63_000, requestID: "r2", label: "ok"))  // 61 s after its inference: beyond the wait
        try h.feed(H.label(ts: 63_000, requestID: "r9", label: "ok"))  // matches nothing
        try h.feed(H.inference(ts: 125_000, x: 1))  // watermark ≥ 60 s + 60 s: label horizon of [0, 60 s)
        let final = try #require(h.results.first { $0.start == 0 && $0.accuracy.final })
        #expect(final.revision == 1)
        #expect(final.accuracy.labelled == 1)
        #expect(final.accuracy.online == 0)
        // (0.9 − 0) × 100
        #expect(abs(final.accuracy.gapPP! - 90) < 1e-9)
        let counters = h.processor.counters
        #expect(counters.labelsMatched == 1)
        #expect(counters.labelsBeyondWait == 1)
        #expect(counters.labelsUnmatched == 1)
        // r2 (beyond the wait) and r3 (never labelled, expired at the horizon).
        #expect(counters.unlabelled == 2)
        #expect(h.processor.pendingLabels == 0)
    }

    @Test func labelJoinEvictsOldestWhenFull() throws {
        var settings = Self.settings(labelWait: 60_000)
        settings.maxPendingLabels = 2
        let h = try H(settings)
        for i in 1...3 { try h.feed(H.inference(ts: Int64(i) * 1_000, x: 1, requestID: "r\(i)")) }
        try h.feed(H.label(ts: 5_000, requestID: "r1", label: "ok"))
        try h.feed(H.label(ts: 5_000, requestID: "r3", label: "ok"))
        #expect(h.processor.counters.evictedUnlabelled == 1)
        #expect(h.processor.counters.labelsUnmatched == 1)
        #expect(h.processor.counters.labelsMatched == 1)
    }

    @Test func accuracyGapFiresAfterThreeConsecutiveWindowsAndResolves() throws {
        let h = try H(Self.settings(rules: RuleSpec.defaults))
        // 200 labels a window (the default min_labels). Windows 0–2: 8 of 10 right (gap (0.9 − 0.8)·100 =
        // 10 pp); window 3: 9 of 10 (gap 0).
        for window in 0..<4 {
            for i in 0..<200 {
                let right = i % 10 < (window < 3 ? 8 : 9)
                try h.feed(
                    H.inference(
                        ts: Int64(window) * Self.minute + Int64(i) * 250, x: 1, prediction: "ok",
                        label: right ? "ok" : "defect"))
            }
        }
        h.finish()
        let gapAlerts = h.alerts.filter { $0.rule == "accuracy_gap" }
        #expect(gapAlerts.map(\.state) == [.firing, .resolved])
        #expect(gapAlerts[0].windowStart == 2 * Self.minute)
        #expect(abs(gapAlerts[0].value - 10) < 1e-9)
        #expect(gapAlerts[0].alertID == "accuracy_gap/m/1/_all")
        #expect(gapAlerts[1].windowStart == 3 * Self.minute)
        let trigger = try #require(h.triggers.first)
        #expect(trigger.reasons.map(\.rule) == ["accuracy_gap"])
        #expect(trigger.triggerID == "m/1/1970-01-01T00:03:00.000Z")
    }

    /// A latency rule marked `retrain` that fires in windows 0, 2, 4 and 6 (each resolved by the
    /// next window): with a 3-minute cooldown only the triggers of windows 0 (ending at minute 1)
    /// and 4 (minute 5, four minutes later) go out; 2 and 6 come two minutes after one.
    @Test func aRetrainCooldownHoldsBackTriggersOfTheSameModelVersion() throws {
        var settings = Self.settings(rules: [
            RuleSpec(name: "slow", metric: .latency(.p99), threshold: 100, retrain: true)
        ])
        settings.retrainCooldown = 3 * Self.minute
        let h = try H(settings)
        for window in 0..<8 {
            for i in 0..<10 {
                try h.feed(
                    H.inference(
                        ts: Int64(window) * Self.minute + Int64(i) * 1_000, x: 1, latency: window % 2 == 0 ? 150 : 20))
            }
        }
        h.finish()
        #expect(h.alerts.filter { $0.state == .firing }.map { $0.windowStart / Self.minute } == [0, 2, 4, 6])
        #expect(h.triggers.map { $0.windowStart / Self.minute } == [0, 4])
        #expect(h.processor.counters.triggersInCooldown == 2)
        // The evidence: the window that fired with its p99, and the baseline judged against.
        let trigger = try #require(h.triggers.first)
        #expect(trigger.reasons[0].windows.map(\.start) == [0])
        #expect(abs(trigger.reasons[0].windows[0].value - 150) < 1)
        #expect(trigger.offlineAccuracy == 0.9)
    }

    /// Two `retrain` rules that fire in one window, for the whole model and for line L1: one
    /// trigger for the model version and window, with the four reasons.
    @Test func reasonsOfOneWindowAreCoalescedIntoOneTrigger() throws {
        let h = try H(
            Self.settings(
                keySets: [[], ["line"]],
                rules: [
                    RuleSpec(name: "slow", metric: .latency(.p99), threshold: 100, retrain: true),
                    RuleSpec(name: "very_slow", metric: .latency(.max), threshold: 120, retrain: true),
                ]))
        for i in 0..<10 { try h.feed(H.inference(ts: Int64(i) * 1_000, x: 1, latency: 150, line: "L1")) }
        h.finish()
        #expect(h.alerts.filter { $0.state == .firing }.count == 4)
        #expect(h.triggers.count == 1)
        let trigger = try #require(h.triggers.first)
        #expect(trigger.triggerID == "m/1/1970-01-01T00:01:00.000Z")
        #expect(
            Set(trigger.reasons.map { "\($0.rule) \($0.segment)" })
                == ["slow _all", "very_slow _all", "slow line=L1", "very_slow line=L1"])
    }

    /// Window 0 closes with a p99 of 150 and fires; a thousand late events of 20 ms (within the
    /// allowed lateness) revise it to a p99 of 20, and the revision resolves the alert.
    @Test func aRevisionByLateEventsJudgesTheWindowAgain() throws {
        let h = try H(
            Self.settings(
                allowedLateness: 2 * Self.minute,
                rules: [RuleSpec(name: "slow", metric: .latency(.p99), threshold: 100)]))
        for i in 0..<10 { try h.feed(H.inference(ts: Int64(i) * 1_000, x: 1, latency: 150)) }
        try h.feed(H.inference(ts: 70_000, x: 1, latency: 20))
        #expect(h.alerts.map(\.state) == [.firing])
        for i in 0..<1_000 { try h.feed(H.inference(ts: 10_000 + Int64(i) * 40, x: 1, latency: 20)) }
        try h.feed(H.inference(ts: 125_000, x: 1, latency: 20))
        let revision = try #require(h.results.last { $0.start == 0 && $0.revision == 1 })
        #expect(try #require(revision.latency?.p99) < 100)
        #expect(h.alerts.map(\.state) == [.firing, .resolved])
        #expect(h.alerts.map(\.windowStart) == [0, 0])
    }

    @Test func accuracyRuleWaitsForLabelHorizon() throws {
        let h = try H(Self.settings(labelWait: 2 * Self.minute))
        for window in 0..<3 {
            for i in 0..<200 {
                try h.feed(
                    H.inference(
                        ts: Int64(window) * Self.minute + Int64(i) * 250, x: 1, prediction: "ok",
                        label: "defect"))
            }
        }
        // Windows 0–2 are closed at 3 min, but the horizon of window 2 is 5 min.
        try h.feed(H.inference(ts: 4 * Self.minute + 59_000, x: 1))
        #expect(h.alerts.filter { $0.rule == "accuracy_gap" }.isEmpty)
        try h.feed(H.inference(ts: 5 * Self.minute, x: 1))
        #expect(h.alerts.filter { $0.rule == "accuracy_gap" }.map(\.state) == [.firing])
    }

    @Test func psiRuleNeedsFiveHundredPresentValues() throws {
        let h = try H(Self.settings())
        // All values above 10: a = [ε, 1], e = [0.5, 0.5]:
        // (0.0001 − 0.5)·ln(0.0002) + 0.5·ln(2) = 4.2577452 + 0.3465736 = 4.6043188
        for i in 0..<499 { try h.feed(H.inference(ts: Int64(i) * 100, x: 20)) }
        for i in 0..<500 { try h.feed(H.inference(ts: Self.minute + Int64(i) * 100, x: 20)) }
        h.finish()
        #expect(abs(h.results[0].psi![0].value! - 4.6043188) < 1e-6)
        let psiAlerts = h.alerts.filter { $0.rule == "psi_high" }
        #expect(psiAlerts.count == 1)
        #expect(psiAlerts[0].windowStart == Self.minute)
        #expect(psiAlerts[0].feature == "x")
        #expect(psiAlerts[0].alertID == "psi_high/m/1/_all/x")
    }

    @Test func latencyPercentilesAreNearestRankWithinHistogramPrecision() throws {
        let h = try H(Self.settings())
        // 1…1000 ms, shuffled: nearest rank of q is the value ⌈q·1000⌉.
        var values = Array(1...1000)
        var generator = SystemRandomNumberGenerator()
        values.shuffle(using: &generator)
        for (i, v) in values.enumerated() { try h.feed(H.inference(ts: Int64(i), x: 1, latency: Double(v))) }
        h.finish()
        let latency = try #require(h.results[0].latency)
        for (measured, expected) in [
            (latency.p50, 500.0), (latency.p90, 900), (latency.p95, 950), (latency.p99, 990), (latency.p999, 999),
        ] {
            #expect(abs(measured - expected) / expected <= 0.001, "\(measured) vs \(expected)")
        }
        #expect(latency.max == 1000)
        #expect(latency.samples == 1000)
    }

    @Test func latencyRuleFiresAboveBudget() throws {
        let h = try H(Self.settings())
        for i in 0..<100 { try h.feed(H.inference(ts: Int64(i), x: 1, latency: i < 98 ? 20 : 150)) }
        for i in 0..<100 { try h.feed(H.inference(ts: Self.minute + Int64(i), x: 1, latency: i < 99 ? 20 : 150)) }
        h.finish()
        // Window 0: the 99th of 100 values is 150 ms; window 1: it is 20 ms.
        let alerts = h.alerts.filter { $0.rule == "latency_p99_high" }
        #expect(alerts.map(\.state) == [.firing, .resolved])
        #expect(alerts[0].alertID == "latency_p99_high/m/1/_all")
    }

    @Test func resourceStatsPerHostAndOverall() throws {
        let h = try H(Self.settings())
        for (i, cpu) in [10.0, 20, 30, 40].enumerated() {
            try h.feed(
                "{\"type\":\"resource\",\"model\":\"m\",\"version\":\"1\",\"host\":\"h\(i % 2)\",\"ts\":\(i * 1000),\"cpu_pct\":\(cpu)}"
            )
        }
        h.finish()
        let result = try #require(h.results.first)
        // All: mean 25, max 40, p95 = value of rank ⌈0.95·4⌉ = 4 → 40.
        #expect(result.resources == [ResourceStat(field: "cpu_pct", mean: 25, max: 40, p95: 40, samples: 4)])
        // h0: 10, 30; h1: 20, 40.
        #expect(result.resourcesByHost.map(\.host) == ["h0", "h1"])
        #expect(
            result.resourcesByHost[0].stats == [ResourceStat(field: "cpu_pct", mean: 20, max: 30, p95: 30, samples: 2)])
        #expect(result.count == 0)
    }

    @Test func segmentKeysAndRejectionOfEventsNoKeyFits() throws {
        let h = try H(Self.settings(keySets: [["line"]]))
        try h.feed(H.inference(ts: 1_000, x: 1, line: "L1"))
        try h.feed(H.inference(ts: 2_000, x: 1, line: "L2"))
        try h.feed(H.inference(ts: 3_000, x: 1, line: "L2"))
        guard case .rejected(let reason) = try h.feed(H.inference(ts: 4_000, x: 1)) else {
            Issue.record("expected rejection")
            return
        }
        #expect(reason.contains("[line]"))
        h.finish()
        #expect(h.results.map { $0.segmentID }.sorted() == ["line=L1", "line=L2"])
        #expect(h.results.first { $0.segmentID == "line=L2" }?.count == 2)
    }

    @Test func hoppingWindowsCountEachEventInEveryWindow() throws {
        let h = try H(Self.settings(window: WindowSpec(size: 3 * Self.minute, hop: Self.minute)))
        try h.feed(H.inference(ts: 2 * Self.minute + 1, x: 1))
        h.finish()
        #expect(h.results.map(\.start).sorted() == [0, Self.minute, 2 * Self.minute])
        #expect(h.results.allSatisfy { $0.count == 1 })
    }
}

@Suite struct SafeOffsetTests {
    typealias H = ProcessorHarness

    @Test func safeOffsetIsEarliestOffsetStillHeldByAnOpenWindow() throws {
        let h = try H(DriftProcessorTests.settings(labelWait: 30_000))
        // Partition 0, offsets 100…102 in [0, 60 s); partition 1, offsets 7…8 in [60 s, 120 s).
        try h.feed(H.inference(ts: 1_000, x: 1), partition: 0, offset: 100)
        try h.feed(H.inference(ts: 2_000, x: 1), partition: 0, offset: 101)
        try h.feed(H.inference(ts: 61_000, x: 1), partition: 1, offset: 7)
        try h.feed(H.inference(ts: 3_000, x: 1), partition: 0, offset: 102)
        #expect(h.processor.safeOffsets() == [0: 100, 1: 7])
        // Closing [0, 60 s) is not enough: it stays open for labels until 60 s + 30 s.
        try h.feed(H.inference(ts: 62_000, x: 1), partition: 1, offset: 8)
        #expect(h.processor.safeOffsets() == [0: 100, 1: 7])
        // Both partitions move past 90 s (the watermark is their minimum): [0, 60 s) is dropped.
        // Partition 0 now only holds [60 s, 120 s) from its offset 103; partition 1 from offset 7.
        try h.feed(H.inference(ts: 96_000, x: 1), partition: 0, offset: 103)
        #expect(h.processor.safeOffsets() == [0: 100, 1: 7])
        try h.feed(H.inference(ts: 95_000, x: 1), partition: 1, offset: 9)
        #expect(h.processor.safeOffsets() == [0: 103, 1: 7])
        #expect(h.processor.holdsRecords(of: 0) && h.processor.holdsRecords(of: 1))
        #expect(!h.processor.holdsRecords(of: 2))
    }

    @Test func aPartitionWhoseWindowsAreAllDroppedHoldsNothing() throws {
        let h = try H(DriftProcessorTests.settings())
        try h.feed(H.inference(ts: 1_000, x: 1), partition: 0, offset: 5)
        #expect(h.processor.holdsRecords(of: 0))
        // Without label wait or lateness, [0, 60 s) is dropped once the watermark reaches 60 s;
        // offset 6 is in the open [60 s, 120 s).
        try h.feed(H.inference(ts: 60_000, x: 1), partition: 0, offset: 6)
        #expect(h.processor.safeOffsets() == [0: 6])
        #expect(h.processor.holdsRecords(of: 0))
        h.finish()
        #expect(h.processor.safeOffsets() == [0: 7])
        #expect(!h.processor.holdsRecords(of: 0))
    }

    @Test func eventsThatTouchNoWindowDoNotHoldOffsetsBack() throws {
        let h = try H(DriftProcessorTests.settings())
        try h.feed(H.label(ts: 1_000, requestID: "nobody", label: "ok"), partition: 0, offset: 41)
        #expect(h.processor.safeOffsets() == [0: 42])
    }
}

@Suite struct ProcessorModesTests {
    typealias H = ProcessorHarness

    @Test func processingTimeModeWindowsByArrivalNotByTimestamp() throws {
        var settings = DriftProcessorTests.settings()
        settings.processingTime = true
        let h = try H(settings)
        // Event times say 00:00:01 and 00:00:02; they arrive at 10 min 5 s and 10 min 30 s.
        try h.feed(H.inference(ts: 1_000, x: 1), now: 605_000)
        try h.feed(H.inference(ts: 2_000, x: 1), now: 630_000)
        h.finish(now: 640_000)
        #expect(h.results.map(\.start) == [600_000])
        #expect(h.results.first?.count == 2)
    }

    @Test func regressorsReportMeanAbsoluteAndRootMeanSquaredError() throws {
        let h = try H(DriftProcessorTests.settings(), baselines: [])
        // Errors −1, +2, +3: MAE = 6/3 = 2; RMSE = √((1 + 4 + 9)/3) = √(14/3) = 2.1602469
        for (i, (prediction, label)) in [(9.0, 10.0), (12.0, 10.0), (8.0, 5.0)].enumerated() {
            try h.feed(
                "{\"type\":\"inference\",\"model\":\"m\",\"version\":\"1\",\"ts\":\(i * 1000),"
                    + "\"features\":{},\"prediction\":\(prediction),\"label\":\(label)}")
        }
        h.finish()
        let accuracy = try #require(h.results.first?.accuracy)
        #expect(accuracy.labelled == 3)
        #expect(accuracy.mae == 2)
        #expect(abs((accuracy.rmse ?? 0) - 2.1602469) < 1e-6)
        #expect(accuracy.online == nil && accuracy.gapPP == nil)
    }

    /// The same events give the same results whatever the batches they come in: drained at
    /// random points and stamped with a different processing time per batch.
    @Test func resultsDoNotDependOnHowTheInputIsChunked() async throws {
        var lines: [String] = []
        for i in 0..<600 {
            let ts = Int64(i) * 700 + Int64((i * 7919) % 3_000)  // some out of order
            lines.append(
                H.inference(
                    ts: ts, x: Double(i % 23), c: i % 5 == 0 ? "b" : "a", prediction: i % 3 == 0 ? "defect" : "ok",
                    requestID: "r\(i)", latency: Double(5 + i % 97), line: "L\(i % 3)"))
            if i % 4 == 0 { lines.append(H.label(ts: ts + 20_000, requestID: "r\(i)", label: "ok")) }
        }
        let settings = DriftProcessorTests.settings(
            window: WindowSpec(size: 60_000, hop: 20_000), keySets: [[], ["line"]], outOfOrderness: 2_000,
            allowedLateness: 10_000, labelWait: 30_000)
        func run(chunks: [Int]) throws -> ([WindowResult], [String]) {
            let h = try H(settings)
            var index = 0
            var now: Int64 = 0
            for size in chunks where index < lines.count {
                now += 1_000
                for line in lines[index..<min(index + size, lines.count)] { try h.feed(line, now: now) }
                index += size
            }
            h.finish(now: now)
            return (h.results, h.alerts.map { "\($0.alertID) \($0.state) \($0.windowStart)" })
        }
        let whole = try run(chunks: [lines.count])
        #expect(!whole.0.isEmpty)
        await propertyCheck(count: 15, input: Gen.int(in: 1...200).array(of: 1...80)) { sizes in
            var chunks = sizes
            let covered = chunks.reduce(0, +)
            if covered < lines.count { chunks.append(lines.count - covered) }
            let chunked = try! run(chunks: chunks)
            #expect(chunked.0 == whole.0)
            #expect(chunked.1 == whole.1)
        }
    }
}

@Suite struct KeyExpiryTests {
    typealias H = ProcessorHarness
    static let minute: Int64 = 60_000

    static func settings(rules: [RuleSpec] = []) -> ProcessorSettings {
        var settings = DriftProcessorTests.settings(keySets: [[], ["line"]], rules: rules)
        settings.forgetKeysAfter = 2 * minute
        return settings
    }

    @Test func keysWithoutWindowsAreForgottenAfterTheirIdleTimeAndComeBackFresh() throws {
        let h = try H(Self.settings())
        try h.feed(H.inference(ts: 1_000, x: 1, line: "L1"))
        try h.feed(H.inference(ts: 2_000, x: 1, line: "L2"))
        #expect(h.processor.keyCount == 3)  // the whole model, L1, L2
        // Only L3 from now on. At 61 s [0, 60 s) is dropped: L1 and L2 are idle since 61 s.
        for second in stride(from: 61, through: 180, by: 10) {
            try h.feed(H.inference(ts: Int64(second) * 1_000, x: 1, line: "L3"))
        }
        #expect(h.processor.keyCount == 4 && h.processor.counters.keysForgotten == 0)  // 2 min not yet up
        try h.feed(H.inference(ts: 181_000, x: 1, line: "L3"))
        #expect(h.processor.keyCount == 2 && h.processor.counters.keysForgotten == 2)
        // A new line takes a freed id; L1 comes back as a new key. Each counts only its own events.
        try h.feed(H.inference(ts: 182_000, x: 1, line: "L4"))
        try h.feed(H.inference(ts: 183_000, x: 1, line: "L1"))
        try h.feed(H.inference(ts: 184_000, x: 1, line: "L1"))
        #expect(h.processor.keyCount == 4)
        h.finish()
        func counts(_ line: String) -> [Int64: Int] {
            Dictionary(
                uniqueKeysWithValues: h.results.filter { $0.segment == [SegmentValue(name: "line", value: line)] }
                    .map { ($0.start, $0.count) })
        }
        #expect(counts("L1") == [0: 1, 3 * Self.minute: 2])
        #expect(counts("L2") == [0: 1])
        #expect(counts("L4") == [3 * Self.minute: 1])
        #expect(counts("L3") == [Self.minute: 6, 2 * Self.minute: 6, 3 * Self.minute: 1])
        let whole = h.results.filter { $0.segment.isEmpty }.map(\.count).reduce(0, +)
        #expect(whole == 2 + 13 + 3)
    }

    @Test func aKeyWhoseAlertIsFiringIsKeptSoItCanResolve() throws {
        let rule = RuleSpec(name: "slow", metric: .latency(.p99), op: .greater, threshold: 100)
        let h = try H(Self.settings(rules: [rule]))
        try h.feed(H.inference(ts: 1_000, x: 1, latency: 500, line: "L1"))  // fires for L1 at 61 s
        try h.feed(H.inference(ts: 2_000, x: 1, line: "L2"))  // no latency: no rule state
        for second in stride(from: 61, through: 201, by: 10) {
            try h.feed(H.inference(ts: Int64(second) * 1_000, x: 1, latency: 5, line: "L3"))
        }
        #expect(h.alerts.contains { $0.state == .firing && $0.segment == [SegmentValue(name: "line", value: "L1")] })
        // L2 was forgotten at 181 s; L1 still fires, so it is kept.
        #expect(h.processor.counters.keysForgotten == 1)
        #expect(h.processor.keyCount == 3)  // the whole model, L1, L3
        // L1 comes back healthy: the same key resolves its alert.
        try h.feed(H.inference(ts: 202_000, x: 1, latency: 5, line: "L1"))
        try h.feed(H.inference(ts: 241_000, x: 1, latency: 5, line: "L3"))
        #expect(h.alerts.contains { $0.state == .resolved && $0.segment == [SegmentValue(name: "line", value: "L1")] })
    }
}

extension KeyExpiryTests {
    /// Lines go idle and come back, inferences wait for labels that come up to 60 s later: forgetting keys
    /// as soon as they have no window (their ids reused at once) changes no window result.
    @Test func forgettingIdleKeysChangesNoResult() async {
        await propertyCheck(count: 20, input: Gen.int(in: 0...Int.max)) { seed in
            var random = Xorshift(seed: UInt64(seed) | 1)
            var lines: [String] = []
            var waiting: [String] = []
            var ts: Int64 = 0
            for index in 0..<2_000 {
                ts += Int64(random.next() % 2_000)
                if !waiting.isEmpty && random.next() % 3 == 0 {
                    let id = waiting.remove(at: Int(random.next() % UInt64(waiting.count)))
                    lines.append(H.label(ts: ts, requestID: id, label: random.next() % 2 == 0 ? "ok" : "defect"))
                }
                // The 40 lines in use drift with time through a cycle of 150: each goes idle and comes
                // back, and enough keys live at once for the key table's probe runs to collide.
                let line = "L\((ts / 20_000 + Int64(random.next() % 40)) % 150)"
                let id = random.next() % 2 == 0 ? "r\(index)" : nil
                if let id { waiting.append(id) }
                lines.append(H.inference(ts: ts, x: Double(random.next() % 20), requestID: id, line: line))
            }
            func run(forgetKeysAfter: Int64) throws -> (results: [WindowResult], forgotten: Int) {
                var settings = DriftProcessorTests.settings(keySets: [[], ["line"]], labelWait: 60_000, rules: [])
                settings.forgetKeysAfter = forgetKeysAfter
                let h = try H(settings)
                for line in lines { try h.feed(line) }
                h.finish()
                return (h.results, h.processor.counters.keysForgotten)
            }
            let eager = try! run(forgetKeysAfter: 0)
            let never = try! run(forgetKeysAfter: .max)
            #expect(eager.forgotten > 0 && never.forgotten == 0)
            #expect(eager.results == never.results)
        }
    }
}
