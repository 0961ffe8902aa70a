import DriftlineCore
import DriftlineDelivery
import DriftlineStore
import DriftlineTestSupport
import Foundation
import Testing

/// Deliveries to a real Alertmanager (Debian's `prometheus-alertmanager`), started on loopback.
@Suite(.serialized) struct AlertmanagerDeliveryTests {
    @Test func firingAlertsAppearWithTheirLabelsAndResolvedOnesEnd() async throws {
        // Off the cooperative pool, which blocking tests running alongside may fill.
        try await withTaskExecutorPreference(DeliveryFixture.executor) {
            try await Self.firingAlertsAppearWithTheirLabelsAndResolvedOnesEnd()
        }
    }

    static func firingAlertsAppearWithTheirLabelsAndResolvedOnesEnd() async throws {
        try #require(Alertmanager.isInstalled, "needs prometheus-alertmanager (scripts/setup.sh)")
        let manager = try Alertmanager()
        let target = DeliveryTarget(url: manager.url, kind: .alertmanager(repostIntervalMs: 60_000))
        let store = try DeliveryFixture.store(for: target)
        let started = DeliveryFixture.now() - 60_000
        var batch = StoreBatch()
        batch.alerts = [
            try DeliveryFixture.alert(feature: "current_a", state: .firing, windowStart: 0, at: started),
            try DeliveryFixture.alert(feature: "temp_c", state: .firing, windowStart: 0, value: 0.5, at: started + 1),
        ]
        try store.write(batch)
        let worker = DeliveryWorker(target: target, store: store, logger: DeliveryFixture.logger)
        let running = Task(executorPreference: DispatchTaskExecutor(label: "driftline-delivery-worker")) {
            await worker.run()
        }
        defer { running.cancel() }

        let both = try await DeliveryFixture.eventually(within: 60) {
            try await DeliveryFixture.activeAlerts(manager.url).count == 2
        }
        try #require(both, "Alertmanager's log:\n\(manager.log)")
        let alerts = try await DeliveryFixture.activeAlerts(manager.url)
        let current = try #require(alerts.first { ($0["labels"] as? [String: String])?["feature"] == "current_a" })
        #expect(
            current["labels"] as? [String: String] == [
                "alertname": "psi_high", "model": "weld-defect-cls", "version": "3.2.0", "line": "L3",
                "feature": "current_a", "severity": "critical",
            ])
        let annotations = try #require(current["annotations"] as? [String: String])
        #expect(annotations["value"] == "0.274")
        #expect(annotations["threshold"] == "0.25")
        #expect(annotations["window"] == "1970-01-01T00:00:00.000Z/1970-01-01T00:05:00.000Z")
        #expect(annotations["alert_id"] == "psi_high/weld-defect-cls/3.2.0/line=L3/current_a")
        #expect((current["startsAt"] as? String)?.hasPrefix(String(Timestamp.format(started).prefix(19))) == true)
        #expect((current["status"] as? [String: Any])?["state"] as? String == "active")

        var resolve = StoreBatch()
        resolve.alerts = [
            try DeliveryFixture.alert(
                feature: "current_a", state: .resolved, windowStart: 300_000, value: 0.1, at: DeliveryFixture.now())
        ]
        try store.write(resolve)
        let ended = try await DeliveryFixture.eventually(within: 60) {
            let features = try await DeliveryFixture.activeAlerts(manager.url).compactMap {
                ($0["labels"] as? [String: String])?["feature"]
            }
            return features == ["temp_c"]
        }
        #expect(ended, "the resolved alert should have ended")
        #expect(try await store.deliveryCounts(sink: target.name) == DeliveryCounts(delivered: 3, pending: 0))
        #expect(worker.failedAttempts == 0)
    }

    @Test func firingAlertsArePostedAgainBeforeAlertmanagersResolveTimeout() async throws {
        // Off the cooperative pool, which blocking tests running alongside may fill.
        try await withTaskExecutorPreference(DeliveryFixture.executor) {
            try await Self.firingAlertsArePostedAgainBeforeAlertmanagersResolveTimeout()
        }
    }

    static func firingAlertsArePostedAgainBeforeAlertmanagersResolveTimeout() async throws {
        try #require(Alertmanager.isInstalled, "needs prometheus-alertmanager (scripts/setup.sh)")
        let manager = try Alertmanager(resolveTimeout: "2s")
        let target = DeliveryTarget(url: manager.url, kind: .alertmanager(repostIntervalMs: 500))
        let store = try DeliveryFixture.store(for: target)
        var batch = StoreBatch()
        batch.alerts = [
            try DeliveryFixture.alert(feature: "current_a", state: .firing, windowStart: 0, at: DeliveryFixture.now())
        ]
        try store.write(batch)
        let worker = DeliveryWorker(target: target, store: store, logger: DeliveryFixture.logger)
        let running = Task(executorPreference: DispatchTaskExecutor(label: "driftline-delivery-worker")) {
            await worker.run()
        }
        let shown = try await DeliveryFixture.eventually(within: 60) {
            try await DeliveryFixture.activeAlerts(manager.url).count == 1
        }
        try #require(shown, "Alertmanager's log:\n\(manager.log)")
        // Three resolve timeouts later it is still active: re-posted every half second.
        try await Task.sleep(for: .seconds(6))
        #expect(try await DeliveryFixture.activeAlerts(manager.url).count == 1)
        running.cancel()
        await running.value
        // Nobody re-posts it any more: Alertmanager resolves it by its timeout.
        let timedOut = try await DeliveryFixture.eventually(within: 10) {
            try await DeliveryFixture.activeAlerts(manager.url).isEmpty
        }
        #expect(timedOut)
    }
}
