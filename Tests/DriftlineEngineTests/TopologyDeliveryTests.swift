import DriftlineCore
import DriftlineEngine
import DriftlineStore
import Testing

/// `sinks.alerts` as one sink or a list, with Alertmanager and webhook sinks.
@Suite struct TopologyDeliveryTests {
    static func yaml(alerts: String, retrain: String? = nil, store: Bool = true) -> String {
        """
        name: t
        windows: {size: 5m}
        sources: [{name: s, type: stdin}]
        sinks:
          results: {type: stdout}
          alerts: \(alerts)
        \(retrain.map { "  retrain: \($0)" } ?? "")
          dead_letter: {type: stdout}
        \(store ? "store: {path: history.db}" : "")
        """
    }

    @Test func aListOfAlertSinksParsesWithDefaultsAndRetrainSkipsAlertmanager() throws {
        let topology = try loadTopology(
            Self.yaml(
                alerts: """
                    [{type: file, path: a.ndjson}, {type: alertmanager, url: 'http://am:9093'},
                              {type: webhook, url: 'https://hooks.plant/driftline', headers: {Authorization: Bearer x},
                               timeout: 2s}]
                    """))
        let manager = DeliveryTarget(url: "http://am:9093", kind: .alertmanager(repostIntervalMs: 60_000))
        let hook = DeliveryTarget(
            url: "https://hooks.plant/driftline", kind: .webhook(headers: ["Authorization": "Bearer x"]),
            timeoutMs: 2_000)
        #expect(
            topology.sinks.alerts == [.file(path: "/plant/topologies/a.ndjson"), .delivery(manager), .delivery(hook)])
        #expect(topology.sinks.retrain == [.file(path: "/plant/topologies/a.ndjson"), .delivery(hook)])
        #expect(topology.sinks.deliveryTargets == [manager, hook])
        #expect(
            topology.sinks.outbox
                == OutboxRoutes(alerts: [manager.name, hook.name], triggers: ["webhook https://hooks.plant/driftline"]))
    }

    @Test func oneAlertmanagerSinkTakesItsRepostIntervalAndTimeout() throws {
        let topology = try loadTopology(
            Self.yaml(
                alerts: "{type: alertmanager, url: 'http://127.0.0.1:9093/', repost_interval: 30s, timeout: 1s}",
                retrain: "{type: stdout}"))
        #expect(
            topology.sinks.alerts == [
                .delivery(
                    DeliveryTarget(
                        url: "http://127.0.0.1:9093/", kind: .alertmanager(repostIntervalMs: 30_000), timeoutMs: 1_000))
            ])
        #expect(topology.sinks.retrain == [.stdout])
    }

    @Test(
        arguments: [
            (
                yaml(alerts: "{type: alertmanager, url: 'http://am:9093'}", store: false),
                TopologyError.Code.inconsistent,
                6, 18,
                "sinks.alerts is an alertmanager sink, which delivers through the history store's outbox so that a "
                    + "receiver that is down loses nothing; add a store section (store: {path: history.db})"
            ),
            (
                yaml(alerts: "{type: webhook, url: 'ftp://x/'}"), .invalidValue, 6, 32,
                "sinks.alerts.url 'ftp://x/' is not an http or https URL with a host (like http://alertmanager:9093)"
            ),
            (
                yaml(alerts: "{type: webhook, url: 'http://h/', timeout: soon}"), .invalidDuration, 6, 54, nil
            ),
            (
                yaml(alerts: "{type: stdout}", retrain: "{type: alertmanager, url: 'http://am:9093'}"), .invalidValue,
                7, 19,
                "sinks.retrain cannot be an alertmanager sink: alertmanager sinks take only alerts; use it under "
                    + "sinks.alerts"
            ),
            (
                yaml(alerts: "[{type: stdout}, {type: stdout}]"), .duplicateName, 6, 28,
                "sinks.alerts[1] names the same sink as an earlier entry"
            ),
            (
                yaml(alerts: "{type: webhook, url: 'http://h/', repost_interval: 1m}"), .invalidValue, 6, 62,
                "sinks.alerts.repost_interval is only for alertmanager sinks; remove it or use type: alertmanager"
            ),
            (
                yaml(alerts: "[]"), .invalidValue, 6, 11, "sinks.alerts must list at least one sink"
            ),
        ] as [(String, TopologyError.Code, Int, Int, String?)])
    func mistakesAreReportedWhereTheyAre(
        yaml: String, code: TopologyError.Code, line: Int, column: Int, message: String?
    ) {
        let diagnostics = topologyDiagnostics(yaml)
        #expect(diagnostics.count == 1, "\(diagnostics)")
        #expect(diagnostics.first?.code == code)
        #expect(diagnostics.first.map { [$0.line, $0.column] } == [line, column])
        if let message { #expect(diagnostics.first?.message == message) }
    }
}
