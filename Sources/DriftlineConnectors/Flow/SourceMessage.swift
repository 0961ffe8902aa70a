import Foundation

/// What a source's thread tells the engine, in order, through a `SourceQueue`.
public enum SourceMessage: Sendable {
    /// Records to process.
    case records(RecordBatch)
    /// The source now owns these partitions (Kafka group assignment).
    case assigned(source: Int, partitions: [PartitionID])
    /// The source is giving these partitions up. The engine processes everything queued before
    /// this message, hands the partitions' state over (emit, commit) and then calls `done.signal()`;
    /// the source's thread waits for it before letting the rebalance go on.
    case revoked(source: Int, partitions: [PartitionID], done: Handshake)
    /// A finite source (file, stdin) has delivered everything.
    case ended(source: Int)
}

/// A one-shot signal from the engine to a waiting source thread.
public final class Handshake: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)

    public init() {}

    /// Tells the waiting thread the engine is done.
    public func signal() { semaphore.signal() }

    /// Waits for `signal()`; returns false when `timeout` passed first.
    public func wait(timeout: Duration) -> Bool {
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        return semaphore.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success
    }
}
