import DriftlineCore
import DriftlineMQTT
import Foundation
import Yams

extension TopologyParser {
    /// What a source or sink is, by its `type`.
    enum TransportType: String {
        case file, stdin, stdout, kafka, mqtt, alertmanager, webhook

        /// The article a message puts before the type's name ("a kafka source", "an mqtt sink").
        var article: String { self == .mqtt || self == .alertmanager ? "an" : "a" }
    }

    /// Whether a mapping describes a source or a sink.
    enum TransportRole: String {
        case source, sink

        /// The types a `type` may name, in the order messages list them.
        var types: [TransportType] {
            self == .source
                ? [.file, .stdin, .kafka, .mqtt] : [.file, .stdout, .kafka, .mqtt, .alertmanager, .webhook]
        }

        /// The key naming what a broker source reads or a broker sink writes.
        var topicKey: String { self == .source ? "topics" : "topic" }
    }

    /// The keys of a sink mapping.
    private static let sinkKeys = [
        "type", "path", "connection", "topic", "client_id", "status_prefix", "url", "headers", "timeout",
        "repost_interval",
    ]
    /// The keys that only some types take, and those types.
    private static let typedKeys: [(key: String, types: [TransportType])] = [
        ("path", [.file]), ("connection", [.kafka, .mqtt]), ("topics", [.kafka, .mqtt]), ("topic", [.kafka, .mqtt]),
        ("group", [.kafka]), ("client_id", [.mqtt]), ("status_prefix", [.mqtt]), ("url", [.alertmanager, .webhook]),
        ("timeout", [.alertmanager, .webhook]), ("headers", [.webhook]), ("repost_interval", [.alertmanager]),
    ]
    /// The characters a Kafka topic name may hold.
    private static let kafkaTopicScalars = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-".unicodeScalars)
    /// The longest Kafka topic name, in characters.
    private static let kafkaTopicMaxLength = 249

    /// The `type` of a source or sink mapping whose keys `fields` holds, provided the keys present
    /// suit it: every key that type requires is there and no key of another type is.
    private mutating func transportType(_ fields: Fields, owner node: Node, role: TransportRole) -> TransportType? {
        guard let typeNode = fields["type"], let text = reader.string(typeNode, path: fields.path("type")) else {
            return nil
        }
        let names = role.types.map(\.rawValue)
        guard let type = role.types.first(where: { $0.rawValue == text }) else {
            reader.reportUnknownWord(text, at: typeNode.mark, path: fields.path("type"), known: names)
            return nil
        }
        let before = reader.diagnostics.count
        for (key, types) in Self.typedKeys where !types.contains(type) {
            guard let valueNode = fields[key] else { continue }
            let names = types.map(\.rawValue)
            reader.report(
                .invalidValue, at: valueNode.mark,
                "\(fields.path(key)) is only for \(Self.list(names, "and")) \(role)s; remove it or use type: "
                    + Self.list(names, "or"))
        }
        let required: [String] =
            switch type {
            case .file: ["path"]
            case .stdin, .stdout: []
            case .kafka, .mqtt: ["connection", role.topicKey]
            case .alertmanager, .webhook: ["url"]
            }
        for key in required where fields[key] == nil {
            reader.report(
                .missingKey, at: node.mark,
                "missing required key '\(key)' in \(fields.path); \(type.article) \(type) \(role) needs one")
        }
        return reader.diagnostics.count == before ? type : nil
    }

    /// Where the source `name` (when its name is valid) reads, by its `type`.
    mutating func sourceTransport(
        _ fields: Fields, owner node: Node, name: String?, dimensions: [String]
    ) -> Topology.SourceSpec.Transport? {
        switch transportType(fields, owner: node, role: .source) {
        case .file: return filePath(fields).map { .file(path: $0) }
        // `stdout`, `alertmanager` and `webhook` are not source types; transportType never returns them here.
        case .stdin, .stdout, .alertmanager, .webhook: return .stdin
        case .kafka:
            let connection = fields["connection"].flatMap {
                kafkaConnection($0, path: fields.path("connection"), role: .source)
            }
            let topics = fields["topics"].flatMap { kafkaTopics($0, path: fields.path("topics")) }
            let group =
                fields["group"] == nil
                ? "driftline-\(topologyName)"
                : fields["group"].flatMap { reader.string($0, path: fields.path("group")) }
            guard let connection, let topics, let group else { return nil }
            return .kafka(.init(connection: connection, topics: topics, group: group))
        case .mqtt:
            let connection = mqttConnection(fields, name: name, role: .source)
            let topics = fields["topics"].flatMap {
                mqttTemplates($0, path: fields.path("topics"), dimensions: dimensions)
            }
            guard let connection, let topics else { return nil }
            return .mqtt(.init(connection: connection, topics: topics))
        case nil: return nil
        }
    }

    /// The sink at `path` of the output stream `sinks.<name>`: a mapping of `type` and the keys that
    /// type takes. Alertmanager takes alerts only, a webhook alerts and retraining triggers, and
    /// both deliver through the history store's outbox, so they need `hasStore`.
    mutating func sinkTarget(_ node: Node, name: String, path: String, hasStore: Bool) -> Topology.SinkTarget? {
        guard let fields = reader.fields(node, path: path, allowed: Self.sinkKeys, required: ["type"])
        else { return nil }
        let type = transportType(fields, owner: node, role: .sink)
        if let type, type == .alertmanager || type == .webhook {
            return deliveryTarget(fields, type: type, stream: name, hasStore: hasStore)
        }
        switch type {
        case .file: return filePath(fields).map { .file(path: $0) }
        // `stdin` is not a sink type, delivery types are read above; transportType never returns them here.
        case .stdin, .stdout, .alertmanager, .webhook: return .stdout
        case .kafka:
            let connection = fields["connection"].flatMap {
                kafkaConnection($0, path: fields.path("connection"), role: .sink)
            }
            let topic = fields["topic"].flatMap { node in
                reader.string(node, path: fields.path("topic")).flatMap {
                    kafkaTopicName($0, at: node.mark, path: fields.path("topic"))
                }
            }
            guard let connection, let topic else { return nil }
            return .kafka(topic: topic, connection: connection)
        case .mqtt:
            let connection = mqttConnection(fields, name: name, role: .sink)
            let topic = fields["topic"].flatMap { publishTopic($0, path: fields.path("topic")) }
            let statusPrefix = fields["status_prefix"].flatMap {
                publishTopic($0, path: fields.path("status_prefix"))
            }
            guard let connection, let topic, statusPrefix != nil || fields["status_prefix"] == nil else { return nil }
            return .mqtt(topic: topic, connection: connection, statusPrefix: statusPrefix)
        case nil: return nil
        }
    }

    // MARK: - Pieces

    /// An Alertmanager or webhook sink of the stream `sinks.<stream>`, checked: the stream takes it,
    /// the topology has a store, the URL is http(s) with a host, durations and headers are valid.
    private mutating func deliveryTarget(
        _ fields: Fields, type: TransportType, stream: String, hasStore: Bool
    ) -> Topology.SinkTarget? {
        let mark = fields["type"]?.mark
        let streams = type == .alertmanager ? ["alerts"] : ["alerts", "retrain"]
        guard streams.contains(stream) else {
            reader.report(
                .invalidValue, at: mark,
                "\(fields.path) cannot be \(type.article) \(type) sink: \(type) sinks take only "
                    + (type == .alertmanager ? "alerts" : "alerts and retraining triggers")
                    + "; use it under \(Self.list(streams.map { "sinks.\($0)" }, "or"))")
            return nil
        }
        guard hasStore else {
            reader.report(
                .inconsistent, at: mark,
                "\(fields.path) is \(type.article) \(type) sink, which delivers through the history store's outbox "
                    + "so that a receiver that is down loses nothing; add a store section (store: {path: history.db})")
            return nil
        }
        let before = reader.diagnostics.count
        let url = fields["url"].flatMap { deliveryURL($0, path: fields.path("url")) }
        let timeout = fields["timeout"].flatMap { reader.duration($0, path: fields.path("timeout"), positive: true) }
        let kind: DeliveryTarget.Kind
        if type == .alertmanager {
            let repost = fields["repost_interval"].flatMap {
                reader.duration($0, path: fields.path("repost_interval"), positive: true)
            }
            kind = .alertmanager(repostIntervalMs: repost ?? DeliveryTarget.defaultRepostIntervalMs)
        } else {
            kind = .webhook(headers: fields["headers"].map { headers($0, path: fields.path("headers")) } ?? [:])
        }
        guard let url, reader.diagnostics.count == before else { return nil }
        return .delivery(DeliveryTarget(url: url, kind: kind, timeoutMs: timeout ?? DeliveryTarget.defaultTimeoutMs))
    }

    /// An absolute `http` or `https` URL with a host, without a query or fragment.
    private mutating func deliveryURL(_ node: Node, path: String) -> String? {
        guard let text = reader.string(node, path: path) else { return nil }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.query == nil, components.fragment == nil
        else {
            reader.report(
                .invalidValue, at: node.mark,
                "\(path) '\(text)' is not an http or https URL with a host (like http://alertmanager:9093)")
            return nil
        }
        return text
    }

    /// A webhook's `headers`: names that are HTTP tokens, each with a string value.
    private mutating func headers(_ node: Node, path: String) -> [String: String] {
        var headers: [String: String] = [:]
        let tokenScalars = Set(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~".unicodeScalars)
        for pair in reader.pairs(node, path: path) ?? [] {
            guard !pair.key.isEmpty, pair.key.unicodeScalars.allSatisfy(tokenScalars.contains) else {
                reader.report(.invalidValue, at: pair.keyMark, "'\(pair.key)' in \(path) is not an HTTP header name")
                continue
            }
            guard let value = reader.secret(pair.value, path: "\(path).\(pair.key)") else { continue }
            guard !value.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                reader.report(.invalidValue, at: pair.value.mark, "\(path).\(pair.key) holds a line break")
                continue
            }
            headers[pair.key] = value
        }
        return headers
    }

    /// The MQTT connection of the source or sink whose keys `fields` holds, with its client id:
    /// `client_id`, or `driftline-<topology>-<name>`. Each client id is unique per broker.
    private mutating func mqttConnection(
        _ fields: Fields, name: String?, role: TransportRole
    ) -> Topology.MQTTConnection? {
        let clientID =
            fields["client_id"] == nil
            ? name.map { "driftline-\(topologyName)-\($0)" }
            : fields["client_id"].flatMap { reader.string($0, path: fields.path("client_id")) }
        guard
            case .mqtt(var connection)? = fields["connection"].flatMap({
                connection($0, path: fields.path("connection"), type: .mqtt, role: role)
            }), let clientID
        else { return nil }
        connection.clientID = clientID
        noteMQTTClient(connection, owner: fields.path, at: (fields["client_id"] ?? fields["connection"])?.mark)
        return connection
    }

    /// The Kafka connection `node` names or gives inline, for a Kafka source or sink.
    private mutating func kafkaConnection(
        _ node: Node, path: String, role: TransportRole
    ) -> Topology.KafkaConnection? {
        guard case .kafka(let connection)? = connection(node, path: path, type: .kafka, role: role) else { return nil }
        return connection
    }

    /// A Kafka source's `topics`: names, or exactly one regex starting with `^`.
    private mutating func kafkaTopics(_ node: Node, path: String) -> [String]? {
        guard let entries = topicList(node, path: path) else { return nil }
        let before = reader.diagnostics.count
        for (index, entry) in entries.enumerated() {
            let place = "\(path)[\(index)]"
            if entry.text.hasPrefix("^") {
                guard entries.count > 1 else { continue }
                reader.report(
                    .inconsistent, at: entry.node.mark,
                    "\(place) '\(entry.text)' is a regex subscription, which must be the only entry in \(path); "
                        + "list topic names or one regex starting with '^'")
            } else {
                _ = kafkaTopicName(entry.text, at: entry.node.mark, path: place)
            }
        }
        return reader.diagnostics.count == before ? entries.map(\.text) : nil
    }

    /// `text` if it is a legal Kafka topic name; reports it otherwise.
    private mutating func kafkaTopicName(_ text: String, at mark: Mark?, path: String) -> String? {
        let problem: String? =
            if !text.unicodeScalars.allSatisfy(Self.kafkaTopicScalars.contains) {
                "may hold only ASCII letters, digits, '.', '_' and '-'"
            } else if text.count > Self.kafkaTopicMaxLength {
                "is longer than Kafka's limit of \(Self.kafkaTopicMaxLength) characters"
            } else if text == "." || text == ".." {
                "is not allowed by Kafka"
            } else {
                nil
            }
        guard let problem else { return text }
        reader.report(.invalidValue, at: mark, "Kafka topic '\(text)' in \(path) \(problem)")
        return nil
    }

    /// An MQTT source's `topics`: subscription templates whose placeholders name a key dimension,
    /// `model` or `version`.
    private mutating func mqttTemplates(_ node: Node, path: String, dimensions: [String]) -> [String]? {
        guard let entries = topicList(node, path: path) else { return nil }
        let allowed = dimensions + ["model", "version"]
        let before = reader.diagnostics.count
        for (index, entry) in entries.enumerated() {
            let place = "\(path)[\(index)]"
            let template: TopicTemplate
            do {
                template = try TopicTemplate(entry.text)
            } catch {
                reader.report(.invalidValue, at: entry.node.mark, "invalid MQTT topic template in \(place): \(error)")
                continue
            }
            for name in template.names where !allowed.contains(name) {
                let list = allowed.joined(separator: ", ")
                let hint = NodeReader.closest(to: name, in: allowed).map { "did you mean '\($0)'? (allowed: \(list))" }
                reader.report(
                    .invalidValue, at: entry.node.mark,
                    "placeholder {\(name)} in \(place) is neither a dimension used in keys nor model or version; "
                        + (hint ?? "allowed: \(list)"))
            }
        }
        return reader.diagnostics.count == before ? entries.map(\.text) : nil
    }

    /// A topic an MQTT sink publishes to: no `+` or `#` wildcards.
    private mutating func publishTopic(_ node: Node, path: String) -> String? {
        guard let text = reader.string(node, path: path) else { return nil }
        guard !text.contains(where: { $0 == "+" || $0 == "#" }) else {
            reader.report(
                .invalidValue, at: node.mark,
                "\(path) '\(text)' is a topic to publish to and cannot hold the wildcards + or #")
            return nil
        }
        return text
    }

    /// The entries of a non-empty list of topics, each written once; `nil` when any is broken.
    private mutating func topicList(_ node: Node, path: String) -> [(text: String, node: Node)]? {
        guard let items = reader.sequence(node, path: path) else { return nil }
        guard !items.isEmpty else {
            reader.report(.invalidValue, at: node.mark, "\(path) must list at least one topic")
            return nil
        }
        let before = reader.diagnostics.count
        var entries: [(text: String, node: Node)] = []
        var lines: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            guard let text = reader.string(item, path: "\(path)[\(index)]") else { continue }
            if let line = lines[text] {
                reader.report(
                    .duplicateName, at: item.mark, "topic '\(text)' appears twice in \(path) (first on line \(line))")
                continue
            }
            lines[text] = item.mark?.line ?? 0
            entries.append((text, item))
        }
        return reader.diagnostics.count == before ? entries : nil
    }

    /// `words` joined for a sentence: "a", "a and b", "a, b and c".
    static func list(_ words: [String], _ conjunction: String) -> String {
        guard let last = words.last, words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " \(conjunction) \(last)"
    }
}
