public import AsyncHTTPClient
public import DriftlineCore
public import DriftlineStore
import Foundation
public import Logging
import Synchronization

/// Delivers one target's queue in the store's outbox, in queue order: reads the entries not yet
/// delivered, posts them, marks them delivered.
///
/// A failed post leaves its entries queued and blocks the entries behind them (order matters: a
/// resolve must not overtake its firing); the head is tried again after a `Backoff`, recorded in
/// the outbox (`attempts`, `next_attempt_at`, `last_error`). A webhook gets one record per request.
/// Alertmanager gets up to 64 transitions per request, and the alerts last delivered as firing are
/// posted again every `repostIntervalMs` (Alertmanager resolves an alert nobody re-posts within its
/// `resolve_timeout`); that set is restored from the outbox at start, so it survives restarts and
/// Alertmanager's own (it keeps alerts in memory only).
public final class DeliveryWorker: Sendable {
    /// The target delivered to.
    public let target: DeliveryTarget
    private let store: HistoryStore
    private let poster: HTTPPoster
    private let logger: Logger
    private let backoff: Backoff
    private let pollMs: Int64
    private let drainDeadline = Mutex<Int64?>(nil)
    private let failures = Atomic<Int>(0)

    /// A worker for `target`'s queue in `store`, posting through `client`; it looks for new entries
    /// every `pollMs` milliseconds when the queue is empty.
    public init(
        target: DeliveryTarget, store: HistoryStore, client: HTTPClient = .shared, logger: Logger,
        backoff: Backoff = Backoff(), pollMs: Int64 = 200
    ) {
        self.target = target
        self.store = store
        self.logger = logger
        self.backoff = backoff
        self.pollMs = pollMs
        switch target.kind {
        case .alertmanager:
            let base = target.url.hasSuffix("/") ? String(target.url.dropLast()) : target.url
            poster = HTTPPoster(client: client, url: base + "/api/v2/alerts", headers: [:], timeoutMs: target.timeoutMs)
        case .webhook(let headers):
            poster = HTTPPoster(client: client, url: target.url, headers: headers, timeoutMs: target.timeoutMs)
        }
    }

    /// How many of the target's queued entries are delivered and how many still wait.
    public func counts() async throws -> DeliveryCounts {
        try await store.deliveryCounts(sink: target.name)
    }

    /// Failed attempts since the worker started (each logged).
    public var failedAttempts: Int { failures.load(ordering: .relaxed) }

    /// Asks `run()` to return once the queue is empty, or after `milliseconds` at the latest,
    /// leaving what is still queued for the next run.
    public func finish(withinMs milliseconds: Int64) {
        drainDeadline.withLock { $0 = Self.now() + milliseconds }
    }

    /// Delivers until the task is cancelled or, after `finish(withinMs:)`, until the queue is empty
    /// or the time is up.
    public func run() async {
        var firing = await restoreFiring()
        var lastRepost = Self.now()
        var firstAttempt = true
        let batchSize = if case .alertmanager = target.kind { 64 } else { 1 }
        while !Task.isCancelled {
            let deadline = drainDeadline.withLock { $0 }
            if let deadline, Self.now() >= deadline { return }
            let pending: [OutboxEntry]
            do {
                pending = try await store.pendingDeliveries(sink: target.name, limit: batchSize)
            } catch {
                logger.error("cannot read the outbox", metadata: ["target": "\(target.name)", "error": "\(error)"])
                await pause(pollMs, until: deadline)
                continue
            }
            guard let head = pending.first else {
                if deadline != nil { return }
                if case .alertmanager(let interval) = target.kind, !firing.isEmpty,
                    Self.now() - lastRepost >= interval
                {
                    lastRepost = Self.now()
                    await repost(firing)
                }
                await pause(pollMs, until: nil)
                continue
            }
            if !firstAttempt, let due = head.nextAttemptAt, due > Self.now() {
                await pause(due - Self.now(), until: deadline)
                continue
            }
            firstAttempt = false
            do {
                firing = try await deliver(pending, firing: firing)
            } catch {
                failures.add(1, ordering: .relaxed)
                let attempts = head.attempts + 1
                let delay = backoff.delayMs(afterAttempts: attempts)
                logger.warning(
                    "delivery failed; retrying",
                    metadata: [
                        "target": "\(target.name)", "seq": "\(head.seq)", "attempts": "\(attempts)",
                        "retry_in_ms": "\(delay)", "error": "\(error)",
                    ])
                do {
                    try await store.markFailed(pending.map(\.seq), error: "\(error)", retryAt: Self.now() + delay)
                } catch {
                    logger.error("cannot record a failed delivery", metadata: ["error": "\(error)"])
                    await pause(delay, until: deadline)
                }
            }
        }
    }

    /// Posts `entries` and marks them delivered; returns the firing alerts after them.
    private func deliver(
        _ entries: [OutboxEntry], firing: [String: AlertmanagerAlert]
    ) async throws -> [String: AlertmanagerAlert] {
        var firing = firing
        switch target.kind {
        case .webhook:
            for entry in entries { try await poster.post(entry.record) }
        case .alertmanager:
            var alerts: [AlertmanagerAlert] = []
            for entry in entries where entry.kind == .alert {
                let record = try AlertRecord(json: entry.record)
                let alert = AlertmanagerAlert(record, firingSince: firing[record.alertID]?.startsAt)
                firing[record.alertID] = alert.endsAt == nil ? alert : nil
                alerts.append(alert)
            }
            if !alerts.isEmpty { try await poster.post(try Self.encode(alerts)) }
        }
        try await store.markDelivered(entries.map(\.seq), at: Self.now())
        logger.debug("delivered", metadata: ["target": "\(target.name)", "entries": "\(entries.count)"])
        return firing
    }

    /// Posts the firing alerts again, so Alertmanager does not resolve them by timeout.
    private func repost(_ firing: [String: AlertmanagerAlert]) async {
        do {
            try await poster.post(try Self.encode(firing.sorted { $0.key < $1.key }.map(\.value)))
        } catch {
            failures.add(1, ordering: .relaxed)
            logger.warning(
                "re-posting firing alerts failed", metadata: ["target": "\(target.name)", "error": "\(error)"])
        }
    }

    /// The alerts last delivered to this Alertmanager as firing, by alert id.
    private func restoreFiring() async -> [String: AlertmanagerAlert] {
        guard case .alertmanager = target.kind else { return [:] }
        do {
            var firing: [String: AlertmanagerAlert] = [:]
            for entry in try await store.firingDeliveries(sink: target.name) {
                let record = try AlertRecord(json: entry.record)
                firing[record.alertID] = AlertmanagerAlert(record, firingSince: nil)
            }
            return firing
        } catch {
            logger.error(
                "cannot restore the firing alerts", metadata: ["target": "\(target.name)", "error": "\(error)"])
            return [:]
        }
    }

    /// Sleeps `milliseconds`, at most `pollMs` and not past `deadline` (so a drain asked for
    /// meanwhile is seen), returning early when the task is cancelled.
    private func pause(_ milliseconds: Int64, until deadline: Int64?) async {
        let wait = min(milliseconds, pollMs, deadline.map { max(0, $0 - Self.now()) } ?? .max)
        try? await Task.sleep(for: .milliseconds(max(1, wait)))
    }

    private static func encode(_ alerts: [AlertmanagerAlert]) throws(DeliveryError) -> [UInt8] {
        do {
            return try ContractEncoder().encode(alerts)
        } catch {
            throw DeliveryError(.badRecord, "cannot encode alerts for Alertmanager: \(error)")
        }
    }

    private static func now() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }
}
