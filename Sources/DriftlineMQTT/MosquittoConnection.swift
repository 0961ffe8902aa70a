import CMosquitto
import Dispatch
import DriftlineConnectors
import Foundation
import Synchronization

/// One libmosquitto client and the dedicated thread that runs its network loop, connecting and reconnecting with
/// backoff until it is stopped.
///
/// The thread runs `mosquitto_loop` itself rather than `mosquitto_loop_start`: it gets a turn every few
/// milliseconds (sources flush their batch there), it reconnects with the full CONNECT each time (so MQTT 5
/// session expiry is sent again), and stopping it is a flag plus a bounded wait instead of `mosquitto_loop_stop`,
/// which can hang while a reconnect is in progress.
final class MosquittoConnection: @unchecked Sendable {
    // @unchecked: `handle` and `connectProperties` are written in `init` only and freed in `deinit`, which runs after
    // the thread (which holds a reference) has finished. libmosquitto guards its own state with mutexes once
    // `mosquitto_threaded_set(true)` is set, so other threads may publish while the loop runs.
    let handle: OpaquePointer
    let status: ConnectionStatus
    private let settings: MQTTSettings
    private var connectProperties: OpaquePointer?
    private let loopTurn: @Sendable (_ connected: Bool) -> Void
    private let started = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let wakeUp = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Longest time one `mosquitto_loop` call waits for socket activity; bounds flush latency and stop reaction.
    private static let pollMilliseconds: Int32 = 5
    /// Unacknowledged QoS 1 messages allowed in each direction (the broker's `max_inflight_messages` in the
    /// shipped configuration).
    private static let inflightMaximum: Int32 = 1000

    private static let libraryReady: Void = { _ = mosquitto_lib_init() }()

    /// Creates the client. `userdata` reaches every libmosquitto callback; `loopTurn` runs on the network thread
    /// after every loop iteration (`true`) and once after each lost connection (`false`).
    init(
        settings: MQTTSettings, status: ConnectionStatus, userdata: UnsafeMutableRawPointer,
        loopTurn: @escaping @Sendable (_ connected: Bool) -> Void
    ) throws(MQTTError) {
        try settings.validate()
        Self.libraryReady
        let clientID = settings.clientID.isEmpty ? nil : settings.clientID
        guard let handle = mosquitto_new(clientID, settings.cleanSession, userdata) else {
            throw MQTTError(.invalidSettings, "libmosquitto could not create a client for id '\(settings.clientID)'")
        }
        self.handle = handle
        self.settings = settings
        self.status = status
        self.loopTurn = loopTurn
        var properties: OpaquePointer?
        if settings.protocolVersion == .v5 && !settings.cleanSession {
            _ = mosquitto_property_add_int32(
                &properties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue), settings.sessionExpirySeconds)
        }
        connectProperties = properties
        try configure()
    }

    deinit {
        mosquitto_property_free_all(&connectProperties)
        mosquitto_destroy(handle)
    }

    private func configure() throws(MQTTError) {
        try check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, settings.protocolVersion.level), "protocol")
        try check(mosquitto_int_option(handle, MOSQ_OPT_RECEIVE_MAXIMUM, Self.inflightMaximum), "receive maximum")
        try check(mosquitto_int_option(handle, MOSQ_OPT_SEND_MAXIMUM, Self.inflightMaximum), "send maximum")
        try check(mosquitto_threaded_set(handle, true), "threaded mode")
        if let username = settings.username {
            try check(mosquitto_username_pw_set(handle, username, settings.password), "username/password")
        }
        if let tls = settings.tls {
            try check(
                mosquitto_tls_set(handle, tls.caFile, tls.caDirectory, tls.certificateFile, tls.keyFile, nil),
                "TLS files (CA \(tls.caFile ?? tls.caDirectory ?? "-"), certificate \(tls.certificateFile ?? "-"))")
            try check(mosquitto_tls_insecure_set(handle, tls.insecure), "TLS insecure flag")
        }
    }

    private func check(_ rc: Int32, _ what: String) throws(MQTTError) {
        guard rc != MosquittoResult.success else { return }
        throw MQTTError(.invalidSettings, "MQTT \(what) rejected by libmosquitto: \(MosquittoResult.describe(rc))")
    }

    /// Starts the network thread (once).
    func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        ConnectorThread.start(name: "mqtt \(settings.clientID)") { [self] in run() }
    }

    /// Asks the network thread to disconnect and finish, without waiting.
    func requestStop() {
        stopping.store(true, ordering: .releasing)
        wakeUp.signal()
    }

    /// Asks the thread to finish and waits up to `timeout`; false when it is still busy (blocked in a callback or a
    /// connection attempt). The client is then left to the thread, never destroyed under it.
    func stop(timeout: Duration) -> Bool {
        requestStop()
        guard started.load(ordering: .acquiring) else { return true }
        guard finished.wait(timeout: .now() + .milliseconds(Int(timeout.wholeMilliseconds))) == .success else {
            return false
        }
        finished.signal()  // later stop() calls return at once
        return true
    }

    var isStopping: Bool { stopping.load(ordering: .acquiring) }

    private func run() {
        var failures = 0
        while !isStopping {
            var rc = connect()
            if rc == MosquittoResult.success {
                while rc == MosquittoResult.success && !isStopping {
                    rc = mosquitto_loop(handle, Self.pollMilliseconds, 1)
                    loopTurn(true)
                }
                if isStopping {
                    disconnect()
                    break
                }
            }
            if rc != MosquittoResult.success {
                status.markFailed(
                    MQTTError(
                        .connectionFailed,
                        "MQTT connection to \(settings.host):\(settings.port) failed: \(MosquittoResult.describe(rc))"))
            }
            loopTurn(false)
            if status.takeAcceptedSinceFailure() { failures = 0 }
            let delay = settings.reconnectDelay(afterFailures: failures)
            failures += 1
            _ = wakeUp.wait(timeout: .now() + .milliseconds(Int(delay.wholeMilliseconds)))
        }
        status.markDisconnected()
        finished.signal()
    }

    /// A blocking TCP connect that sends CONNECT; the CONNACK arrives later through the connect callback.
    private func connect() -> Int32 {
        mosquitto_connect_bind_v5(
            handle, settings.host, Int32(settings.port), Int32(settings.keepAlive.wholeMilliseconds / 1000), nil,
            connectProperties)
    }

    /// Sends DISCONNECT (so the broker keeps the session without firing a will) and lets the loop write it.
    private func disconnect() {
        guard mosquitto_disconnect(handle) == MosquittoResult.success else { return }
        for _ in 0..<100 where mosquitto_loop(handle, 10, 1) == MosquittoResult.success {}
    }
}
