import GRDB

/// The engine's latest checkpoint, as the store keeps it: the state is the engine's own JSON,
/// which the store does not read.
public struct StoredCheckpoint: Equatable, Sendable {
    /// The layout version of `state`.
    public var format: Int
    /// Processing time it was taken, epoch milliseconds.
    public var takenAt: Int64
    /// The engine's state, UTF-8 JSON.
    public var state: [UInt8]

    public init(format: Int, takenAt: Int64, state: [UInt8]) {
        self.format = format
        self.takenAt = takenAt
        self.state = state
    }
}

/// One checkpoint row, replaced by each new one in the transaction that writes the outputs
/// handed over with it: the checkpoint and everything stored before it are durable together.
extension HistoryStore {
    static func insertCheckpoint(_ batch: StoreBatch, into db: Database) throws {
        guard let checkpoint = batch.checkpoint else { return }
        try db.execute(
            sql: """
                INSERT INTO checkpoint (id, format, taken_at, state) VALUES (1, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    format = excluded.format, taken_at = excluded.taken_at, state = excluded.state
                """,
            arguments: [checkpoint.format, checkpoint.takenAt, String(decoding: checkpoint.state, as: UTF8.self)])
    }

    /// The latest checkpoint, if one was taken.
    public func checkpoint() throws -> StoredCheckpoint? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT format, taken_at, state FROM checkpoint WHERE id = 1").map { row in
                StoredCheckpoint(format: row[0], takenAt: row[1], state: Array((row[2] as String).utf8))
            }
        }
    }

    /// Drops the checkpoint: the next run rebuilds its open windows by reading its input again.
    public func discardCheckpoint() throws {
        do {
            try database.write { db in try db.execute(sql: "DELETE FROM checkpoint") }
        } catch {
            throw storeError(error)
        }
    }
}
