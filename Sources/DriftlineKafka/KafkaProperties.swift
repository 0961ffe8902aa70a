/// librdkafka configuration properties passed through as given (`bootstrap.servers`,
/// `security.protocol`, `sasl.*`, `ssl.*`, `fetch.*`, …), so SASL/TLS clusters need no code change.
public struct KafkaProperties: Equatable, Sendable {
    public var values: [String: String]

    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    public subscript(key: String) -> String? {
        get { values[key] }
        set { values[key] = newValue }
    }
}
