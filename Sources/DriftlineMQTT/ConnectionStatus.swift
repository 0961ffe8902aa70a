import Synchronization

/// Whether a client is connected and why it last failed, shared between its network thread and callers.
final class ConnectionStatus: Sendable {
    private struct State {
        var connected = false
        var lastError: MQTTError?
        /// A connection was accepted since the last failure, so the reconnect backoff starts over.
        var acceptedSinceFailure = false
    }

    private let state = Mutex(State())

    /// The broker accepted the connection (CONNACK with success).
    func markConnected() {
        state.withLock {
            $0.connected = true
            $0.acceptedSinceFailure = true
        }
    }

    /// The connection failed or was refused.
    func markFailed(_ error: MQTTError) {
        state.withLock {
            $0.connected = false
            $0.lastError = error
        }
    }

    /// The client disconnected on purpose.
    func markDisconnected() {
        state.withLock { $0.connected = false }
    }

    /// Whether a connection was accepted since the previous call.
    func takeAcceptedSinceFailure() -> Bool {
        state.withLock { state in
            defer { state.acceptedSinceFailure = false }
            return state.acceptedSinceFailure
        }
    }

    var isConnected: Bool { state.withLock { $0.connected } }
    var lastError: MQTTError? { state.withLock { $0.lastError } }
}
