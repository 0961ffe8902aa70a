/// How to reach an MQTT broker.
public struct MQTTSettings: Equatable, Sendable {
    public var host: String
    public var port: Int
    /// A stable client id, so the broker keeps the session (and queued QoS 1 messages) across reconnects.
    public var clientID: String

    public init(host: String = "127.0.0.1", port: Int = 1883, clientID: String) {
        self.host = host
        self.port = port
        self.clientID = clientID
    }
}
