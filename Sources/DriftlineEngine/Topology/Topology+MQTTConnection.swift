extension Topology {
    /// An MQTT broker connection.
    ///
    /// TLS is on when `caFile` is set; `certFile` and `keyFile` (both or neither) add a client
    /// certificate. Paths are absolute, resolved like every other path of a topology file.
    public struct MQTTConnection: Equatable, Sendable {
        /// The broker's host name or address.
        public var host: String
        /// The broker's TCP port (1883 by default; brokers usually serve TLS on 8883).
        public var port: Int
        /// A client id that stays the same across restarts, so the broker keeps the persistent
        /// session and the QoS 1 messages queued for it; by default
        /// `driftline-<topology name>-<source or sink name>`.
        public var clientID: String
        /// The user name to authenticate with, if any.
        public var username: String?
        /// The password to authenticate with, if any; only together with `username`.
        public var password: String?
        /// The CA certificate file that verifies the broker; setting it turns TLS on.
        public var caFile: String?
        /// The client certificate file, for brokers that require one; only together with `keyFile`.
        public var certFile: String?
        /// The client certificate's private key file; only together with `certFile`.
        public var keyFile: String?
        /// Whether to skip checking the broker's host name against its certificate (testing only).
        public var tlsInsecure: Bool
        /// The protocol to speak: 3 (MQTT 3.1.1) or 5 (MQTT 5).
        public var protocolVersion: Int
        /// Seconds between keep-alive pings when nothing else is sent.
        public var keepaliveSeconds: Int

        /// A connection to `host`:`port` with the documented defaults for everything left out.
        public init(
            host: String, port: Int = 1883, clientID: String, username: String? = nil, password: String? = nil,
            caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, tlsInsecure: Bool = false,
            protocolVersion: Int = 3, keepaliveSeconds: Int = 30
        ) {
            self.host = host
            self.port = port
            self.clientID = clientID
            self.username = username
            self.password = password
            self.caFile = caFile
            self.certFile = certFile
            self.keyFile = keyFile
            self.tlsInsecure = tlsInsecure
            self.protocolVersion = protocolVersion
            self.keepaliveSeconds = keepaliveSeconds
        }
    }
}
