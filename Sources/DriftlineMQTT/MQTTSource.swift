import CMosquitto
public import DriftlineConnectors

/// Reads MQTT subscriptions at QoS 1 with a persistent session and hands the messages to the engine as
/// `RecordBatch`es through a `SourceQueue`.
///
/// libmosquitto's network loop runs on the source's own thread; its message callback copies topic and payload
/// into the current batch (arrival time as the record timestamp, a per-source sequence as offset, partition 0),
/// and a batch goes to the queue when it holds `batchRecords` records or is `flushInterval` old. When the queue is
/// full the thread waits: the socket stops being read, TCP pushes back to the broker, and the broker keeps the
/// QoS 1 messages queued for the session — nothing is dropped.
///
/// The connection is re-established with exponential backoff and every filter is subscribed again on each
/// connect. With `cleanSession` false and a stable `clientID`, the broker keeps queueing while the source is away.
///
/// Delivery guarantee: libmosquitto 2.0.11 acknowledges a QoS 1 message (PUBACK) before it calls the message
/// callback, so a message is "accepted" by this source once it is in memory here. Broker restarts and network
/// drops lose nothing the broker accepted (it re-sends what was not acknowledged); a crash of this process loses
/// the records not yet processed by the engine.
public final class MQTTSource: Sendable {
    private let ingest: SourceIngest
    private let connection: MosquittoConnection

    /// Creates a source; call `start()` to connect.
    /// - Parameters:
    ///   - subscriptions: MQTT topic filters, `+` and `#` wildcards allowed (see `TopicTemplate.filter`).
    ///   - queue: the engine's bounded hand-off.
    ///   - source: the topology's index of this source, stamped on every batch.
    ///   - batchRecords: records per batch at most.
    ///   - flushInterval: the longest a record waits in a partly filled batch.
    public init(
        settings: MQTTSettings, subscriptions: [String], queue: SourceQueue, source: Int, batchRecords: Int = 1024,
        flushInterval: Duration = .milliseconds(5)
    ) throws(MQTTError) {
        guard !subscriptions.isEmpty else {
            throw MQTTError(.invalidSettings, "an MQTT source needs at least one subscription")
        }
        for filter in subscriptions where filter.isEmpty || mosquitto_sub_topic_check(filter) != MosquittoResult.success
        {
            throw MQTTError(
                .invalidTopic,
                "'\(filter)' is not a valid MQTT subscription: '+' and '#' must fill a whole level and '#' must be last"
            )
        }
        guard batchRecords > 0 else { throw MQTTError(.invalidSettings, "batchRecords must be positive") }
        let status = ConnectionStatus()
        let ingest = SourceIngest(
            subscriptions: subscriptions, queue: queue, source: source, batchRecords: batchRecords,
            flushInterval: flushInterval, status: status)
        self.ingest = ingest
        connection = try MosquittoConnection(
            settings: settings, status: status, userdata: Unmanaged.passUnretained(ingest).toOpaque(),
            loopTurn: { connected in ingest.loopTurn(connected: connected) })
        mosquitto_connect_callback_set(connection.handle, onConnect)
        mosquitto_subscribe_callback_set(connection.handle, onSubscribe)
        mosquitto_message_callback_set(connection.handle, onMessage)
    }

    deinit {
        ingest.requestStop()
        connection.requestStop()
    }

    /// Starts the network thread: connect, subscribe, deliver; reconnect with backoff when the connection drops.
    public func start() {
        connection.start()
    }

    /// Flushes the current batch, disconnects (the broker keeps the persistent session) and ends the thread.
    /// - Throws: `MQTTError.Code.stopTimedOut` when the thread did not finish within `timeout`, for instance
    ///   because the engine stopped taking from a full queue that was never closed.
    public func stop(timeout: Duration = .seconds(5)) throws(MQTTError) {
        ingest.requestStop()
        guard connection.stop(timeout: timeout) else {
            throw MQTTError(
                .stopTimedOut,
                "the MQTT source's network thread did not finish within \(timeout); close its queue first")
        }
    }

    /// Whether the broker has accepted the current connection.
    public var isConnected: Bool { ingest.status.isConnected }

    /// Whether the broker acknowledged every subscription on the current connection.
    public var isSubscribed: Bool { ingest.isSubscribed }

    /// The most recent connection or subscription failure, for logs and health checks.
    public var lastError: MQTTError? { ingest.status.lastError }

    /// Records handed to the queue so far.
    public var recordsDelivered: Int64 { ingest.deliveredCount }
}

private func ingest(_ userdata: UnsafeMutableRawPointer?) -> SourceIngest? {
    userdata.map { Unmanaged<SourceIngest>.fromOpaque($0).takeUnretainedValue() }
}

private let onConnect: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32) -> Void = {
    handle, userdata, rc in
    guard let handle, let ingest = ingest(userdata) else { return }
    if rc == 0 {
        ingest.status.markConnected()
        ingest.subscribeAll(handle)
    } else {
        ingest.status.markFailed(
            MQTTError(
                .connectionFailed, "the MQTT broker refused the connection: \(MosquittoResult.describeRefusal(rc))"))
    }
}

private let onSubscribe:
    @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, Int32, UnsafePointer<Int32>?)
        -> Void = { _, userdata, _, count, granted in
            guard let ingest = ingest(userdata), let granted else { return }
            ingest.subscribed(grantedQoS: UnsafeBufferPointer(start: granted, count: Int(count)))
        }

private let onMessage:
    @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafePointer<mosquitto_message>?)
        -> Void = { _, userdata, message in
            guard let message else { return }
            ingest(userdata)?.receive(message)
        }
