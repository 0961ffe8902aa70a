import DriftlineEngine
import Testing

/// Each case puts one mistake into an otherwise valid four-line topology; lines and columns are
/// counted by hand in the YAML shown (1-based, columns in characters).
@Suite struct TopologyErrorTests {
    static let name = "name: t"
    static let windows = "windows: {size: 5m}"
    static let sources = "sources: [{name: s, type: stdin}]"
    static let sinks = "sinks: {results: {type: stdout}, alerts: {type: stdout}, dead_letter: {type: stdout}}"

    /// The valid topology with `replacing` lines swapped in (by their top-level key) and `extra` appended as line 5.
    static func yaml(_ replacing: [String] = [], extra: String? = nil) -> String {
        var lines = [name, windows, sources, sinks]
        for line in replacing {
            let key = line.prefix { $0 != ":" }
            lines[lines.firstIndex { $0.hasPrefix(key + ":") }!] = line
        }
        return (lines + (extra.map { [$0] } ?? [])).joined(separator: "\n")
    }

    static let cases: [(yaml: String, code: TopologyError.Code, line: Int, column: Int, message: String)] = [
        (  // windows: {size: 5m, hopp: 1m} — `hopp` starts at column 21
            yaml(["windows: {size: 5m, hopp: 1m}"]), .unknownKey, 2, 21,
            "unknown key 'hopp' in windows; did you mean 'hop'?"
        ),
        (
            yaml(extra: "colour: red"), .unknownKey, 5, 1,
            "unknown key 'colour' at the top level; expected one of: name, time, windows, keys, labels, limits, baselines, "
                + "latency, connections, sources, sinks, rules, store, retrain, schedule"
        ),
        (  // `mode` at column 21
            yaml(extra: "store: {path: h.db, mode: wal}"), .unknownKey, 5, 21,
            "unknown key 'mode' in store; expected one of: path, retention"
        ),
        (  // the duration `1y` at column 39
            yaml(extra: "store: {path: h.db, retention: {hour: 1y}}"), .invalidDuration, 5, 39,
            "invalid duration '1y' for store.retention.hour; write a whole number and a unit (ms, s, m, h or d), "
                + "e.g. 500ms, 30s, 5m"
        ),
        (  // `week` at column 33
            yaml(extra: "store: {path: h.db, retention: {week: 7d}}"), .unknownKey, 5, 33,
            "unknown key 'week' in store.retention; expected one of: raw, hour, day"
        ),
        (yaml(extra: "store: {}"), .missingKey, 5, 8, "missing required key 'path' in store"),
        (  // the list `[h.db]` at column 15
            yaml(extra: "store: {path: [h.db]}"), .wrongType, 5, 15,
            "store.path must be a word or a quoted string, not a list"
        ),
        (  // the mapping `{hop: 1m}` opens at column 10
            yaml(["windows: {hop: 1m}"]), .missingKey, 2, 10, "missing required key 'size' in windows"
        ),
        (yaml(["windows: [5m]"]), .wrongType, 2, 10, "windows must be a mapping, not a list"),
        (  // time: {max_jump: 0s} — the value starts at column 18
            yaml(extra: "time: {max_jump: 0s}"), .invalidValue, 5, 18, "time.max_jump must be longer than 0"
        ),
        (  // time: {max_future: soon} — the value starts at column 20
            yaml(extra: "time: {max_future: soon}"), .invalidDuration, 5, 20,
            "invalid duration 'soon' for time.max_future; write a whole number and a unit (ms, s, m, h or d), "
                + "e.g. 500ms, 30s, 5m"
        ),
        (
            yaml(["windows: {size: 5x}"]), .invalidDuration, 2, 17,
            "invalid duration '5x' for windows.size; write a whole number and a unit (ms, s, m, h or d), "
                + "e.g. 500ms, 30s, 5m"
        ),
        (  // `10m` at column 26
            yaml(["windows: {size: 5m, hop: 10m}"]), .inconsistent, 2, 26,
            "windows.hop (10m) is longer than windows.size (5m); a hop must be at most the window size"
        ),
        (  // `0s` at column 35
            yaml(["windows: {size: 5m, revise_every: 0s}"]), .invalidValue, 2, 35,
            "windows.revise_every must be longer than 0"
        ),
        (  // `soon` at column 40
            yaml(["windows: {size: 5m, forget_keys_after: soon}"]), .invalidDuration, 2, 40,
            "invalid duration 'soon' for windows.forget_keys_after; write a whole number and a unit "
                + "(ms, s, m, h or d), e.g. 500ms, 30s, 5m"
        ),
        (  // `/a~2b` at column 51
            yaml(["sources: [{name: s, type: stdin, mapping: {model: /a~2b}}]"]), .invalidPointer, 3, 51,
            "invalid JSON Pointer '/a~2b' for sources[0].mapping.model: '~' must be followed by 0 or 1 "
                + "(~0 stands for '~', ~1 for '/')"
        ),
        (  // `lines` at column 61
            yaml(
                ["sources: [{name: s, type: stdin, mapping: {segment_fields: {lines: /l}}}]"], extra: "keys: [[line]]"),
            .invalidValue, 3, 61,
            "segment dimension 'lines' in sources[0].mapping.segment_fields is not in any key; add it to keys or "
                + "remove it (did you mean 'line'?)"
        ),
        (  // `fast` at column 56
            yaml(["sources: [{name: s, type: stdin, mapping: {latency_ms: fast}}]"]), .invalidValue, 3, 56,
            "sources[0].mapping.latency_ms takes a JSON Pointer such as /latency_ms, not the constant 'fast'; "
                + "a pointer starts with '/'"
        ),
        (  // the quote opening '@record_time' at column 51
            yaml(["sources: [{name: s, type: stdin, mapping: {model: '@record_time'}}]"]), .invalidValue, 3, 51,
            "sources[0].mapping.model cannot be @record_time; only ts can"
        ),
        (  // the quote opening '@now' at column 48
            yaml(["sources: [{name: s, type: stdin, mapping: {ts: '@now'}}]"]), .invalidValue, 3, 48,
            "unknown special value '@now' for sources[0].mapping.ts; the special values are @record_time, "
                + "@record_key and @header:NAME (write {const: \"@now\"} for a constant)"
        ),
        (  // the quote opening '@record_key' at column 56
            yaml(["sources: [{name: s, type: stdin, mapping: {latency_ms: '@record_key'}}]"]), .invalidValue, 3, 56,
            "sources[0].mapping.latency_ms cannot be @record_key; only model, version, host, request_id and segment "
                + "fields can take the record key or a header"
        ),
        (  // `infer` at column 50
            yaml(["sources: [{name: s, type: stdin, mapping: {type: infer}}]"]), .invalidValue, 3, 50,
            "unknown value 'infer' for sources[0].mapping.type; expected one of: inference, label, resource"
        ),
        (  // `ftp` at column 27
            yaml(["sources: [{name: s, type: ftp}]"]), .invalidValue, 3, 27,
            "unknown value 'ftp' for sources[0].type; expected one of: file, stdin, kafka, mqtt"
        ),
        (  // the source mapping opens at column 11
            yaml(["sources: [{name: s, type: file}]"]), .missingKey, 3, 11,
            "missing required key 'path' in sources[0]; a file source needs one"
        ),
        (  // `x` at column 39
            yaml(["sinks: {results: {type: stdout, path: x}, alerts: {type: stdout}, dead_letter: {type: stdout}}"]),
            .invalidValue, 4, 39, "sinks.results.path is only for file sinks; remove it or use type: file"
        ),
        (
            yaml(extra: "rules: [{name: r, metric: missing_rat, threshold: 1}]"), .invalidValue, 5, 27,
            "unknown metric 'missing_rat' for rules[0].metric; did you mean 'missing_rate'? write one of: "
                + "psi[FEATURE], psi[*], missing_rate[FEATURE], missing_rate[*], accuracy.gap_pp, accuracy.online, "
                + "labelled, latency.p50|p90|p95|p99|p999|max, "
                + "resources.cpu_pct|mem_mb|gpu_pct|gpu_mem_mb.mean|max|p95, throughput"
        ),
        (
            yaml(extra: "rules: [{name: r, metric: psi, direction: up, threshold: 1}]"), .invalidValue, 5, 43,
            "unknown value 'up' for rules[0].direction; expected one of: above, below"
        ),
        (  // the rule's mapping opens at column 9
            yaml(extra: "rules: [{name: my_rule, threshold: 1}]"), .missingKey, 5, 9,
            "rule 'my_rule' needs a metric: it is not one of the default rules (psi_high, accuracy_gap, "
                + "latency_p99_high)"
        ),
        (  // `0.4` at column 45; psi_high's default threshold is 0.25
            yaml(extra: "rules: [{name: psi_high, resolve_threshold: 0.4}]"), .inconsistent, 5, 45,
            "rule 'psi_high' has resolve_threshold 0.4 above its threshold 0.25; a rule firing above its threshold "
                + "must resolve at or below it"
        ),
        (
            yaml(extra: "labels: {max_pending: lots}"), .wrongType, 5, 23,
            "labels.max_pending must be a whole number, not 'lots'"
        ),
        (yaml(extra: "limits: {max_keys: 0}"), .invalidValue, 5, 20, "limits.max_keys must be at least 1, not 0"),
        (
            yaml(extra: "limits: {max_features: many}"), .wrongType, 5, 24,
            "limits.max_features must be a whole number, not 'many'"
        ),
        (
            yaml(extra: "time: {mode: evnt}"), .invalidValue, 5, 14,
            "unknown value 'evnt' for time.mode; did you mean 'event'? (one of: event, processing)"
        ),
        (yaml(extra: "time: {idle_timeout: 0s}"), .invalidValue, 5, 22, "time.idle_timeout must be longer than 0"),
        (  // the second key `[device, line]` opens at column 24
            yaml(extra: "keys: [[line, device], [device, line]]"), .duplicateName, 5, 24,
            "keys[1] has the same dimensions as the key on line 5"
        ),
        (  // `sinks` left out: reported at the root mapping, line 1 column 1
            [name, windows, sources].joined(separator: "\n"), .missingKey, 1, 1,
            "missing required key 'sinks' at the top level"
        ),
        ("- a\n- b", .wrongType, 1, 1, "the file must be a mapping, not a list"),
        ("", .missingKey, 1, 1, "the file is empty"),
        ("name: t\nname: u", .duplicateKey, 1, 1, "duplicate key 'name' in one mapping; write each key once"),
    ]

    @Test(arguments: cases.indices)
    func reportsTheMistakeWhereItIs(index: Int) {
        let (yaml, code, line, column, message) = Self.cases[index]
        let diagnostics = topologyDiagnostics(yaml)
        #expect(
            diagnostics == [.init(code: code, file: "t.yaml", line: line, column: column, message: message)],
            "\(yaml)")
    }

    @Test func duplicateSourceNamesPointAtTheSecond() {
        let diagnostics = topologyDiagnostics(
            """
            name: t
            windows: {size: 5m}
            sources:
              - {name: a, type: stdin}
              - {name: a, type: file, path: x}
            \(Self.sinks)
            """)
        // line 5: `  - {name: a` puts the second `a` at column 12
        #expect(
            diagnostics == [
                .init(
                    code: .duplicateName, file: "t.yaml", line: 5, column: 12,
                    message: "source name 'a' is already used on line 4")
            ])
    }

    @Test func everyMistakeIsReportedInOnePassInFileOrder() {
        let yaml = """
            name: bad name!
            sinks: {results: {type: stdout}, alerts: {type: stdout}}
            sources: [{name: s, type: kafka}]
            windows: {size: 5m, hop: 10m}
            """
        #expect(throws: TopologyError.self) { try loadTopology(yaml) }
        do {
            _ = try loadTopology(yaml)
        } catch {
            #expect(error.code == .invalidValue)
            #expect(error.line == 1)
            #expect(error.column == 7)
            // 1:7 the name; 2:8 the sinks mapping `{`; 3:11 the source mapping `{` (twice); 4:26 `10m`
            #expect(
                error.description == """
                    t.yaml:1:7: error: name 'bad name!' may hold only letters, digits, '_', '-' and '.'
                    t.yaml:2:8: error: missing required key 'dead_letter' in sinks
                    t.yaml:3:11: error: missing required key 'connection' in sources[0]; a kafka source needs one
                    t.yaml:3:11: error: missing required key 'topics' in sources[0]; a kafka source needs one
                    t.yaml:4:26: error: windows.hop (10m) is longer than windows.size (5m); a hop must be at most \
                    the window size
                    """)
        }
    }

    @Test func malformedYAMLIsASyntaxErrorOnItsLine() {
        let diagnostics = topologyDiagnostics("name: t\nwindows: {size: 5m\nsources: []\n")
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.code == .syntax)
        #expect(diagnostics.first?.message.hasPrefix("invalid YAML: ") == true)
        #expect((2...4).contains(diagnostics.first?.line ?? 0))
    }
}
