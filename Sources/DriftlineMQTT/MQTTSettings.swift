/// How to reach an MQTT broker, and how the client session behaves.
public struct MQTTSettings: Equatable, Sendable {
    /// The MQTT protocol version spoken to the broker.
    public struct ProtocolVersion: Hashable, Sendable, CustomStringConvertible {
        /// The value libmosquitto's `MOSQ_OPT_PROTOCOL_VERSION` takes.
        let level: Int32
        private init(_ level: Int32) { self.level = level }

        /// MQTT 3.1.1, understood by every broker in use on plant floors.
        public static let v311 = ProtocolVersion(4)
        /// MQTT 5, where the broker supports it (session expiry is then sent explicitly).
        public static let v5 = ProtocolVersion(5)

        public var description: String { level == 5 ? "5" : "3.1.1" }
    }

    /// TLS options; a `nil` `MQTTSettings.tls` means plain TCP.
    public struct TLS: Equatable, Sendable {
        /// PEM file with the certificate authorities that signed the broker's certificate.
        public var caFile: String?
        /// Directory of hashed CA certificates (`openssl rehash`), instead of or besides `caFile`.
        public var caDirectory: String?
        /// Client certificate (PEM) for brokers that require mutual TLS; needs `keyFile`.
        public var certificateFile: String?
        /// Private key (PEM, unencrypted) of `certificateFile`.
        public var keyFile: String?
        /// Skips checking the broker's host name against its certificate. For test brokers only.
        public var insecure: Bool

        /// Creates TLS options; at least one of `caFile` and `caDirectory` is required.
        public init(
            caFile: String? = nil, caDirectory: String? = nil, certificateFile: String? = nil, keyFile: String? = nil,
            insecure: Bool = false
        ) {
            self.caFile = caFile
            self.caDirectory = caDirectory
            self.certificateFile = certificateFile
            self.keyFile = keyFile
            self.insecure = insecure
        }
    }

    /// Broker host name or address.
    public var host: String
    /// Broker port (1883 for plain MQTT, 8883 for MQTT over TLS by convention).
    public var port: Int
    /// A stable client id, so the broker keeps the session (and queued QoS 1 messages) across reconnects.
    public var clientID: String
    /// User name for brokers with password authentication.
    public var username: String?
    /// Password for `username`.
    public var password: String?
    /// TLS options, or `nil` for plain TCP.
    public var tls: TLS?
    /// Interval of keep-alive pings; the broker drops the connection after 1.5 times this without traffic.
    /// At least 5 seconds (libmosquitto's lower bound).
    public var keepAlive: Duration
    /// The protocol version; 3.1.1 unless the broker is known to speak MQTT 5.
    public var protocolVersion: ProtocolVersion
    /// Wait after the first failed connection attempt; it doubles on each further failure.
    public var reconnectDelayMin: Duration
    /// Longest wait between connection attempts.
    public var reconnectDelayMax: Duration
    /// Whether the broker discards the session on disconnect. Sources keep it `false`: with a stable
    /// `clientID` the broker then queues QoS 1 messages while the client is away and delivers them later.
    public var cleanSession: Bool
    /// MQTT 5 only: how long the broker keeps a persistent session after a disconnect, in seconds
    /// (`UInt32.max`: never expires). MQTT 3.1.1 sessions without `cleanSession` never expire.
    public var sessionExpirySeconds: UInt32

    /// Creates settings with the defaults a source needs: persistent session, MQTT 3.1.1, 30 s keep-alive,
    /// reconnect backoff from 0.5 s to 30 s.
    public init(
        host: String = "127.0.0.1", port: Int = 1883, clientID: String, username: String? = nil,
        password: String? = nil, tls: TLS? = nil, keepAlive: Duration = .seconds(30),
        protocolVersion: ProtocolVersion = .v311, reconnectDelayMin: Duration = .milliseconds(500),
        reconnectDelayMax: Duration = .seconds(30), cleanSession: Bool = false, sessionExpirySeconds: UInt32 = .max
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.username = username
        self.password = password
        self.tls = tls
        self.keepAlive = keepAlive
        self.protocolVersion = protocolVersion
        self.reconnectDelayMin = reconnectDelayMin
        self.reconnectDelayMax = reconnectDelayMax
        self.cleanSession = cleanSession
        self.sessionExpirySeconds = sessionExpirySeconds
    }

    /// The wait before the next connection attempt after `failures` consecutive failed ones
    /// (`reconnectDelayMin` doubled per failure, capped at `reconnectDelayMax`).
    func reconnectDelay(afterFailures failures: Int) -> Duration {
        var delay = reconnectDelayMin
        for _ in 0..<min(failures, 32) where delay < reconnectDelayMax {
            delay = delay * 2
        }
        return min(delay, reconnectDelayMax)
    }

    /// Problems that make connecting pointless, described so a user can fix the configuration.
    func validate() throws(MQTTError) {
        guard !host.isEmpty else { throw MQTTError(.invalidSettings, "MQTT host is empty") }
        guard (1...65535).contains(port) else {
            throw MQTTError(.invalidSettings, "MQTT port \(port) is outside 1...65535")
        }
        guard !clientID.isEmpty || cleanSession else {
            throw MQTTError(
                .invalidSettings, "a persistent MQTT session (cleanSession false) needs a non-empty, stable client id")
        }
        guard keepAlive >= .seconds(5), keepAlive <= .seconds(65535) else {
            throw MQTTError(.invalidSettings, "MQTT keep-alive must be between 5 and 65535 seconds, got \(keepAlive)")
        }
        guard reconnectDelayMin > .zero, reconnectDelayMin <= reconnectDelayMax else {
            throw MQTTError(
                .invalidSettings,
                "MQTT reconnect delays need 0 < min <= max, got min \(reconnectDelayMin), max \(reconnectDelayMax)")
        }
        guard password == nil || username != nil else {
            throw MQTTError(.invalidSettings, "an MQTT password was given without a username")
        }
        if let tls {
            guard tls.caFile != nil || tls.caDirectory != nil else {
                throw MQTTError(.invalidSettings, "MQTT TLS needs a CA file or CA directory to verify the broker")
            }
            guard (tls.certificateFile == nil) == (tls.keyFile == nil) else {
                throw MQTTError(.invalidSettings, "an MQTT TLS client certificate needs its key file, and vice versa")
            }
        }
    }
}
