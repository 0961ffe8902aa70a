import DriftlineCore
import DriftlineStore
import Foundation
import GRDB
import Testing

/// The outbox: alerts and triggers queued for delivery targets in the transaction that stores them.
@Suite struct OutboxTests {
    static let routes = OutboxRoutes(
        alerts: ["alertmanager http://am", "webhook http://hook"], triggers: ["webhook http://hook"])

    @Test func eachAlertAndTriggerIsQueuedOncePerTargetEvenWhenWrittenAgain() async throws {
        let store = try HistoryStore(path: try HistoryStoreTests.temporaryPath(), outbox: Self.routes)
        var batch = HistoryStoreTests.sample()
        batch.alerts.append(HistoryStoreTests.alert(start: 600_000, state: .resolved, at: 900_001))
        try store.write(batch)
        try store.write(batch)  // a restart writes the same transitions again
        let counts = try store.rowCounts()
        #expect(counts["alerts"] == 2)
        #expect(counts["alert_outbox"] == 5)  // 2 alerts × 2 targets + 1 trigger × 1 target

        let manager = try await store.pendingDeliveries(sink: "alertmanager http://am", limit: 10)
        #expect(manager.map(\.state) == ["firing", "resolved"])
        #expect(manager.map(\.kind) == [.alert, .alert])
        #expect(manager.map(\.record) == batch.alerts.map(\.record))
        let hook = try await store.pendingDeliveries(sink: "webhook http://hook", limit: 10)
        // Queue order is the order of the transaction: the batch's alerts, then its triggers.
        #expect(hook.map(\.kind) == [.alert, .alert, .retrain])
        #expect(hook[2].recordID == "weld-defect-cls/3.2.0/1970-01-01T00:10:00.000Z")
        #expect(hook[2].record == Array("{\"trigger\":1}".utf8))
    }

    @Test func deliveriesAndFailuresAreRecordedAndTheLatestFiringIsKnown() async throws {
        let store = try HistoryStore(path: try HistoryStoreTests.temporaryPath(), outbox: Self.routes)
        try store.write(HistoryStoreTests.sample())
        let sink = "alertmanager http://am"
        let pending = try await store.pendingDeliveries(sink: sink, limit: 10)
        try await store.markFailed(pending.map(\.seq), error: "connection refused", retryAt: 5_000)
        let failed = try await store.pendingDeliveries(sink: sink, limit: 10)
        #expect(failed.map(\.attempts) == [1])
        #expect(failed.map(\.nextAttemptAt) == [5_000])
        #expect(try await store.firingDeliveries(sink: sink).isEmpty)

        try await store.markDelivered(pending.map(\.seq), at: 6_000)
        #expect(try await store.deliveryCounts(sink: sink) == DeliveryCounts(delivered: 1, pending: 0))
        #expect(try await store.firingDeliveries(sink: sink).map(\.seq) == pending.map(\.seq))

        var resolve = StoreBatch()
        resolve.alerts = [HistoryStoreTests.alert(start: 600_000, state: .resolved, at: 900_001)]
        try store.write(resolve)
        #expect(try await store.deliveryCounts(sink: sink) == DeliveryCounts(delivered: 1, pending: 1))
        // Still firing as far as Alertmanager was told, until the resolve is delivered.
        #expect(try await store.firingDeliveries(sink: sink).count == 1)
        try await store.markDelivered(try await store.pendingDeliveries(sink: sink, limit: 10).map(\.seq), at: 7_000)
        #expect(try await store.firingDeliveries(sink: sink).isEmpty)
    }

    @Test func aStoreWithoutRoutesQueuesNothing() throws {
        let store = try HistoryStore(path: try HistoryStoreTests.temporaryPath())
        try store.write(HistoryStoreTests.sample())
        #expect(try store.rowCounts()["alert_outbox"] == 0)
    }
}
