import Foundation

/// The message ids a sink has published at QoS 1 and not yet seen acknowledged (PUBACK).
///
/// A PUBACK can arrive on the network thread before the publishing thread has recorded the id it got back from
/// `mosquitto_publish`; such early acknowledgements are remembered and matched when the id is recorded.
final class PublishAcks: @unchecked Sendable {
    // @unchecked: every stored property is guarded by `condition`'s lock.
    private let condition = NSCondition()
    private var pending = Set<Int32>()
    private var early = Set<Int32>()
    /// Unacknowledged messages allowed before `waitForRoom` blocks.
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Waits until fewer than `limit` messages are unacknowledged; false when `deadline` passed first.
    func waitForRoom(until deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while pending.count >= limit {
            if !condition.wait(until: deadline) { return false }
        }
        return true
    }

    /// Records a published message id.
    func published(_ mid: Int32) {
        condition.lock()
        defer { condition.unlock() }
        if early.remove(mid) == nil { pending.insert(mid) }
    }

    /// Records the broker's acknowledgement of `mid`.
    func acknowledged(_ mid: Int32) {
        condition.lock()
        defer { condition.unlock() }
        if pending.remove(mid) == nil { early.insert(mid) }
        condition.broadcast()
    }

    /// Waits until every recorded message is acknowledged; false when `deadline` passed first.
    func waitUntilEmpty(until deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !pending.isEmpty {
            if !condition.wait(until: deadline) { return false }
        }
        return true
    }

    /// Messages not yet acknowledged.
    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return pending.count
    }
}
