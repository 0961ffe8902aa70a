import DriftlineCore
import Yams

extension TopologyParser {
    /// The settings of a connection, before an MQTT source or sink adds its own client id.
    enum Connection {
        case kafka(Topology.KafkaConnection)
        case mqtt(Topology.MQTTConnection)
    }

    /// One entry of the `connections` section.
    struct ConnectionDefinition {
        /// Its type; `nil` when the entry gives none or a wrong one.
        var type: TransportType?
        /// The line of its name.
        var line: Int
        /// Its settings; `nil` when they are broken (already reported).
        var connection: Connection?
    }

    /// An MQTT client a source or sink opens.
    struct MQTTClientUse {
        /// Its client id.
        var clientID: String
        /// The broker it connects to.
        var host: String
        /// The broker's port.
        var port: Int
        /// The source or sink, as a path in the file.
        var owner: String
        /// Where its client id was decided.
        var mark: Mark?
    }

    /// The keys of a Kafka connection.
    private static let kafkaKeys = ["type", "properties"]
    /// The keys of an MQTT connection (`client_id` only to say where it belongs).
    private static let mqttKeys = [
        "type", "host", "port", "username", "password", "ca_file", "cert_file", "key_file", "tls_insecure",
        "protocol_version", "keepalive", "client_id",
    ]
    /// The largest TCP port.
    private static let maxPort = 65_535
    /// The keep-alive bounds libmosquitto and MQTT accept, in milliseconds.
    private static let keepaliveRange: ClosedRange<Int64> = 5_000...65_535_000

    /// Reads the `connections` section into `connections`.
    mutating func connectionDefinitions(_ node: Node) {
        guard let pairs = reader.pairs(node, path: "connections") else { return }
        for pair in pairs {
            let settings = connectionSettings(pair.value, path: "connections.\(pair.key)", implied: nil)
            connections[pair.key] = .init(
                type: settings.type, line: pair.keyMark?.line ?? 0, connection: settings.connection)
        }
    }

    /// The connection `node` names (an entry of `connections`) or gives inline, which must be of
    /// `type` because the `role` using it is.
    mutating func connection(_ node: Node, path: String, type: TransportType, role: TransportRole) -> Connection? {
        if node.mapping != nil {
            return connectionSettings(node, path: path, implied: (type, role)).connection
        }
        guard node.scalar != nil else {
            reader.report(
                .wrongType, at: node.mark,
                "\(path) must name an entry of connections or be a connection mapping, not \(NodeReader.describe(node))"
            )
            return nil
        }
        guard let name = reader.string(node, path: path) else { return nil }
        guard let definition = connections[name] else {
            let names = connections.keys.sorted()
            let list = names.joined(separator: ", ")
            let hint =
                names.isEmpty
                ? "no connections are defined; add it under connections or write the connection here"
                : NodeReader.closest(to: name, in: names).map { "did you mean '\($0)'? (defined: \(list))" }
                    ?? "defined: \(list)"
            reader.report(.invalidValue, at: node.mark, "unknown connection '\(name)' for \(path); \(hint)")
            return nil
        }
        guard let defined = definition.type else { return nil }
        guard defined == type else {
            reader.report(
                .inconsistent, at: node.mark,
                "connection '\(name)' (line \(definition.line)) is \(defined.article) \(defined) connection, but "
                    + "\(type.article) \(type) \(role) needs \(type.article) \(type) connection")
            return nil
        }
        return definition.connection
    }

    /// Notes an MQTT client, reporting a client id another source or sink already uses at the same broker.
    mutating func noteMQTTClient(_ connection: Topology.MQTTConnection, owner: String, at mark: Mark?) {
        let use = MQTTClientUse(
            clientID: connection.clientID, host: connection.host, port: connection.port, owner: owner, mark: mark)
        if let other = mqttClients.first(where: {
            ($0.clientID, $0.host, $0.port) == (use.clientID, use.host, use.port)
        }) {
            reader.report(
                .inconsistent, at: mark,
                "MQTT client id '\(use.clientID)' of \(owner) is already used by \(other.owner) (line "
                    + "\(other.mark?.line ?? 0)) at the same broker; a broker lets one client per id connect, "
                    + "so give each its own client_id")
        } else {
            mqttClients.append(use)
        }
    }

    // MARK: - Settings

    /// A connection mapping's type and settings. A named one must give its `type`; an inline one
    /// is of its user's type (`implied`), and a `type` it gives must agree.
    private mutating func connectionSettings(
        _ node: Node, path: String, implied: (type: TransportType, role: TransportRole)?
    ) -> (type: TransportType?, connection: Connection?) {
        guard let mapping = node.mapping else {
            reader.report(.wrongType, at: node.mark, "\(path) must be a mapping, not \(NodeReader.describe(node))")
            return (nil, nil)
        }
        var type = implied?.type
        if let typeNode = mapping.first(where: { $0.key.scalar?.string == "type" })?.value {
            guard let text = reader.string(typeNode, path: "\(path).type") else { return (nil, nil) }
            guard let named = [TransportType.kafka, .mqtt].first(where: { $0.rawValue == text }) else {
                reader.reportUnknownWord(text, at: typeNode.mark, path: "\(path).type", known: ["kafka", "mqtt"])
                return (nil, nil)
            }
            if let implied, named != implied.type {
                reader.report(
                    .inconsistent, at: typeNode.mark,
                    "\(path) is \(named.article) \(named) connection, but \(implied.type.article) \(implied.type) "
                        + "\(implied.role) needs \(implied.type.article) \(implied.type) connection")
                return (nil, nil)
            }
            type = named
        }
        switch type {
        case .kafka: return (.kafka, kafkaSettings(node, path: path).map { .kafka($0) })
        case .mqtt: return (.mqtt, mqttSettings(node, path: path).map { .mqtt($0) })
        default:
            reader.report(
                .missingKey, at: node.mark, "missing required key 'type' in \(path); a connection is kafka or mqtt")
            return (nil, nil)
        }
    }

    /// A Kafka connection's `properties`, which must name `bootstrap.servers` and not `group.id`.
    private mutating func kafkaSettings(_ node: Node, path: String) -> Topology.KafkaConnection? {
        let before = reader.diagnostics.count
        guard let fields = reader.fields(node, path: path, allowed: Self.kafkaKeys, required: ["properties"]),
            let propertiesNode = fields["properties"],
            let pairs = reader.pairs(propertiesNode, path: fields.path("properties"))
        else { return nil }
        var properties: [String: String] = [:]
        for pair in pairs {
            guard pair.key != "group.id" else {
                reader.report(
                    .invalidValue, at: pair.keyMark,
                    "group.id cannot be set in \(fields.path("properties")); a Kafka source names its consumer "
                        + "group with its own group key")
                continue
            }
            properties[pair.key] = reader.secret(pair.value, path: "\(fields.path("properties")).\(pair.key)")
        }
        if !pairs.contains(where: { $0.key == "bootstrap.servers" }) {
            reader.report(
                .missingKey, at: propertiesNode.mark,
                "missing required property 'bootstrap.servers' in \(fields.path("properties")); name the brokers "
                    + "to contact first, e.g. bootstrap.servers: \"kafka-1:9092,kafka-2:9092\"")
        }
        return reader.diagnostics.count == before ? .init(properties: properties) : nil
    }

    /// An MQTT connection's settings, with an empty client id (each user sets its own).
    private mutating func mqttSettings(_ node: Node, path: String) -> Topology.MQTTConnection? {
        let before = reader.diagnostics.count
        guard let fields = reader.fields(node, path: path, allowed: Self.mqttKeys, required: ["host"]) else {
            return nil
        }
        if let node = fields["client_id"] {
            reader.report(
                .invalidValue, at: node.mark,
                "\(fields.path("client_id")) belongs on each source or sink that uses the connection, not on the "
                    + "connection: a broker lets one client per id connect")
        }
        var connection = Topology.MQTTConnection(host: "", clientID: "")
        connection.host = fields["host"].flatMap { reader.string($0, path: fields.path("host")) } ?? ""
        if let node = fields["port"], let port = reader.int(node, path: fields.path("port"), minimum: 1) {
            if port > Self.maxPort {
                reader.report(
                    .invalidValue, at: node.mark, "\(fields.path("port")) must be at most \(Self.maxPort), not \(port)")
            }
            connection.port = port
        }
        connection.username = fields["username"].flatMap { reader.secret($0, path: fields.path("username")) }
        connection.password = fields["password"].flatMap { reader.secret($0, path: fields.path("password")) }
        connection.caFile = filePath(fields, "ca_file")
        connection.certFile = filePath(fields, "cert_file")
        connection.keyFile = filePath(fields, "key_file")
        connection.tlsInsecure =
            fields["tls_insecure"].flatMap { reader.bool($0, path: fields.path("tls_insecure")) }
            ?? false
        if let node = fields["protocol_version"],
            let version = reader.int(node, path: fields.path("protocol_version"), minimum: .min)
        {
            if version != 3 && version != 5 {
                reader.report(
                    .invalidValue, at: node.mark,
                    "\(fields.path("protocol_version")) must be 3 (MQTT 3.1.1) or 5 (MQTT 5), not \(version)")
            }
            connection.protocolVersion = version
        }
        if let node = fields["keepalive"],
            let milliseconds = reader.duration(node, path: fields.path("keepalive"), positive: true)
        {
            if milliseconds % 1_000 != 0 || !Self.keepaliveRange.contains(milliseconds) {
                reader.report(
                    .invalidValue, at: node.mark,
                    "\(fields.path("keepalive")) must be whole seconds from 5s to 65535s, not "
                        + DurationText.text(milliseconds: milliseconds))
            }
            connection.keepaliveSeconds = Int(milliseconds / 1_000)
        }
        checkCredentials(connection, fields)
        return reader.diagnostics.count == before ? connection : nil
    }

    /// Reports settings that need another one left out: a password without a user name, half a
    /// client certificate, TLS options without the CA file that turns TLS on.
    private mutating func checkCredentials(_ connection: Topology.MQTTConnection, _ fields: Fields) {
        let path = fields.path
        if connection.password != nil, connection.username == nil {
            reader.report(
                .inconsistent, at: fields["password"]?.mark,
                "\(path).password needs a username: MQTT sends a password only with a user name")
        }
        if connection.certFile != nil, connection.keyFile == nil {
            reader.report(
                .inconsistent, at: fields["cert_file"]?.mark,
                "\(path).cert_file needs key_file too: the private key of the client certificate")
        }
        if connection.keyFile != nil, connection.certFile == nil {
            reader.report(
                .inconsistent, at: fields["key_file"]?.mark,
                "\(path).key_file needs cert_file too: the client certificate the key belongs to")
        }
        guard connection.caFile == nil else { return }
        for key in ["cert_file", "key_file", "tls_insecure"] {
            guard let node = fields[key], key != "tls_insecure" || connection.tlsInsecure else { continue }
            reader.report(
                .inconsistent, at: node.mark,
                "\(path).\(key) needs ca_file: TLS is on only when ca_file names the CA certificate that "
                    + "verifies the broker")
        }
    }

    /// The absolute path in `key` (a file source's or sink's `path` by default) of `fields`, if present and valid.
    mutating func filePath(_ fields: Fields, _ key: String = "path") -> String? {
        fields[key].flatMap { reader.string($0, path: fields.path(key)) }.map { reader.absolutePath($0) }
    }
}
