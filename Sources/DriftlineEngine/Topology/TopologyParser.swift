import DriftlineCore
import DriftlineStore
import Yams

/// Builds a `Topology` from a composed YAML tree, section by section, recording every problem in
/// `reader` and reading on past it, so one pass finds all of them.
struct TopologyParser {
    /// The reader that checks shapes and collects diagnostics.
    var reader: NodeReader
    /// The topology's name (empty until read, or when it is broken), for default ids.
    var topologyName = ""
    /// Where each rule of the `rules` list gives its metric, in list order.
    var rulePositions: [Topology.SourcePosition] = []
    /// The `connections` section, by name.
    var connections: [String: ConnectionDefinition] = [:]
    /// Every MQTT client the sources and sinks read so far open, to keep client ids unique per broker.
    var mqttClients: [MQTTClientUse] = []

    /// What the tree's root is wired to: the schema's top-level keys.
    private static let topLevelKeys = [
        "name", "time", "windows", "keys", "labels", "limits", "baselines", "latency", "connections", "sources",
        "sinks", "rules", "store", "retrain", "schedule",
    ]

    /// The topology `root` describes, or `nil` when a required part is missing or broken.
    mutating func topology(from root: Node) -> Topology? {
        guard
            let top = reader.fields(
                root, path: "", allowed: Self.topLevelKeys, required: ["name", "windows", "sources", "sinks"])
        else { return nil }
        let name = top["name"].flatMap { reader.identifier($0, path: "name") }
        topologyName = name ?? ""
        if let node = top["connections"] { connectionDefinitions(node) }
        let time = top["time"].map { timeSettings($0) } ?? Topology.TimeSettings()
        let windowing = top["windows"].flatMap { windowSettings($0) }
        let keys = top["keys"].map { self.keys($0) } ?? [[]]
        let labels = top["labels"].map { labelSettings($0) } ?? Topology.LabelSettings()
        let limits = top["limits"].map { limitSettings($0) } ?? Topology.LimitSettings()
        let baselinePaths = top["baselines"].map { self.baselinePaths($0) } ?? []
        let latencyBudgetMs = top["latency"].map { latencyBudget($0) } ?? 100
        let sources = top["sources"].flatMap { self.sources($0, dimensions: Set(keys.joined()).sorted()) }
        let sinks = top["sinks"].flatMap { sinkSpecs($0, hasStore: top["store"] != nil) }
        let store = top["store"].flatMap { storeSpec($0) }
        let rules =
            top["rules"].map {
                self.rules($0, latencyBudgetMs: latencyBudgetMs, dimensions: Set(keys.joined()).sorted())
            }
            ?? Self.defaultRules(latencyBudgetMs: latencyBudgetMs)
        let retrainCooldown = top["retrain"].map { retrainCooldownMs($0) } ?? 0
        let schedule = top["schedule"].flatMap { scheduleSpec($0, rules: rules, store: store, sinks: sinks) }
        guard let name, let windowing, let sources, let sinks else { return nil }
        return Topology(
            name: name, time: time, windows: windowing.spec, keys: keys, labels: labels,
            baselinePaths: baselinePaths, latencyBudgetMs: latencyBudgetMs, sources: sources, sinks: sinks,
            rules: rules, reviseEveryMs: windowing.reviseEvery, forgetKeysAfterMs: windowing.forgetKeysAfter,
            limits: limits, store: store, retrainCooldownMs: retrainCooldown, schedule: schedule,
            rulePositions: top["rules"] == nil ? [] : rulePositions)
    }

    // MARK: - Sections

    private mutating func timeSettings(_ node: Node) -> Topology.TimeSettings {
        var settings = Topology.TimeSettings()
        let allowed = ["mode", "out_of_orderness", "allowed_lateness", "idle_timeout", "max_future", "max_jump"]
        guard let time = reader.fields(node, path: "time", allowed: allowed) else { return settings }
        if let node = time["mode"],
            let mode = reader.word(node, path: time.path("mode"), among: Topology.TimeMode.allCases)
        {
            settings.mode = mode
        }
        if let node = time["out_of_orderness"],
            let value = reader.duration(node, path: time.path("out_of_orderness"), positive: false)
        {
            settings.outOfOrdernessMs = value
        }
        if let node = time["allowed_lateness"],
            let value = reader.duration(node, path: time.path("allowed_lateness"), positive: false)
        {
            settings.allowedLatenessMs = value
        }
        if let node = time["idle_timeout"],
            let value = reader.duration(node, path: time.path("idle_timeout"), positive: true)
        {
            settings.idleTimeoutMs = value
        }
        if let node = time["max_future"],
            let value = reader.duration(node, path: time.path("max_future"), positive: false)
        {
            settings.maxFutureMs = value
        }
        if let node = time["max_jump"], let value = reader.duration(node, path: time.path("max_jump"), positive: true) {
            settings.maxJumpMs = value
        }
        return settings
    }

    /// The `windows` section: the window spec and the optional revision and key-expiry intervals.
    private struct Windowing {
        var spec: WindowSpec
        var reviseEvery: Int64?
        var forgetKeysAfter: Int64?
    }

    private mutating func windowSettings(_ node: Node) -> Windowing? {
        guard
            let windows = reader.fields(
                node, path: "windows", allowed: ["size", "hop", "revise_every", "forget_keys_after"],
                required: ["size"])
        else { return nil }
        var valid = true
        /// The duration under `name`, nil when absent; `valid` turns false when it is there but wrong.
        func duration(_ name: String, positive: Bool) -> Int64? {
            guard let node = windows[name] else { return nil }
            let value = reader.duration(node, path: "windows.\(name)", positive: positive)
            if value == nil { valid = false }
            return value
        }
        let size = duration("size", positive: true)
        let hop = duration("hop", positive: true)
        let reviseEvery = duration("revise_every", positive: true)
        let forgetKeysAfter = duration("forget_keys_after", positive: false)
        guard let size, valid else { return nil }
        if let hop, hop > size {
            reader.report(
                .inconsistent, at: windows["hop"]?.mark,
                "windows.hop (\(DurationText.text(milliseconds: hop))) is longer than windows.size "
                    + "(\(DurationText.text(milliseconds: size))); a hop must be at most the window size")
            return nil
        }
        return Windowing(
            spec: WindowSpec(size: size, hop: hop), reviseEvery: reviseEvery, forgetKeysAfter: forgetKeysAfter)
    }

    private mutating func keys(_ node: Node) -> [[String]] {
        guard let items = reader.sequence(node, path: "keys") else { return [[]] }
        guard !items.isEmpty else {
            reader.report(
                .invalidValue, at: node.mark,
                "keys must list at least one key; write [[]] for the whole-model rollup only")
            return [[]]
        }
        var keys: [[String]] = []
        var firstLine: [Set<String>: Int] = [:]
        for (index, item) in items.enumerated() {
            let path = "keys[\(index)]"
            guard let dimensionNodes = reader.sequence(item, path: path) else { continue }
            var key: [String] = []
            for (position, dimensionNode) in dimensionNodes.enumerated() {
                guard let dimension = reader.identifier(dimensionNode, path: "\(path)[\(position)]") else { continue }
                guard !key.contains(dimension) else {
                    reader.report(
                        .duplicateName, at: dimensionNode.mark, "dimension '\(dimension)' appears twice in \(path)")
                    continue
                }
                key.append(dimension)
            }
            if let line = firstLine[Set(key)] {
                reader.report(
                    .duplicateName, at: item.mark, "\(path) has the same dimensions as the key on line \(line)")
                continue
            }
            firstLine[Set(key)] = item.mark?.line ?? 0
            keys.append(key)
        }
        return keys
    }

    private mutating func labelSettings(_ node: Node) -> Topology.LabelSettings {
        var settings = Topology.LabelSettings()
        guard let labels = reader.fields(node, path: "labels", allowed: ["wait", "max_pending"]) else {
            return settings
        }
        if let node = labels["wait"], let value = reader.duration(node, path: labels.path("wait"), positive: false) {
            settings.waitMs = value
        }
        if let node = labels["max_pending"], let value = reader.int(node, path: labels.path("max_pending"), minimum: 1)
        {
            settings.maxPending = value
        }
        return settings
    }

    private mutating func limitSettings(_ node: Node) -> Topology.LimitSettings {
        var settings = Topology.LimitSettings()
        guard let limits = reader.fields(node, path: "limits", allowed: ["max_keys", "max_features"]) else {
            return settings
        }
        if let node = limits["max_keys"], let value = reader.int(node, path: limits.path("max_keys"), minimum: 1) {
            settings.maxKeys = value
        }
        if let node = limits["max_features"],
            let value = reader.int(node, path: limits.path("max_features"), minimum: 1)
        {
            settings.maxFeatures = value
        }
        return settings
    }

    private mutating func baselinePaths(_ node: Node) -> [String] {
        guard let items = reader.sequence(node, path: "baselines") else { return [] }
        return items.enumerated().compactMap { index, item in
            reader.string(item, path: "baselines[\(index)]").map { reader.absolutePath($0) }
        }
    }

    private mutating func latencyBudget(_ node: Node) -> Double {
        guard let latency = reader.fields(node, path: "latency", allowed: ["budget_ms"]),
            let budget = latency["budget_ms"].flatMap({ reader.positiveDouble($0, path: "latency.budget_ms") })
        else { return 100 }
        return budget
    }

    private mutating func storeSpec(_ node: Node) -> Topology.StoreSpec? {
        guard let store = reader.fields(node, path: "store", allowed: ["path", "retention"], required: ["path"]),
            let path = store["path"].flatMap({ reader.string($0, path: store.path("path")) })
        else { return nil }
        var retention = Retention()
        if let node = store["retention"],
            let kept = reader.fields(node, path: store.path("retention"), allowed: ["raw", "hour", "day"])
        {
            for (name, keep) in [("raw", \Retention.raw), ("hour", \.hour), ("day", \.day)] {
                guard let value = kept[name] else { continue }
                if value.scalar?.string == "forever" {
                    retention[keyPath: keep] = nil
                } else if let duration = reader.duration(value, path: kept.path(name), positive: true) {
                    retention[keyPath: keep] = duration
                }
            }
        }
        return Topology.StoreSpec(path: reader.absolutePath(path), retention: retention, resumesRules: true)
    }

    private mutating func sinkSpecs(_ node: Node, hasStore: Bool) -> Topology.SinkSpecs? {
        guard
            let sinks = reader.fields(
                node, path: "sinks", allowed: ["results", "alerts", "retrain", "dead_letter", "reports"],
                required: ["results", "alerts", "dead_letter"])
        else { return nil }
        let results = sinks["results"].flatMap {
            sinkTarget($0, name: "results", path: "sinks.results", hasStore: hasStore)
        }
        let alerts = sinks["alerts"].flatMap { sinkList($0, name: "alerts", hasStore: hasStore) }
        let retrain = sinks["retrain"].flatMap { sinkList($0, name: "retrain", hasStore: hasStore) }
        let deadLetter = sinks["dead_letter"].flatMap {
            sinkTarget($0, name: "dead_letter", path: "sinks.dead_letter", hasStore: hasStore)
        }
        let reports = sinks["reports"].flatMap {
            sinkTarget($0, name: "reports", path: "sinks.reports", hasStore: hasStore)
        }
        guard let results, let alerts, let deadLetter, retrain != nil || sinks["retrain"] == nil,
            reports != nil || sinks["reports"] == nil
        else { return nil }
        var specs = Topology.SinkSpecs(results: results, alerts: alerts, retrain: retrain, deadLetter: deadLetter)
        specs.reports = reports
        return specs
    }

    /// `sinks.<name>`: one sink mapping, or a non-empty list of them, each target named once.
    private mutating func sinkList(_ node: Node, name: String, hasStore: Bool) -> [Topology.SinkTarget]? {
        let path = "sinks.\(name)"
        guard node.sequence != nil else {
            return sinkTarget(node, name: name, path: path, hasStore: hasStore).map { [$0] }
        }
        guard let items = reader.sequence(node, path: path), !items.isEmpty else {
            reader.report(.invalidValue, at: node.mark, "\(path) must list at least one sink")
            return nil
        }
        let before = reader.diagnostics.count
        var targets: [Topology.SinkTarget] = []
        for (index, item) in items.enumerated() {
            guard let target = sinkTarget(item, name: name, path: "\(path)[\(index)]", hasStore: hasStore) else {
                continue
            }
            guard !targets.contains(target) else {
                reader.report(
                    .duplicateName, at: item.mark, "\(path)[\(index)] names the same sink as an earlier entry")
                continue
            }
            targets.append(target)
        }
        return reader.diagnostics.count == before ? targets : nil
    }
}
