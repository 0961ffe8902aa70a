import DriftlineCore
import DriftlineDelivery
import DriftlineStore
import DriftlineTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import Testing

/// Deliveries to a webhook receiver (a Hummingbird app on loopback) that is down at first, then
/// answers 503 twice, then takes everything.
@Suite(.serialized) struct WebhookDeliveryTests {
    /// What the receiver got: every body it accepted, in order, with its token header.
    final class Received: Sendable {
        let requests = Mutex<Int>(0)
        let accepted = Mutex<[(body: [UInt8], token: String?)]>([])
    }

    static func receiver(port: Int, received: Received, failFirst: Int) -> some ApplicationProtocol {
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let number = received.requests.withLock { count in
                count += 1
                return count
            }
            guard number > failFirst else { return .serviceUnavailable }
            let token = request.headers[HTTPField.Name("X-Driftline-Token")!]
            received.accepted.withLock { $0.append((Array(buffer: body), token)) }
            return .noContent
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
    }

    @Test func aReceiverThatIsDownThenFailingGetsEveryRecordInOrderOnceItRecovers() async throws {
        // Off the cooperative pool, which blocking tests running alongside may fill.
        try await withTaskExecutorPreference(DeliveryFixture.executor) {
            try await Self.aReceiverThatIsDownThenFailingGetsEveryRecordInOrderOnceItRecovers()
        }
    }

    static func aReceiverThatIsDownThenFailingGetsEveryRecordInOrderOnceItRecovers() async throws {
        let port = try LoopbackPort.free()
        let target = DeliveryTarget(
            url: "http://127.0.0.1:\(port)/hook", kind: .webhook(headers: ["X-Driftline-Token": "t0ken"]),
            timeoutMs: 1_000)
        let store = try DeliveryFixture.store(for: target, triggers: true)
        let start = DeliveryFixture.now() - 3_600_000
        var batch = StoreBatch()
        batch.alerts = [
            try DeliveryFixture.alert(feature: "current_a", state: .firing, windowStart: 0, at: start),
            try DeliveryFixture.alert(feature: "temp_c", state: .firing, windowStart: 0, at: start + 1),
        ]
        batch.triggers = [
            StoreBatch.Entry(
                RetrainTrigger(
                    triggerID: "weld-defect-cls/3.2.0/1970-01-01T00:05:00.000Z", model: "weld-defect-cls",
                    version: "3.2.0", reasons: [], windowStart: 0, windowEnd: 300_000, at: start + 2),
                record: try ContractEncoder().encode(
                    RetrainTrigger(
                        triggerID: "weld-defect-cls/3.2.0/1970-01-01T00:05:00.000Z", model: "weld-defect-cls",
                        version: "3.2.0", reasons: [], windowStart: 0, windowEnd: 300_000, at: start + 2)))
        ]
        try store.write(batch)
        var later = StoreBatch()
        later.alerts = [
            try DeliveryFixture.alert(feature: "current_a", state: .resolved, windowStart: 300_000, at: start + 3)
        ]
        try store.write(later)
        let expected = (batch.alerts.map(\.record) + batch.triggers.map(\.record) + later.alerts.map(\.record))

        let worker = DeliveryWorker(
            target: target, store: store, logger: DeliveryFixture.logger,
            backoff: Backoff(initialMs: 200, maximumMs: 800))
        let running = Task(executorPreference: DispatchTaskExecutor(label: "driftline-delivery-worker")) {
            await worker.run()
        }
        defer { running.cancel() }
        // Nobody listens yet: connections are refused (AsyncHTTPClient retries connecting until the
        // request's timeout), and the post is retried.
        let refused = try await DeliveryFixture.eventually(within: 60) { worker.failedAttempts >= 1 }
        #expect(refused)
        let head = try await store.pendingDeliveries(sink: target.name, limit: 10)
        #expect(head.count == 4)
        #expect(head[0].attempts >= 1)
        #expect(head.dropFirst().allSatisfy { $0.attempts == 0 })  // the head blocks the rest

        let received = Received()
        let server = Task(executorPreference: DispatchTaskExecutor(label: "driftline-webhook-receiver")) {
            try await Self.receiver(port: port, received: received, failFirst: 2).runService()
        }
        defer { server.cancel() }
        let delivered = try await DeliveryFixture.eventually(within: 60) {
            try await store.deliveryCounts(sink: target.name) == DeliveryCounts(delivered: 4, pending: 0)
        }
        #expect(delivered)
        let accepted = received.accepted.withLock { $0 }
        #expect(accepted.map(\.body) == expected)
        #expect(accepted.allSatisfy { $0.token == "t0ken" })
        #expect(received.requests.withLock { $0 } == 6)  // two 503s, then the four records once each
        #expect(worker.failedAttempts >= 3)  // refused at least once, then two 503s
    }
}
