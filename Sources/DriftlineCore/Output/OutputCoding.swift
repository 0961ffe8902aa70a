/// A JSON object key chosen at run time (feature names, segment dimensions, hosts).
struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedEncodingContainer where K == DynamicKey {
    /// Encodes `value` under `key`, writing `null` for nil: the contract never omits a metric.
    mutating func encodeOrNull<T: Encodable>(_ value: T?, _ key: String) throws {
        if let value { try encode(value, forKey: DynamicKey(key)) } else { try encodeNil(forKey: DynamicKey(key)) }
    }

    mutating func encodeSegment(_ segment: [SegmentValue]) throws {
        var nested = nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey("segment"))
        for value in segment { try nested.encode(value.value, forKey: DynamicKey(value.name)) }
    }

    mutating func encodeWindow(start: Int64, end: Int64, key: String = "window") throws {
        var nested = nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey(key))
        try nested.encode(Timestamp.format(start), forKey: DynamicKey("start"))
        try nested.encode(Timestamp.format(end), forKey: DynamicKey("end"))
    }

    mutating func encodeFeatures(_ metrics: [FeatureMetric], _ key: String) throws {
        var nested = nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey(key))
        for metric in metrics { try nested.encodeOrNull(metric.value, metric.feature) }
    }

    mutating func encodeResources(_ stats: [ResourceStat], _ key: String) throws {
        guard !stats.isEmpty else { return try encodeNil(forKey: DynamicKey(key)) }
        var nested = nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey(key))
        for stat in stats {
            var field = nested.nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey(stat.field))
            try field.encode(stat.mean, forKey: DynamicKey("mean"))
            try field.encode(stat.max, forKey: DynamicKey("max"))
            try field.encode(stat.p95, forKey: DynamicKey("p95"))
        }
    }
}

extension WindowResult: Encodable {
    /// The contract's window-result shape; metrics that cannot be computed are `null`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: DynamicKey.self)
        try c.encode("window", forKey: DynamicKey("type"))
        try c.encode(model, forKey: DynamicKey("model"))
        try c.encode(version, forKey: DynamicKey("version"))
        try c.encodeSegment(segment)
        try c.encode(revision, forKey: DynamicKey("revision"))
        try c.encodeWindow(start: start, end: end)
        try c.encode(count, forKey: DynamicKey("count"))
        if let psi {
            try c.encodeFeatures(psi, "psi")
            // The contract's bands: stable up to 0.1, warning up to 0.25, drift above.
            var bands = c.nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey("psi_band"))
            for metric in psi { try bands.encodeOrNull(metric.value.map { PSI.band($0).rawValue }, metric.feature) }
        } else {
            try c.encodeNil(forKey: DynamicKey("psi"))
            try c.encodeNil(forKey: DynamicKey("psi_band"))
        }
        try c.encodeFeatures(missingRate, "missing_rate")
        var a = c.nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey("accuracy"))
        try a.encodeOrNull(accuracy.online, "online")
        try a.encodeOrNull(accuracy.offline, "offline")
        try a.encodeOrNull(accuracy.gapPP, "gap_pp")
        try a.encode(accuracy.labelled, forKey: DynamicKey("labelled"))
        try a.encode(accuracy.final, forKey: DynamicKey("final"))
        if !accuracy.perClass.isEmpty {
            var classes = a.nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey("per_class"))
            for entry in accuracy.perClass {
                var m = classes.nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey(entry.name))
                try m.encodeOrNull(entry.metrics.precision, "precision")
                try m.encodeOrNull(entry.metrics.recall, "recall")
                try m.encodeOrNull(entry.metrics.f1, "f1")
                try m.encode(entry.metrics.support, forKey: DynamicKey("support"))
            }
        }
        if accuracy.mae != nil || accuracy.rmse != nil {
            try a.encodeOrNull(accuracy.mae, "mae")
            try a.encodeOrNull(accuracy.rmse, "rmse")
        }
        if let latency {
            var l = c.nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey("latency_ms"))
            try l.encode(latency.p50, forKey: DynamicKey("p50"))
            try l.encode(latency.p90, forKey: DynamicKey("p90"))
            try l.encode(latency.p95, forKey: DynamicKey("p95"))
            try l.encode(latency.p99, forKey: DynamicKey("p99"))
            try l.encode(latency.p999, forKey: DynamicKey("p99_9"))
            try l.encode(latency.max, forKey: DynamicKey("max"))
        } else {
            try c.encodeNil(forKey: DynamicKey("latency_ms"))
        }
        try c.encode(throughputPerSecond, forKey: DynamicKey("throughput_per_s"))
        try c.encodeResources(resources, "resources")
        if !resourcesByHost.isEmpty {
            var hosts = c.nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey("resources_by_host"))
            for host in resourcesByHost { try hosts.encodeResources(host.stats, host.host) }
        }
    }
}

extension Alert: Encodable {
    /// The contract's alert shape.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: DynamicKey.self)
        try c.encode("alert", forKey: DynamicKey("type"))
        try c.encode(alertID, forKey: DynamicKey("alert_id"))
        try c.encode(state.rawValue, forKey: DynamicKey("state"))
        try c.encode(severity, forKey: DynamicKey("severity"))
        try c.encode(rule, forKey: DynamicKey("rule"))
        try c.encode(model, forKey: DynamicKey("model"))
        try c.encode(version, forKey: DynamicKey("version"))
        try c.encodeSegment(segment)
        try c.encode(metric.rawValue, forKey: DynamicKey("metric"))
        if let feature { try c.encode(feature, forKey: DynamicKey("feature")) }
        try c.encode(value, forKey: DynamicKey("value"))
        try c.encode(threshold, forKey: DynamicKey("threshold"))
        try c.encodeWindow(start: windowStart, end: windowEnd)
        try c.encode(Timestamp.format(at), forKey: DynamicKey("at"))
    }
}

extension RetrainTrigger: Encodable {
    /// The contract's retraining-trigger shape.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: DynamicKey.self)
        try c.encode("retrain", forKey: DynamicKey("type"))
        try c.encode(triggerID, forKey: DynamicKey("trigger_id"))
        try c.encode(model, forKey: DynamicKey("model"))
        try c.encode(version, forKey: DynamicKey("version"))
        var list = c.nestedUnkeyedContainer(forKey: DynamicKey("reasons"))
        for reason in reasons {
            var r = list.nestedContainer(keyedBy: DynamicKey.self)
            try r.encode(reason.rule, forKey: DynamicKey("rule"))
            try r.encode(reason.metric.rawValue, forKey: DynamicKey("metric"))
            if let feature = reason.feature { try r.encode(feature, forKey: DynamicKey("feature")) }
            try r.encode(reason.segment, forKey: DynamicKey("segment"))
            try r.encode(reason.value, forKey: DynamicKey("value"))
            try r.encode(reason.threshold, forKey: DynamicKey("threshold"))
            var evidence = r.nestedUnkeyedContainer(forKey: DynamicKey("windows"))
            for window in reason.windows {
                var w = evidence.nestedContainer(keyedBy: DynamicKey.self)
                try w.encode(Timestamp.format(window.start), forKey: DynamicKey("start"))
                try w.encode(Timestamp.format(window.end), forKey: DynamicKey("end"))
                try w.encode(window.value, forKey: DynamicKey("value"))
            }
        }
        var windows = c.nestedUnkeyedContainer(forKey: DynamicKey("windows"))
        var window = windows.nestedContainer(keyedBy: DynamicKey.self)
        try window.encode(Timestamp.format(windowStart), forKey: DynamicKey("start"))
        try window.encode(Timestamp.format(windowEnd), forKey: DynamicKey("end"))
        var baseline = c.nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey("baseline"))
        try baseline.encode(version, forKey: DynamicKey("version"))
        try baseline.encodeOrNull(task?.rawValue, "task")
        try baseline.encodeOrNull(offlineAccuracy, "offline_accuracy")
        try c.encode(Timestamp.format(at), forKey: DynamicKey("at"))
    }
}

extension RuleState: Encodable {
    /// Where an alert stands (`driftline alerts --format json`): `type` is `alert_state`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: DynamicKey.self)
        try c.encode("alert_state", forKey: DynamicKey("type"))
        try c.encode(alertID, forKey: DynamicKey("alert_id"))
        try c.encode(status.rawValue, forKey: DynamicKey("status"))
        try c.encode(severity, forKey: DynamicKey("severity"))
        try c.encode(rule, forKey: DynamicKey("rule"))
        try c.encode(model, forKey: DynamicKey("model"))
        try c.encode(version, forKey: DynamicKey("version"))
        try c.encode(segment, forKey: DynamicKey("segment"))
        if let feature { try c.encode(feature, forKey: DynamicKey("feature")) }
        try c.encode(streak, forKey: DynamicKey("streak"))
        try c.encode(value, forKey: DynamicKey("value"))
        try c.encode(threshold, forKey: DynamicKey("threshold"))
        try c.encodeOrNull(since.map(Timestamp.format), "since")
        try c.encode(Timestamp.format(lastWindowEnd), forKey: DynamicKey("last_window_end"))
    }
}
