import DriftlineConnectors
import DriftlineCore
import DriftlineMQTT

extension Topology.MQTTConnection {
    /// libmosquitto settings for this connection: a persistent session under `clientID`.
    var settings: MQTTSettings {
        let tls = caFile.map {
            MQTTSettings.TLS(caFile: $0, certificateFile: certFile, keyFile: keyFile, insecure: tlsInsecure)
        }
        return MQTTSettings(
            host: host, port: port, clientID: clientID, username: username, password: password, tls: tls,
            keepAlive: .seconds(keepaliveSeconds), protocolVersion: protocolVersion == 5 ? .v5 : .v311)
    }
}

/// An MQTT subscription source as the engine runs it.
final class MQTTInput: StreamingSource {
    private let source: MQTTSource

    init(spec: Topology.MQTTSourceSpec, source index: Int, queue: SourceQueue) throws {
        let filters = try spec.topics.map { try TopicTemplate($0).filter }
        source = try MQTTSource(settings: spec.connection.settings, subscriptions: filters, queue: queue, source: index)
    }

    func start() throws { source.start() }

    /// MQTT acknowledges a message once it is in the engine's queue; there is nothing to commit.
    func commit(_ offsets: [PartitionID: Int64]) {}

    func stop() { try? source.stop() }
}

/// What the levels of an MQTT topic say about an event: a template whose placeholders name
/// segment dimensions (or `model`, `version`), applied after decoding so the topic wins.
struct TopicBinding {
    private enum Role {
        case dimension(Int)
        case model
        case version
    }

    private let template: TopicTemplate
    private let roles: [Role]
    private var ranges: [Range<Int>] = []

    init(template text: String, dimensions: [String]) throws {
        template = try TopicTemplate(text)
        roles = try template.names.map { name in
            switch name {
            case "model": return .model
            case "version": return .version
            default:
                guard let index = dimensions.firstIndex(of: name) else {
                    throw ConnectorErrorText("topic template '\(text)': {\(name)} is not a key dimension")
                }
                return .dimension(index)
            }
        }
    }

    /// Sets the event's roles from `topic` when it matches the template; returns whether it did.
    mutating func apply(topic: String, to event: inout Event, symbols: SymbolTable) -> Bool {
        var topic = topic
        return topic.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            guard template.captureRanges(in: bytes, into: &ranges) else { return false }
            for (role, range) in zip(roles, ranges) {
                let symbol = symbols.intern(UnsafeRawBufferPointer(rebasing: bytes[range]))
                switch role {
                case .dimension(let index): event.segment[index] = symbol
                case .model: event.model = symbol
                case .version: event.version = symbol
                }
            }
            return true
        }
    }
}

/// Output records published at QoS 1 to an MQTT topic; whole-model window results also go,
/// retained, to `<status prefix>/<model>/<version>/status` when the sink has a status prefix.
final class MQTTOutputSink: OutputSink {
    private let sink: MQTTSink
    private let topic: String
    private let publishesStatus: Bool

    init(topic: String, connection: Topology.MQTTConnection, statusPrefix: String?) throws {
        self.topic = topic
        publishesStatus = statusPrefix != nil
        var settings = connection.settings
        settings.cleanSession = true
        sink = try MQTTSink(settings: settings, statusTopicPrefix: statusPrefix ?? "driftline/status")
        sink.start()
    }

    deinit {
        try? sink.stop()
    }

    func write(_ record: [UInt8], key: String) throws {
        try sink.publish(topic: topic, payload: record)
    }

    func writeStatus(_ record: [UInt8], model: String, version: String) throws {
        guard publishesStatus else { return }
        try sink.publishStatus(model: model, version: version, payload: record)
    }

    func flush() throws {}

    func sync() throws {
        try sink.flush(timeout: .seconds(30))
    }
}
