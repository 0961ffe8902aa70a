import DriftlineCore
import DriftlineStore

/// One alert as Alertmanager's v2 API (`POST /api/v2/alerts`) takes it.
///
/// Labels identify the alert (Alertmanager's fingerprint): `alertname` (the rule), `model`,
/// `version`, each segment dimension by its name, `feature` when the rule has one, and `severity`.
/// Label names must match `[a-zA-Z_][a-zA-Z0-9_]*`: other characters of a dimension name become
/// `_` (and a leading digit gets a `_` before it), and a dimension whose name is one of the labels
/// above is prefixed `segment_`. Times are processing times (`at`), because Alertmanager ends
/// alerts by its wall clock; the window is an annotation.
struct AlertmanagerAlert: Encodable, Equatable, Sendable {
    var labels: [String: String]
    var annotations: [String: String]
    /// When the condition started: the firing transition's `at`.
    var startsAt: String
    /// When it ended: the resolved transition's `at`; absent while firing.
    var endsAt: String?

    /// The labels Driftline sets itself, which segment dimensions must not replace.
    static let ownLabels: Set<String> = ["alertname", "model", "version", "feature", "severity"]

    /// The alert for `record`; a resolved record ends the alert that started at `firingSince`
    /// (its own `at` when unknown).
    init(_ record: AlertRecord, firingSince: String?) {
        var labels = ["alertname": record.rule, "model": record.model, "version": record.version]
        labels["severity"] = record.severity
        if let feature = record.feature { labels["feature"] = feature }
        for (name, value) in record.segment {
            let label = Self.labelName(name)
            labels[Self.ownLabels.contains(label) ? "segment_\(label)" : label] = value
        }
        self.labels = labels
        let segment = WindowResult.canonicalSegment(record.segment.map { SegmentValue(name: $0.key, value: $0.value) })
        let subject = record.feature.map { "\(record.metric) of \($0)" } ?? record.metric
        annotations = [
            "summary":
                "\(record.rule) \(record.state) on \(record.model) \(record.version) \(segment): \(subject) "
                + "\(record.value.plainText) (threshold \(record.threshold.plainText))",
            "value": record.value.plainText, "threshold": record.threshold.plainText,
            "window": "\(record.window.start)/\(record.window.end)", "metric": record.metric,
            "alert_id": record.alertID,
        ]
        if record.state == "resolved" {
            startsAt = firingSince ?? record.at
            endsAt = record.at
        } else {
            startsAt = record.at
            endsAt = nil
        }
    }

    /// `name` as an Alertmanager label name.
    static func labelName(_ name: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            let allowed =
                scalar.isASCII && (scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
            scalars.append(allowed ? scalar : "_")
        }
        let label = String(scalars)
        return label.first.map { $0.isNumber } ?? true ? "_" + label : label
    }

}
