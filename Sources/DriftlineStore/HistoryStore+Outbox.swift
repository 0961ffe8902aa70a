import DriftlineCore
import Foundation
import GRDB

/// The outbox (`alert_outbox`): alerts and triggers queued, in the transaction that stored them,
/// for each HTTP delivery target, and what the delivery workers did with them.
extension HistoryStore {
    /// Queues the alerts and triggers of `batch` for the targets of `routes`; an entry already queued
    /// (same target, record and, for alerts, state and window) is not queued again.
    static func enqueue(_ batch: StoreBatch, for routes: OutboxRoutes, into db: Database) throws {
        guard !routes.isEmpty, !batch.alerts.isEmpty || !batch.triggers.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO alert_outbox (sink, kind, record_id, state, window_start, record, enqueued_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (sink, kind, record_id, state, window_start) DO NOTHING
                """)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for entry in batch.alerts {
            let record = String(decoding: entry.record, as: UTF8.self)
            for sink in routes.alerts {
                try statement.execute(arguments: [
                    sink, OutboxEntry.Kind.alert.rawValue, entry.value.alertID, entry.value.state.rawValue,
                    entry.value.windowStart, record, now,
                ])
            }
        }
        for entry in batch.triggers {
            let record = String(decoding: entry.record, as: UTF8.self)
            for sink in routes.triggers {
                try statement.execute(arguments: [
                    sink, OutboxEntry.Kind.retrain.rawValue, entry.value.triggerID, "", entry.value.windowStart, record,
                    now,
                ])
            }
        }
    }

    /// The first `limit` entries of `sink`'s queue not delivered yet, in queue order.
    public func pendingDeliveries(sink: String, limit: Int) async throws -> [OutboxEntry] {
        try await read { db in
            try Self.entries(
                db,
                sql: """
                    SELECT seq, kind, record_id, state, record, attempts, next_attempt_at FROM alert_outbox
                    WHERE sink = ? AND delivered_at IS NULL ORDER BY seq LIMIT ?
                    """, arguments: [sink, limit])
        }
    }

    /// The alert transitions delivered to `sink` that are the latest delivered of their alert and
    /// firing: the alerts the target was last told are firing, in queue order.
    public func firingDeliveries(sink: String) async throws -> [OutboxEntry] {
        try await read { db in
            try Self.entries(
                db,
                sql: """
                    SELECT seq, kind, record_id, state, record, attempts, next_attempt_at FROM alert_outbox o
                    WHERE sink = ? AND kind = 'alert' AND state = 'firing' AND delivered_at IS NOT NULL
                        AND seq = (SELECT MAX(seq) FROM alert_outbox l WHERE l.sink = o.sink AND l.kind = 'alert'
                                   AND l.record_id = o.record_id AND l.delivered_at IS NOT NULL)
                    ORDER BY seq
                    """, arguments: [sink])
        }
    }

    /// Marks the entries `seqs` delivered at `at` (epoch milliseconds).
    public func markDelivered(_ seqs: [Int64], at: Int64) async throws {
        try await update(seqs) { db, seq in
            try db.execute(
                sql: "UPDATE alert_outbox SET delivered_at = ?, last_error = NULL WHERE seq = ?", arguments: [at, seq])
        }
    }

    /// Records a failed attempt at the entries `seqs`: one more attempt, the reason, and when the
    /// next attempt is due (epoch milliseconds).
    public func markFailed(_ seqs: [Int64], error: String, retryAt: Int64) async throws {
        try await update(seqs) { db, seq in
            try db.execute(
                sql: """
                    UPDATE alert_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
                    WHERE seq = ?
                    """, arguments: [error, retryAt, seq])
        }
    }

    /// How many entries of `sink`'s queue are delivered and how many wait.
    public func deliveryCounts(sink: String) async throws -> DeliveryCounts {
        try await read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(delivered_at), COUNT(*) - COUNT(delivered_at) FROM alert_outbox WHERE sink = ?
                    """, arguments: [sink])
            return DeliveryCounts(delivered: row?[0] ?? 0, pending: row?[1] ?? 0)
        }
    }

    private func update(
        _ seqs: [Int64], _ body: @escaping @Sendable (Database, Int64) throws -> Void
    ) async throws {
        guard !seqs.isEmpty else { return }
        do {
            try await database.write { db in
                for seq in seqs { try body(db, seq) }
            }
        } catch {
            throw StoreError(.database, "cannot write to the history store '\(path)': \(error)")
        }
    }

    private static func entries(_ db: Database, sql: String, arguments: StatementArguments) throws -> [OutboxEntry] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            OutboxEntry(
                seq: row[0], kind: OutboxEntry.Kind(rawValue: row[1]) ?? .alert, recordID: row[2], state: row[3],
                record: Array((row[4] as String).utf8), attempts: row[5], nextAttemptAt: row[6])
        }
    }
}
