import AsyncHTTPClient
import DriftlineCore
import DriftlineDelivery
import DriftlineStore
import DriftlineTestSupport
import Foundation
import Logging
import NIOCore

/// What the delivery tests share: a store with an outbox, contract records, waiting, reading Alertmanager.
enum DeliveryFixture {
    /// A store at a fresh path whose alerts (and triggers) are queued for `target`.
    static func store(for target: DeliveryTarget, triggers: Bool = false) throws -> HistoryStore {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("delivery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try HistoryStore(
            path: directory.appendingPathComponent("history.db").path,
            outbox: OutboxRoutes(alerts: [target.name], triggers: triggers ? [target.name] : []))
    }

    /// An alert transition of `psi_high` on line L3 of weld-defect-cls 3.2.0, as the sinks encode it.
    static func alert(
        feature: String, state: Alert.State, windowStart: Int64, value: Double = 0.274, at: Int64
    ) throws -> StoreBatch.Entry<Alert> {
        let segment = [SegmentValue(name: "line", value: "L3")]
        let alert = Alert(
            alertID: "psi_high/weld-defect-cls/3.2.0/line=L3/\(feature)", state: state, severity: "critical",
            rule: "psi_high", model: "weld-defect-cls", version: "3.2.0", segment: segment, metric: .psi,
            feature: feature, value: value, threshold: 0.25, windowStart: windowStart, windowEnd: windowStart + 300_000,
            at: at)
        return StoreBatch.Entry(alert, record: try ContractEncoder().encode(alert))
    }

    /// Now, epoch milliseconds.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    static let logger = Logger(label: "driftline.delivery.tests")

    /// Where the tests' async work runs: a queue of its own, not the cooperative pool.
    static let executor = DispatchTaskExecutor(label: "driftline-delivery-tests")

    /// Waits up to `seconds` for `condition`; whether it came true.
    static func eventually(
        within seconds: Double, _ condition: () async throws -> Bool
    ) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    /// The alerts Alertmanager's `GET /api/v2/alerts` lists (active ones), as JSON objects.
    static func activeAlerts(_ baseURL: String) async throws -> [[String: Any]] {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: baseURL + "/api/v2/alerts"), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 22)
        return try JSONSerialization.jsonObject(with: Data(String(buffer: body).utf8)) as? [[String: Any]] ?? []
    }
}
