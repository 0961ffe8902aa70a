import DriftlineEngine
import Testing

/// Each case puts one mistake about connections, Kafka or MQTT into an otherwise valid six-line
/// topology; columns were counted on the unwrapped line shown (1-based, in characters).
@Suite struct TopologyConnectionErrorTests {
    static let lines = [
        "name: t",
        "windows: {size: 5m}",
        "keys: [[line]]",
        "connections: {plant-kafka: {type: kafka, properties: {bootstrap.servers: \"b:9092\"}}, "
            + "line-broker: {type: mqtt, host: h}}",
        "sources: [{name: s, type: kafka, connection: plant-kafka, topics: [a]}]",
        "sinks: {results: {type: stdout}, alerts: {type: stdout}, dead_letter: {type: stdout}}",
    ]

    /// The valid topology with `replacement` swapped in for the line with the same top-level key.
    static func yaml(_ replacement: String) -> String {
        let key = replacement.prefix { $0 != ":" }
        var lines = lines
        lines[lines.firstIndex { $0.hasPrefix(key + ":") }!] = replacement
        return lines.joined(separator: "\n")
    }

    static let cases: [(yaml: String, code: TopologyError.Code, line: Int, column: Int, message: String)] = [
        (  // `plant-kafak` at column 46 of line 5
            yaml("sources: [{name: s, type: kafka, connection: plant-kafak, topics: [a]}]"), .invalidValue, 5, 46,
            "unknown connection 'plant-kafak' for sources[0].connection; did you mean 'plant-kafka'? "
                + "(defined: line-broker, plant-kafka)"
        ),
        (  // `edge` at column 46 of line 5
            yaml("sources: [{name: s, type: kafka, connection: edge, topics: [a]}]"), .invalidValue, 5, 46,
            "unknown connection 'edge' for sources[0].connection; defined: line-broker, plant-kafka"
        ),
        (  // `plant-kafka` at column 45 of line 5
            yaml("sources: [{name: s, type: mqtt, connection: plant-kafka, topics: [a]}]"), .inconsistent, 5, 45,
            "connection 'plant-kafka' (line 4) is a kafka connection, but an mqtt source needs an mqtt "
                + "connection"
        ),
        (  // `mqtt` at column 51 of line 6
            yaml(
                "sinks: {results: {type: kafka, connection: {type: mqtt, host: h}, topic: t}, alerts: "
                    + "{type: stdout}, dead_letter: {type: stdout}}"), .inconsistent, 6, 51,
            "sinks.results.connection is an mqtt connection, but a kafka sink needs a kafka connection"
        ),
        (  // `[plant-kafka]` at column 46 of line 5
            yaml("sources: [{name: s, type: kafka, connection: [plant-kafka], topics: [a]}]"), .wrongType, 5, 46,
            "sources[0].connection must name an entry of connections or be a connection mapping, not a list"
        ),
        (  // `{client.id` at column 54 of line 4
            yaml("connections: {plant-kafka: {type: kafka, properties: {client.id: x}}}"), .missingKey, 4, 54,
            "missing required property 'bootstrap.servers' in connections.plant-kafka.properties; name the "
                + "brokers to contact first, e.g. bootstrap.servers: \"kafka-1:9092,kafka-2:9092\""
        ),
        (  // `group.id` at column 77 of line 4
            yaml(
                "connections: {plant-kafka: {type: kafka, properties: {bootstrap.servers: b, group.id: "
                    + "g}}}"), .invalidValue, 4, 77,
            "group.id cannot be set in connections.plant-kafka.properties; a Kafka source names its consumer "
                + "group with its own group key"
        ),
        (  // `amqp` at column 35 of line 4
            yaml("connections: {plant-kafka: {type: amqp, properties: {bootstrap.servers: b}}}"), .invalidValue, 4, 35,
            "unknown value 'amqp' for connections.plant-kafka.type; expected one of: kafka, mqtt"
        ),
        (  // `{properties` at column 28 of line 4
            yaml("connections: {plant-kafka: {properties: {bootstrap.servers: b}}}"), .missingKey, 4, 28,
            "missing required key 'type' in connections.plant-kafka; a connection is kafka or mqtt"
        ),
        (  // `[]` at column 67 of line 5
            yaml("sources: [{name: s, type: kafka, connection: plant-kafka, topics: []}]"), .invalidValue, 5, 67,
            "sources[0].topics must list at least one topic"
        ),
        (  // `"^b` at column 71 of line 5
            yaml("sources: [{name: s, type: kafka, connection: plant-kafka, topics: [a, \"^b.*\"]}]"),
            .inconsistent, 5, 71,
            "sources[0].topics[1] '^b.*' is a regex subscription, which must be the only entry in "
                + "sources[0].topics; list topic names or one regex starting with '^'"
        ),
        (  // `a b` at column 68 of line 5
            yaml("sources: [{name: s, type: kafka, connection: plant-kafka, topics: [a b]}]"), .invalidValue, 5, 68,
            "Kafka topic 'a b' in sources[0].topics[0] may hold only ASCII letters, digits, '.', '_' and '-'"
        ),
        (  // `a]` at column 71 of line 5
            yaml("sources: [{name: s, type: kafka, connection: plant-kafka, topics: [a, a]}]"), .duplicateName, 5, 71,
            "topic 'a' appears twice in sources[0].topics (first on line 5)"
        ),
        (  // `"a/` at column 67 of line 5
            yaml("sources: [{name: s, type: mqtt, connection: line-broker, topics: [\"a/{line\"]}]"),
            .invalidValue, 5, 67,
            "invalid MQTT topic template in sources[0].topics[0]: level 2 '{line' of topic template 'a/{line' mixes a placeholder or wildcard with other characters; '{name}', '+' and '#' must fill a whole level"
        ),
        (  // `"a/` at column 67 of line 5
            yaml("sources: [{name: s, type: mqtt, connection: line-broker, topics: [\"a/}line{\"]}]"),
            .invalidValue, 5, 67,
            "invalid MQTT topic template in sources[0].topics[0]: level 2 '}line{' of topic template 'a/}line{' mixes a placeholder or wildcard with other characters; '{name}', '+' and '#' must fill a whole level"
        ),
        (  // `"a/` at column 67 of line 5
            yaml("sources: [{name: s, type: mqtt, connection: line-broker, topics: [\"a/{}/b\"]}]"),
            .invalidValue, 5, 67,
            "invalid MQTT topic template in sources[0].topics[0]: placeholder '{}' at level 2 of topic template 'a/{}/b' needs a name of letters, digits and '_' that does not start with a digit"
        ),
        (  // `"a/` at column 67 of line 5
            yaml("sources: [{name: s, type: mqtt, connection: line-broker, topics: [\"a/#/b\"]}]"),
            .invalidValue, 5, 67,
            "invalid MQTT topic template in sources[0].topics[0]: '#' must be the last level of topic template 'a/#/b' (it is level 2)"
        ),
        (  // `"a/` at column 67 of line 5
            yaml("sources: [{name: s, type: mqtt, connection: line-broker, topics: [\"a/{line}+\"]}]"),
            .invalidValue, 5, 67,
            "invalid MQTT topic template in sources[0].topics[0]: level 2 '{line}+' of topic template 'a/{line}+' mixes a placeholder or wildcard with other characters; '{name}', '+' and '#' must fill a whole level"
        ),
        (  // `"a/` at column 67 of line 5
            yaml("sources: [{name: s, type: mqtt, connection: line-broker, topics: [\"a/{+}\"]}]"),
            .invalidValue, 5, 67,
            "invalid MQTT topic template in sources[0].topics[0]: level 2 '{+}' of topic template 'a/{+}' mixes a placeholder or wildcard with other characters; '{name}', '+' and '#' must fill a whole level"
        ),
        (  // `"a/` at column 67 of line 5
            yaml("sources: [{name: s, type: mqtt, connection: line-broker, topics: [\"a/x{line}\"]}]"),
            .invalidValue, 5, 67,
            "invalid MQTT topic template in sources[0].topics[0]: level 2 'x{line}' of topic template 'a/x{line}' mixes a placeholder or wildcard with other characters; '{name}', '+' and '#' must fill a whole level"
        ),
        (  // `"a/` at column 67 of line 5
            yaml("sources: [{name: s, type: mqtt, connection: line-broker, topics: [\"a/b+\"]}]"), .invalidValue, 5, 67,
            "invalid MQTT topic template in sources[0].topics[0]: level 2 'b+' of topic template 'a/b+' mixes a placeholder or wildcard with other characters; '{name}', '+' and '#' must fill a whole level"
        ),
        (  // `"{` at column 67 of line 5
            yaml("sources: [{name: s, type: mqtt, connection: line-broker, topics: [\"{line}/{line}\"]}]"),
            .invalidValue, 5, 67,
            "invalid MQTT topic template in sources[0].topics[0]: placeholder {line} appears twice in topic template '{line}/{line}'"
        ),
        (  // `"{` at column 67 of line 5
            yaml("sources: [{name: s, type: mqtt, connection: line-broker, topics: [\"{lin}/x\"]}]"),
            .invalidValue, 5, 67,
            "placeholder {lin} in sources[0].topics[0] is neither a dimension used in keys nor model or "
                + "version; did you mean 'line'? (allowed: line, model, version)"
        ),
        (  // `"{` at column 67 of line 5
            yaml("sources: [{name: s, type: mqtt, connection: line-broker, topics: [\"{site}/x\"]}]"),
            .invalidValue, 5, 67,
            "placeholder {site} in sources[0].topics[0] is neither a dimension used in keys nor model or "
                + "version; allowed: line, model, version"
        ),
        (  // `70000` at column 120 of line 4
            yaml(
                "connections: {plant-kafka: {type: kafka, properties: {bootstrap.servers: b}}, "
                    + "line-broker: {type: mqtt, host: h, port: 70000}}"), .invalidValue, 4, 120,
            "connections.line-broker.port must be at most 65535, not 70000"
        ),
        (  // `0}` at column 120 of line 4
            yaml(
                "connections: {plant-kafka: {type: kafka, properties: {bootstrap.servers: b}}, "
                    + "line-broker: {type: mqtt, host: h, port: 0}}"), .invalidValue, 4, 120,
            "connections.line-broker.port must be at least 1, not 0"
        ),
        (  // `4}` at column 132 of line 4
            yaml(
                "connections: {plant-kafka: {type: kafka, properties: {bootstrap.servers: b}}, "
                    + "line-broker: {type: mqtt, host: h, protocol_version: 4}}"), .invalidValue, 4, 132,
            "connections.line-broker.protocol_version must be 3 (MQTT 3.1.1) or 5 (MQTT 5), not 4"
        ),
        (  // `2500ms` at column 125 of line 4
            yaml(
                "connections: {plant-kafka: {type: kafka, properties: {bootstrap.servers: b}}, "
                    + "line-broker: {type: mqtt, host: h, keepalive: 2500ms}}"), .invalidValue, 4, 125,
            "connections.line-broker.keepalive must be whole seconds from 5s to 65535s, not 2500ms"
        ),
        (  // `c.pem` at column 142 of line 4
            yaml(
                "connections: {plant-kafka: {type: kafka, properties: {bootstrap.servers: b}}, "
                    + "line-broker: {type: mqtt, host: h, ca_file: ca.pem, cert_file: c.pem}}"), .inconsistent, 4, 142,
            "connections.line-broker.cert_file needs key_file too: the private key of the client certificate"
        ),
        (  // `k.pem` at column 141 of line 4
            yaml(
                "connections: {plant-kafka: {type: kafka, properties: {bootstrap.servers: b}}, "
                    + "line-broker: {type: mqtt, host: h, ca_file: ca.pem, key_file: k.pem}}"), .inconsistent, 4, 141,
            "connections.line-broker.key_file needs cert_file too: the client certificate the key belongs to"
        ),
        (  // `true` at column 128 of line 4
            yaml(
                "connections: {plant-kafka: {type: kafka, properties: {bootstrap.servers: b}}, "
                    + "line-broker: {type: mqtt, host: h, tls_insecure: true}}"), .inconsistent, 4, 128,
            "connections.line-broker.tls_insecure needs ca_file: TLS is on only when ca_file names the CA "
                + "certificate that verifies the broker"
        ),
        (  // `p}` at column 124 of line 4
            yaml(
                "connections: {plant-kafka: {type: kafka, properties: {bootstrap.servers: b}}, "
                    + "line-broker: {type: mqtt, host: h, password: p}}"), .inconsistent, 4, 124,
            "connections.line-broker.password needs a username: MQTT sends a password only with a user name"
        ),
        (  // `c}` at column 125 of line 4
            yaml(
                "connections: {plant-kafka: {type: kafka, properties: {bootstrap.servers: b}}, "
                    + "line-broker: {type: mqtt, host: h, client_id: c}}"), .invalidValue, 4, 125,
            "connections.line-broker.client_id belongs on each source or sink that uses the connection, not "
                + "on the connection: a broker lets one client per id connect"
        ),
        (  // `a/+` at column 63 of line 6
            yaml(
                "sinks: {results: {type: mqtt, connection: line-broker, topic: a/+}, alerts: {type: "
                    + "stdout}, dead_letter: {type: stdout}}"), .invalidValue, 6, 63,
            "sinks.results.topic 'a/+' is a topic to publish to and cannot hold the wildcards + or #"
        ),
        (  // `s/#` at column 81 of line 6
            yaml(
                "sinks: {results: {type: mqtt, connection: line-broker, topic: a, status_prefix: s/#}, "
                    + "alerts: {type: stdout}, dead_letter: {type: stdout}}"), .invalidValue, 6, 81,
            "sinks.results.status_prefix 's/#' is a topic to publish to and cannot hold the wildcards + or #"
        ),
        (  // `{type: kafka` at column 18 of line 6
            yaml(
                "sinks: {results: {type: kafka, connection: plant-kafka}, alerts: {type: stdout}, "
                    + "dead_letter: {type: stdout}}"), .missingKey, 6, 18,
            "missing required key 'topic' in sinks.results; a kafka sink needs one"
        ),
        (  // `a/b` at column 64 of line 6
            yaml(
                "sinks: {results: {type: kafka, connection: plant-kafka, topic: a/b}, alerts: {type: "
                    + "stdout}, dead_letter: {type: stdout}}"), .invalidValue, 6, 64,
            "Kafka topic 'a/b' in sinks.results.topic may hold only ASCII letters, digits, '.', '_' and '-'"
        ),
        (  // `webhook` at column 25 of line 6
            yaml(
                "sinks: {results: {type: webhook, url: 'http://h/'}, alerts: {type: stdout}, dead_letter: {type: stdout}}"
            ),
            .invalidValue, 6, 25,
            "sinks.results cannot be a webhook sink: webhook sinks take only alerts and retraining triggers; use it "
                + "under sinks.alerts or sinks.retrain"
        ),
        (  // `alertmanager` at column 66 of line 6
            yaml(
                "sinks: {results: {type: stdout}, alerts: [{type: stdout}, {type: alertmanager, url: 'http://am:9093'}], "
                    + "dead_letter: {type: stdout}}"), .inconsistent, 6, 66,
            "sinks.alerts[1] is an alertmanager sink, which delivers through the history store's outbox so that a "
                + "receiver that is down loses nothing; add a store section (store: {path: history.db})"
        ),
        (  // `[a]` at column 50 of line 5
            yaml("sources: [{name: s, type: file, path: x, topics: [a]}]"), .invalidValue, 5, 50,
            "sources[0].topics is only for kafka and mqtt sources; remove it or use type: kafka or mqtt"
        ),
        (  // `g}` at column 78 of line 5
            yaml("sources: [{name: s, type: mqtt, connection: line-broker, topics: [a], group: g}]"),
            .invalidValue, 5, 78,
            "sources[0].group is only for kafka sources; remove it or use type: kafka"
        ),
        (  // `c, topics: [y]` at column 144 of line 5
            yaml(
                "sources: [{name: s, type: mqtt, connection: line-broker, client_id: c, topics: [x]}, "
                    + "{name: u, type: mqtt, connection: line-broker, client_id: c, topics: [y]}]"),
            .inconsistent, 5, 144,
            "MQTT client id 'c' of sources[1] is already used by sources[0] (line 5) at the same broker; a "
                + "broker lets one client per id connect, so give each its own client_id"
        ),

    ]

    @Test func theBaseTopologyIsValid() throws {
        let topology = try loadTopology(Self.lines.joined(separator: "\n"))
        #expect(topology.sources.map(\.name) == ["s"])
    }

    @Test(arguments: cases.indices)
    func reportsTheMistakeWhereItIs(index: Int) {
        let (yaml, code, line, column, message) = Self.cases[index]
        let diagnostics = topologyDiagnostics(yaml)
        #expect(
            diagnostics == [.init(code: code, file: "t.yaml", line: line, column: column, message: message)],
            "\(yaml)")
    }
}
