import DriftlineCore
import DriftlineEngine
import Testing

@Suite struct TopologyConnectionTests {
    /// Every connection, Kafka and MQTT key, named and inline; loaded as `t.yaml` in `/plant/topologies`.
    static let yaml = """
        name: plant
        windows: {size: 1m}
        keys: [[line, device]]
        connections:
          k:
            type: kafka
            properties:
              bootstrap.servers: "b1:9092,b2:9092"
              security.protocol: SASL_SSL
              sasl.mechanisms: PLAIN
              fetch.max.bytes: 1048576
              enable.partition.eof: false
          m:
            type: mqtt
            host: broker.local
            port: 8883
            username: u
            password: p
            ca_file: certs/ca.pem
            cert_file: /etc/c.pem
            key_file: ../keys/c.key
            tls_insecure: true
            protocol_version: 5
            keepalive: 2m
        sources:
          - {name: central, type: kafka, connection: k, topics: [inference, labels], group: g1}
          - name: pattern
            type: kafka
            connection: {properties: {bootstrap.servers: "x:1"}}
            topics: ["^plant\\\\..*"]
          - name: line3
            type: mqtt
            connection: m
            client_id: l3
            topics: ["plant/{line}/{device}/inference", "lab/+/#"]
          - {name: edge, type: mqtt, connection: {host: 127.0.0.1}, topics: ["{model}/{version}/x"], kind: inference}
        sinks:
          results: {type: kafka, connection: k, topic: driftline.windows}
          alerts: {type: mqtt, connection: m, topic: plant/alerts, status_prefix: plant/status}
          retrain: {type: kafka, connection: {type: kafka, properties: {bootstrap.servers: "r:9092"}}, topic: retrain}
          dead_letter: {type: mqtt, connection: m, client_id: dl, topic: plant/dead}
        """

    static let kafka = Topology.KafkaConnection(properties: [
        "bootstrap.servers": "b1:9092,b2:9092", "security.protocol": "SASL_SSL", "sasl.mechanisms": "PLAIN",
        "fetch.max.bytes": "1048576", "enable.partition.eof": "false",
    ])

    /// `m` with `clientID`; relative paths resolved against /plant/topologies, 2m = 120 s.
    static func broker(clientID: String) -> Topology.MQTTConnection {
        Topology.MQTTConnection(
            host: "broker.local", port: 8883, clientID: clientID, username: "u", password: "p",
            caFile: "/plant/topologies/certs/ca.pem", certFile: "/etc/c.pem", keyFile: "/plant/keys/c.key",
            tlsInsecure: true, protocolVersion: 5, keepaliveSeconds: 120)
    }

    @Test func kafkaAndMQTTSourcesParseToTheirValues() throws {
        let topology = try loadTopology(Self.yaml)
        let mapping = FieldMapping(segmentDimensions: ["device", "line"])
        var inference = mapping
        inference.fixedKind = .inference
        #expect(
            topology.sources == [
                .init(
                    name: "central",
                    transport: .kafka(.init(connection: Self.kafka, topics: ["inference", "labels"], group: "g1")),
                    mapping: mapping),
                .init(
                    name: "pattern",
                    transport: .kafka(
                        .init(
                            connection: .init(properties: ["bootstrap.servers": "x:1"]), topics: ["^plant\\..*"],
                            group: "driftline-plant")),
                    mapping: mapping),
                .init(
                    name: "line3",
                    transport: .mqtt(
                        .init(
                            connection: Self.broker(clientID: "l3"),
                            topics: ["plant/{line}/{device}/inference", "lab/+/#"])),
                    mapping: mapping),
                .init(
                    name: "edge",
                    transport: .mqtt(
                        .init(
                            connection: .init(host: "127.0.0.1", clientID: "driftline-plant-edge"),
                            topics: ["{model}/{version}/x"])),
                    fixedKind: .inference, mapping: inference),
            ])
    }

    @Test func mqttConnectionDefaultsAreTheDocumentedOnes() {
        let connection = Topology.MQTTConnection(host: "h", clientID: "c")
        #expect(connection.port == 1883)
        #expect(connection.protocolVersion == 3)
        #expect(connection.keepaliveSeconds == 30)
        #expect(connection.tlsInsecure == false)
        #expect(
            [connection.username, connection.password, connection.caFile, connection.certFile, connection.keyFile]
                == [nil, nil, nil, nil, nil])
    }

    @Test func kafkaAndMQTTSinksParseToTheirValues() throws {
        let topology = try loadTopology(Self.yaml)
        #expect(topology.sinks.results == .kafka(topic: "driftline.windows", connection: Self.kafka))
        #expect(
            topology.sinks.alerts
                == [
                    .mqtt(
                        topic: "plant/alerts", connection: Self.broker(clientID: "driftline-plant-alerts"),
                        statusPrefix: "plant/status")
                ])
        #expect(
            topology.sinks.retrain
                == [.kafka(topic: "retrain", connection: .init(properties: ["bootstrap.servers": "r:9092"]))])
        #expect(
            topology.sinks.deadLetter
                == .mqtt(topic: "plant/dead", connection: Self.broker(clientID: "dl"), statusPrefix: nil))
    }

    @Test func placeholdersAreListedPerTemplateInOrder() throws {
        let topology = try loadTopology(Self.yaml)
        guard case .mqtt(let line3) = topology.sources[2].transport,
            case .mqtt(let edge) = topology.sources[3].transport
        else {
            Issue.record("expected MQTT sources, got \(topology.sources)")
            return
        }
        #expect(line3.placeholders == [["line", "device"], []])
        #expect(edge.placeholders == [["model", "version"]])
    }

    @Test func aSharedConnectionGivesEachMQTTUserItsOwnDefaultClientID() throws {
        let topology = try loadTopology(
            """
            name: t
            windows: {size: 1m}
            connections: {m: {type: mqtt, host: h}}
            sources: [{name: a, type: mqtt, connection: m, topics: [x]}]
            sinks:
              results: {type: mqtt, connection: m, topic: r}
              alerts: {type: mqtt, connection: m, topic: a}
              dead_letter: {type: stdout}
            """)
        guard case .mqtt(let source) = topology.sources[0].transport,
            case .mqtt(_, let results, _) = topology.sinks.results,
            case .mqtt(_, let alerts, _) = topology.sinks.alerts.first
        else {
            Issue.record("expected MQTT source and sinks, got \(topology)")
            return
        }
        #expect(
            [source.connection.clientID, results.clientID, alerts.clientID]
                == ["driftline-t-a", "driftline-t-results", "driftline-t-alerts"])
    }
}
