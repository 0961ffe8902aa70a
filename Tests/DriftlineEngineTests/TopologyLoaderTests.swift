import DriftlineCore
import DriftlineEngine
import DriftlineStore
import Foundation
import Testing

@Suite struct TopologyLoaderTests {
    /// The smallest valid topology: everything optional left out.
    static let minimal = """
        name: m
        windows: {size: 1m}
        sources: [{name: s, type: stdin}]
        sinks: {results: {type: stdout}, alerts: {type: stdout}, dead_letter: {type: stdout}}
        """

    @Test func leftOutSectionsTakeTheDocumentedDefaults() throws {
        let topology = try loadTopology(Self.minimal)
        #expect(topology.name == "m")
        #expect(topology.time.mode == .event)
        #expect(topology.time.outOfOrdernessMs == 5_000)
        #expect(topology.time.allowedLatenessMs == 0)
        #expect(topology.time.idleTimeoutMs == 30_000)
        #expect(topology.windows == WindowSpec(size: 60_000, hop: 60_000))
        #expect(topology.keys == [[]])
        #expect(topology.segmentDimensions == [])
        #expect(topology.labels.waitMs == 600_000)  // 10 minutes
        #expect(topology.labels.maxPending == 1_000_000)
        #expect(topology.limits == Topology.LimitSettings(maxKeys: 100_000, maxFeatures: 256))
        #expect(topology.processorSettings.maxKeys == 100_000 && topology.processorSettings.maxFeatures == 256)
        #expect(topology.baselinePaths == [])
        #expect(topology.latencyBudgetMs == 100)
        #expect(topology.sources == [.init(name: "s", transport: .stdin, mapping: .contract(segmentDimensions: []))])
        #expect(topology.sinks.results == .stdout)
        #expect(topology.sinks.retrain == [.stdout])
        #expect(topology.rules == RuleSpec.defaults)
    }

    @Test func timeGuardsTakeTheirDefaultsOrTheGivenDurations() throws {
        let defaults = try loadTopology(Self.minimal).processorSettings
        #expect(defaults.maxFuture == 900_000 && defaults.maxJump == 3_600_000 && defaults.advancesWhenIdle)
        let given = try loadTopology(Self.minimal + "\ntime: {max_future: 2m, max_jump: 30m}").processorSettings
        #expect(given.maxFuture == 120_000 && given.maxJump == 1_800_000)
    }

    /// Inline labels need no wait: `labels.wait: 0s` is valid, as `replay --label-wait 0s` is.
    @Test func aZeroLabelWaitIsAccepted() throws {
        let topology = try loadTopology(Self.minimal + "\nlabels: {wait: 0s}")
        #expect(topology.labels.waitMs == 0)
        #expect(topology.processorSettings.labelWait == 0)
    }

    @Test func everySchemaFeatureParsesToItsValue() throws {
        let topology = try loadTopology(
            """
            name: weld-line-3
            time:
              mode: processing
              out_of_orderness: 2s
              allowed_lateness: 1m
              idle_timeout: 45s
            windows:
              size: 5m
              hop: 1m
            keys:
              - []
              - [line]
              - [line, device]
            labels:
              wait: 2m
              max_pending: 1_000
            baselines:
              - baselines/
              - /srv/baselines/extra.json
            latency:
              budget_ms: 80
            sources:
              - name: plant-events
                type: file
                path: data/../data/./events.ndjson
                kind: inference
                mapping:
                  type: label
                  model: /meta/model_id
                  version: "3.2.0"
                  ts: "@record_time"
                  latency_ms: /timing/infer_ms
                  score: null
                  host: {const: "/edge"}
                  features: /in~1puts
                  segment_fields:
                    line: /meta/line
                    device: cam-07
              - name: labels-in
                type: stdin
            sinks:
              results: {type: file, path: ../out/windows.ndjson}
              alerts: {type: stdout}
              dead_letter: {type: file, path: /var/dl.ndjson}
            rules:
              - name: missing_inputs
                metric: missing_rate
                direction: below
                threshold: 0.05
                resolve_threshold: 0.07
                sustain: 2
                min_samples: 0
                severity: info
                retrain: true
            """)
        #expect(topology.name == "weld-line-3")
        #expect(
            topology.time
                == .init(mode: .processing, outOfOrdernessMs: 2_000, allowedLatenessMs: 60_000, idleTimeoutMs: 45_000))
        #expect(topology.windows == WindowSpec(size: 300_000, hop: 60_000))
        #expect(topology.keys == [[], ["line"], ["line", "device"]])
        #expect(topology.segmentDimensions == ["device", "line"])
        #expect(topology.labels == .init(waitMs: 120_000, maxPending: 1_000))
        #expect(topology.baselinePaths == ["/plant/topologies/baselines", "/srv/baselines/extra.json"])
        #expect(topology.latencyBudgetMs == 80)

        var mapping = FieldMapping(segmentDimensions: ["device", "line"])
        mapping.fixedKind = .inference
        mapping.kind = .constant("label")
        mapping.model = .pointer("/meta/model_id")
        mapping.version = .constant("3.2.0")
        mapping.timestamp = .recordTime
        mapping.latencyMs = .pointer("/timing/infer_ms")
        mapping.score = nil
        mapping.host = .constant("/edge")
        mapping.features = .pointer("/in~1puts")
        mapping.segmentFields = ["line": .pointer("/meta/line"), "device": .constant("cam-07")]
        #expect(
            topology.sources == [
                .init(
                    name: "plant-events", transport: .file(path: "/plant/topologies/data/events.ndjson"),
                    fixedKind: .inference, mapping: mapping),
                .init(
                    name: "labels-in", transport: .stdin, mapping: FieldMapping(segmentDimensions: ["device", "line"])),
            ])
        #expect(
            topology.sinks
                == .init(
                    results: .file(path: "/plant/out/windows.ndjson"), alerts: [.stdout], retrain: [.stdout],
                    deadLetter: .file(path: "/var/dl.ndjson")))
        #expect(
            topology.rules == [
                RuleSpec(
                    name: "missing_inputs", metric: .missingRate(.all), op: .less, threshold: 0.05,
                    resolveThreshold: 0.07, sustain: 2, minSamples: 0, severity: "info", retrain: true)
            ])
    }

    @Test func limitsBoundKeysAndFeatures() throws {
        let topology = try loadTopology(Self.minimal + "\nlimits: {max_keys: 20_000, max_features: 64}")
        #expect(topology.limits == Topology.LimitSettings(maxKeys: 20_000, maxFeatures: 64))
        #expect(topology.processorSettings.maxKeys == 20_000 && topology.processorSettings.maxFeatures == 64)
    }

    @Test func theStorePathIsResolvedAgainstTheTopologysDirectory() throws {
        #expect(try loadTopology(Self.minimal).store == nil)
        let relative = try loadTopology(Self.minimal + "\nstore: {path: ../history/h.db}")
        // A topology's run carries on from the rule states its store kept (a replay's starts afresh).
        #expect(relative.store == Topology.StoreSpec(path: "/plant/history/h.db", resumesRules: true))
        let absolute = try loadTopology(Self.minimal + "\nstore: {path: /var/lib/driftline/h.db}")
        #expect(absolute.store?.path == "/var/lib/driftline/h.db")
        #expect(absolute.store?.retention == Retention(raw: 2_592_000_000, hour: 31_536_000_000, day: nil))
        let kept = try loadTopology(
            Self.minimal + "\nstore: {path: h.db, retention: {raw: 7d, day: 3650d, hour: forever}}")
        #expect(kept.store?.retention == Retention(raw: 604_800_000, hour: nil, day: 315_360_000_000))
    }

    @Test func retrainSinkDefaultsToTheAlertsSinkAndCanBeItsOwn() throws {
        let shared = try loadTopology(
            Self.minimal.replacingOccurrences(
                of: "alerts: {type: stdout}", with: "alerts: {type: file, path: a.ndjson}"))
        #expect(shared.sinks.retrain == [.file(path: "/plant/topologies/a.ndjson")])
        let own = try loadTopology(
            Self.minimal.replacingOccurrences(
                of: "alerts: {type: stdout}", with: "alerts: {type: stdout}, retrain: {type: file, path: r.ndjson}"))
        #expect(own.sinks.alerts == [.stdout])
        #expect(own.sinks.retrain == [.file(path: "/plant/topologies/r.ndjson")])
    }

    @Test func loadingFromAFileResolvesPathsAgainstItsDirectory() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("topology-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("line.yaml")
        try Self.minimal.replacingOccurrences(
            of: "{name: s, type: stdin}", with: "{name: s, type: file, path: in.ndjson}"
        )
        .write(to: file, atomically: true, encoding: .utf8)

        let topology = try TopologyLoader.load(path: file.path)
        #expect(topology.sources.first?.transport == .file(path: directory.path + "/in.ndjson"))
    }

    @Test func aMissingFileIsReportedWithoutALine() {
        #expect {
            try TopologyLoader.load(path: "/nonexistent/line.yaml")
        } throws: { error in
            let error = error as? TopologyError
            return error?.code == .unreadableFile && error?.line == 0
                && error?.description == "/nonexistent/line.yaml: error: cannot read the file: no such file"
        }
    }
}
