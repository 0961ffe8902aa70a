import CMosquitto
import Foundation
import Synchronization

/// Publishes encoded records (alerts, retrain triggers, window results) at QoS 1 and tracks each message until the
/// broker acknowledges it.
///
/// libmosquitto keeps unacknowledged messages and re-sends them after a reconnect, so `flush(timeout:)` returning
/// means the broker has every message published before it. `publish` waits while `maxInFlight` messages are
/// unacknowledged, which slows the engine down when the broker is behind or away.
public final class MQTTSink: Sendable {
    private let connection: MosquittoConnection
    private let context: SinkContext
    private var acks: PublishAcks { context.acks }
    private let publishTimeout: Duration
    /// Topic prefix of the retained status topics (`<prefix>/<model>/<version>/status`).
    public let statusTopicPrefix: String

    /// Creates a sink; call `start()` to connect.
    /// - Parameters:
    ///   - statusTopicPrefix: prefix of the retained "latest status per model" topics.
    ///   - maxInFlight: unacknowledged messages allowed before `publish` waits (at most 30,000, well inside the
    ///     65,535 message ids MQTT has).
    ///   - publishTimeout: how long `publish` waits for room before it throws.
    public init(
        settings: MQTTSettings, statusTopicPrefix: String = "driftline/status", maxInFlight: Int = 10_000,
        publishTimeout: Duration = .seconds(30)
    ) throws(MQTTError) {
        guard (1...30_000).contains(maxInFlight) else {
            throw MQTTError(.invalidSettings, "maxInFlight must be within 1...30000, got \(maxInFlight)")
        }
        guard mosquitto_pub_topic_check(statusTopicPrefix + "/m/v/status") == MosquittoResult.success else {
            throw MQTTError(.invalidTopic, "status topic prefix '\(statusTopicPrefix)' must not contain '+' or '#'")
        }
        let context = SinkContext(acks: PublishAcks(limit: maxInFlight), status: ConnectionStatus())
        self.context = context
        self.statusTopicPrefix = statusTopicPrefix
        self.publishTimeout = publishTimeout
        connection = try MosquittoConnection(
            settings: settings, status: context.status, userdata: Unmanaged.passUnretained(context).toOpaque(),
            loopTurn: { _ in _ = context })  // the running thread keeps the callbacks' context alive
        mosquitto_connect_callback_set(connection.handle, onSinkConnect)
        mosquitto_publish_v5_callback_set(connection.handle, onPublish)
    }

    deinit {
        connection.requestStop()
    }

    /// Starts the network thread. Messages published before the connection is up are queued and sent on connect.
    public func start() {
        connection.start()
    }

    /// Publishes `payload` to `topic` at QoS 1; libmosquitto copies the bytes before this returns. While the client
    /// is disconnected libmosquitto keeps the message and sends it after the reconnect.
    /// - Throws: `MQTTError.Code.invalidTopic` for a topic with wildcards or bad UTF-8,
    ///   `.timedOut` when `maxInFlight` messages stayed unacknowledged for `publishTimeout`,
    ///   `.publishFailed` when libmosquitto refuses the message (too large, out of memory).
    public func publish(topic: String, payload: UnsafeRawBufferPointer, retain: Bool = false) throws(MQTTError) {
        guard !topic.isEmpty, mosquitto_pub_topic_check(topic) == MosquittoResult.success else {
            throw MQTTError(.invalidTopic, "'\(topic)' is not a valid MQTT topic to publish to (no '+' or '#')")
        }
        let deadline = Date().addingTimeInterval(Double(publishTimeout.wholeMilliseconds) / 1000)
        guard acks.waitForRoom(until: deadline) else {
            throw MQTTError(
                .timedOut,
                "\(acks.limit) MQTT messages stayed unacknowledged for \(publishTimeout); is the broker reachable?")
        }
        var mid: Int32 = 0
        let rc = mosquitto_publish(
            connection.handle, &mid, topic, Int32(payload.count), payload.baseAddress, 1, retain)
        // Not connected: libmosquitto 2.0.11 has queued the QoS 1 message all the same and sends it on connect.
        guard rc == MosquittoResult.success || rc == MosquittoResult.notConnected else {
            throw MQTTError(.publishFailed, "MQTT publish to '\(topic)' failed: \(MosquittoResult.describe(rc))")
        }
        acks.published(mid)
    }

    /// Publishes `payload` to `topic` at QoS 1.
    public func publish(topic: String, payload: [UInt8], retain: Bool = false) throws(MQTTError) {
        let result = payload.withUnsafeBytes { bytes in
            Result { () throws(MQTTError) in try publish(topic: topic, payload: bytes, retain: retain) }
        }
        try result.get()
    }

    /// Publishes the latest status of a model version as a retained message to
    /// `<statusTopicPrefix>/<model>/<version>/status`, so a dashboard that subscribes later sees it at once.
    public func publishStatus(model: String, version: String, payload: [UInt8]) throws(MQTTError) {
        for (name, level) in [("model", model), ("version", version)]
        where level.isEmpty || level.contains(where: { $0 == "/" || $0 == "+" || $0 == "#" }) {
            throw MQTTError(
                .invalidTopic, "the \(name) '\(level)' cannot be one topic level (empty, or contains '/', '+' or '#')")
        }
        try publish(topic: "\(statusTopicPrefix)/\(model)/\(version)/status", payload: payload, retain: true)
    }

    /// Waits until the broker has acknowledged every message published so far.
    /// - Throws: `MQTTError.Code.timedOut` with the number still unacknowledged.
    public func flush(timeout: Duration) throws(MQTTError) {
        let deadline = Date().addingTimeInterval(Double(timeout.wholeMilliseconds) / 1000)
        guard acks.waitUntilEmpty(until: deadline) else {
            throw MQTTError(
                .timedOut,
                "\(acks.count) MQTT messages still unacknowledged after \(timeout)"
                    + (connection.status.lastError.map { "; last error: \($0)" } ?? ""))
        }
    }

    /// Messages published and not yet acknowledged.
    public var inFlightCount: Int { acks.count }

    /// Whether the broker has accepted the current connection.
    public var isConnected: Bool { connection.status.isConnected }

    /// Messages the broker acknowledged with an MQTT 5 failure reason (not authorised, quota exceeded…); they are
    /// not delivered. Always 0 with MQTT 3.1.1, whose PUBACK carries no reason.
    public var rejectedCount: Int { context.rejected.load(ordering: .relaxed) }

    /// The most recent connection failure or rejected publish, for logs and health checks.
    public var lastError: MQTTError? { connection.status.lastError }

    /// Disconnects and ends the network thread. Call `flush(timeout:)` first: unacknowledged messages are dropped.
    public func stop(timeout: Duration = .seconds(5)) throws(MQTTError) {
        guard connection.stop(timeout: timeout) else {
            throw MQTTError(.stopTimedOut, "the MQTT sink's network thread did not finish within \(timeout)")
        }
    }
}

/// What the sink's libmosquitto callbacks reach through the userdata pointer.
private final class SinkContext: Sendable {
    let acks: PublishAcks
    let status: ConnectionStatus
    let rejected = Atomic<Int>(0)

    init(acks: PublishAcks, status: ConnectionStatus) {
        self.acks = acks
        self.status = status
    }

    static func from(_ userdata: UnsafeMutableRawPointer?) -> SinkContext? {
        userdata.map { Unmanaged<SinkContext>.fromOpaque($0).takeUnretainedValue() }
    }
}

private let onSinkConnect: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32) -> Void = {
    _, userdata, rc in
    guard let context = SinkContext.from(userdata) else { return }
    if rc == 0 {
        context.status.markConnected()
    } else {
        context.status.markFailed(
            MQTTError(
                .connectionFailed, "the MQTT broker refused the connection: \(MosquittoResult.describeRefusal(rc))"))
    }
}

private let onPublish: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, Int32, OpaquePointer?) -> Void =
    {
        _, userdata, mid, reason, _ in
        guard let context = SinkContext.from(userdata) else { return }
        if reason >= 0x80 {
            context.rejected.add(1, ordering: .relaxed)
            context.status.markFailed(
                MQTTError(.publishFailed, "the MQTT broker rejected a publish with reason code \(reason)"))
        }
        context.acks.acknowledged(mid)
    }
