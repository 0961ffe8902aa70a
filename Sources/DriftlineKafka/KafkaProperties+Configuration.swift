import CRdKafka

extension KafkaProperties {
    /// A librdkafka configuration holding these properties over `defaults` (the caller's values win).
    /// The caller owns the result until it passes it to `rd_kafka_new`.
    func makeConfiguration(defaults: [String: String] = [:]) throws(KafkaError) -> OpaquePointer {
        guard let configuration = rd_kafka_conf_new() else {
            throw KafkaError(.failure, "librdkafka could not allocate a configuration")
        }
        let merged = defaults.merging(values) { _, given in given }
        var reason = [CChar](repeating: 0, count: 512)
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            if rd_kafka_conf_set(configuration, key, value, &reason, reason.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(configuration)
                // The value is left out: it may be a password.
                throw KafkaError(
                    .invalidArgument, "Kafka property '\(key)' is not accepted: \(Self.text(reason))")
            }
        }
        return configuration
    }

    /// Creates a client handle of `type` from `configuration` (which it consumes, even on failure).
    static func makeClient(_ type: rd_kafka_type_t, _ configuration: OpaquePointer) throws(KafkaError) -> OpaquePointer
    {
        var reason = [CChar](repeating: 0, count: 512)
        guard let client = rd_kafka_new(type, configuration, &reason, reason.count) else {
            rd_kafka_conf_destroy(configuration)
            throw KafkaError(.failure, "librdkafka could not create a client: \(Self.text(reason))")
        }
        return client
    }

    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
