/// One record queued in the store's outbox for one delivery target, not yet delivered or delivered.
public struct OutboxEntry: Equatable, Sendable {
    /// What the record is.
    public enum Kind: String, Equatable, Sendable {
        /// An alert transition.
        case alert
        /// A retraining trigger.
        case retrain
    }

    /// The queue position: every target delivers its entries in this order.
    public var seq: Int64
    /// What the record is.
    public var kind: Kind
    /// The alert id or trigger id.
    public var recordID: String
    /// `firing` or `resolved` for alerts; empty for triggers.
    public var state: String
    /// The record, exactly as the sinks wrote it (UTF-8 JSON).
    public var record: [UInt8]
    /// Failed attempts so far.
    public var attempts: Int
    /// When the next attempt is due after a failure, epoch milliseconds; `nil` before the first.
    public var nextAttemptAt: Int64?

    /// An entry with these values.
    public init(
        seq: Int64, kind: Kind, recordID: String, state: String, record: [UInt8], attempts: Int = 0,
        nextAttemptAt: Int64? = nil
    ) {
        self.seq = seq
        self.kind = kind
        self.recordID = recordID
        self.state = state
        self.record = record
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
    }
}

/// How far one delivery target's queue has got.
public struct DeliveryCounts: Equatable, Sendable {
    /// Entries delivered.
    public var delivered: Int
    /// Entries still waiting.
    public var pending: Int

    /// Counts of `delivered` and `pending` entries.
    public init(delivered: Int, pending: Int) {
        self.delivered = delivered
        self.pending = pending
    }
}
