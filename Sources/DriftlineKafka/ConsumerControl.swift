import Dispatch
import DriftlineConnectors
import Synchronization

/// The state a `KafkaConsumer` shares between its callers and its polling thread: the life-cycle
/// phase, offsets waiting to be committed, and the counters. Methods decide under the lock and
/// return what to do; the caller acts after the lock is released.
final class ConsumerControl: Sendable {
    /// Where the consumer is in its life.
    enum Phase: Equatable {
        case created, running, stopping, stopped
    }

    /// What `stop()` has to do.
    enum StopAction {
        /// Wait for the polling thread, which closes the consumer.
        case joinThread
        /// Never started: close the consumer on the calling thread.
        case closeHere
        /// Already stopped or stopping elsewhere.
        case nothing
    }

    private struct State {
        var phase = Phase.created
        var commits: [PartitionID: Int64] = [:]
    }

    private let state = Mutex(State())
    /// Signalled by the polling thread when it has closed and destroyed the consumer.
    let finished = DispatchSemaphore(value: 0)

    let messages = Atomic<Int>(0)
    let bytes = Atomic<Int>(0)
    let errors = Atomic<Int>(0)
    let commitFailures = Atomic<Int>(0)
    let handshakeTimeouts = Atomic<Int>(0)

    /// Moves to `.running`; false when the consumer was started or stopped before.
    func beginRunning() -> Bool {
        state.withLock { state in
            guard state.phase == .created else { return false }
            state.phase = .running
            return true
        }
    }

    func beginStopping() -> StopAction {
        state.withLock { state in
            switch state.phase {
            case .created:
                state.phase = .stopped
                return .closeHere
            case .running:
                state.phase = .stopping
                return .joinThread
            case .stopping, .stopped:
                return .nothing
            }
        }
    }

    var isStopping: Bool { state.withLock { $0.phase != .running } }

    /// Records offsets to commit; a later call for the same partition replaces an earlier one.
    func addCommits(_ offsets: [PartitionID: Int64]) {
        state.withLock { state in state.commits.merge(offsets) { _, new in new } }
    }

    /// The offsets recorded since the last call.
    func takeCommits() -> [PartitionID: Int64] {
        state.withLock { state in
            defer { state.commits = [:] }
            return state.commits
        }
    }

    var counters: KafkaConsumer.Counters {
        KafkaConsumer.Counters(
            messages: messages.load(ordering: .relaxed), bytes: bytes.load(ordering: .relaxed),
            errors: errors.load(ordering: .relaxed), commitFailures: commitFailures.load(ordering: .relaxed),
            handshakeTimeouts: handshakeTimeouts.load(ordering: .relaxed))
    }
}
