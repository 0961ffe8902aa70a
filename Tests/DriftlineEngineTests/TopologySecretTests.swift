import DriftlineEngine
import Foundation
import Testing

/// Secrets (`${env:NAME}`, `${file:PATH}`) in Kafka properties, MQTT credentials and webhook
/// headers: resolved at load time, and never written into a diagnostic.
@Suite struct TopologySecretTests {
    static func yaml(kafkaPassword: String, mqttPassword: String) -> String {
        """
        name: t
        windows: {size: 1m}
        connections:
          k: {type: kafka, properties: {bootstrap.servers: "b:9092", sasl.password: "\(kafkaPassword)"}}
          m: {type: mqtt, host: h, username: driftline, password: "\(mqttPassword)"}
        sources:
          - {name: a, type: kafka, connection: k, topics: [x], group: g}
          - {name: b, type: mqtt, connection: m, topics: [y]}
        sinks: {results: {type: stdout}, alerts: {type: stdout}, dead_letter: {type: stdout}}
        """
    }

    @Test func environmentVariablesAndFilesGiveTheValues() throws {
        let variable = "DRIFTLINE_TEST_SECRET_\(UUID().uuidString.prefix(8))"
        setenv(variable, "kafka-s3cret", 1)
        defer { unsetenv(variable) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // A file written by `echo`: its one trailing line break is not part of the password.
        try Data("mqtt s3cret\n".utf8).write(to: directory.appendingPathComponent("mqtt.password"))
        let topology = try TopologyLoader.load(
            yaml: Self.yaml(kafkaPassword: "${env:\(variable)}", mqttPassword: "${file:mqtt.password}"),
            file: "t.yaml", baseDirectory: directory.path)
        guard case .kafka(let kafka) = topology.sources[0].transport,
            case .mqtt(let mqtt) = topology.sources[1].transport
        else {
            Issue.record("expected a Kafka and an MQTT source, got \(topology)")
            return
        }
        #expect(kafka.connection.properties["sasl.password"] == "kafka-s3cret")
        #expect(mqtt.connection.password == "mqtt s3cret")
    }

    @Test func aSecretThatResolvesToNothingIsReportedWhereItIsWrittenWithoutAValue() throws {
        let present = "DRIFTLINE_TEST_SECRET_\(UUID().uuidString.prefix(8))"
        setenv(present, "never-shown", 1)
        defer { unsetenv(present) }
        let diagnostics = topologyDiagnostics(
            Self.yaml(kafkaPassword: "${env:DRIFTLINE_TEST_UNSET_VARIABLE}", mqttPassword: "${file:missing.txt}")
                + "\nrules: {psi_high: {threshold: \"${env:\(present)}\"}}")
        let secrets = diagnostics.filter { $0.code == .missingSecret }
        #expect(
            secrets.map(\.description) == [
                "t.yaml:4:77: error: connections.k.properties.sasl.password takes its value from the environment "
                    + "variable DRIFTLINE_TEST_UNSET_VARIABLE, which is not set",
                "t.yaml:5:59: error: connections.m.password takes its value from "
                    + "'/plant/topologies/missing.txt', which cannot be read",
            ])
        #expect(!diagnostics.contains { $0.message.contains("never-shown") })
    }

    @Test func anUnknownKindOfReferenceIsRefused() {
        let diagnostics = topologyDiagnostics(Self.yaml(kafkaPassword: "${vault:kafka}", mqttPassword: "p"))
        #expect(
            diagnostics.map(\.message) == [
                "connections.k.properties.sasl.password refers to '${vault:…}'; a secret is written ${env:NAME} or "
                    + "${file:PATH}"
            ])
    }
}
