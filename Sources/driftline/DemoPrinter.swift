import DriftlineConnectors
import DriftlineCore
import Foundation

/// Prints alerts and retraining triggers read back from their Kafka topics, one line each.
struct DemoPrinter {
    let startMs: Int64
    private(set) var alerts = 0
    private(set) var triggers = 0

    init(startMs: Int64) {
        self.startMs = startMs
    }

    mutating func show(_ message: SourceMessage) {
        guard case .records(let batch) = message else { return }
        var lines: [String] = []
        batch.forEach { _, payload in
            guard let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any] else { return }
            lines.append(describe(object))
        }
        for line in lines { print(line) }
    }

    private mutating func describe(_ record: [String: Any]) -> String {
        func plantTime(_ text: Any?) -> String {
            guard let text = text as? String, let millis = Timestamp.parseRFC3339(text) else { return "?" }
            let minutes = (millis - startMs) / 60_000
            return String(format: "%02d:%02d", minutes / 60, minutes % 60)
        }
        if record["type"] as? String == "retrain" {
            triggers += 1
            let reasons = (record["reasons"] as? [[String: Any]] ?? []).map { reason in
                "\(reason["rule"] ?? "")\((reason["feature"] as? String).map { "(\($0))" } ?? "") on \(reason["segment"] ?? "")"
            }
            let window = (record["windows"] as? [[String: Any]])?.first
            return
                "[\(plantTime(window?["end"]))] RETRAIN \(record["trigger_id"] ?? ""): \(reasons.joined(separator: ", "))"
        }
        alerts += 1
        let window = record["window"] as? [String: Any]
        let segment = (record["segment"] as? [String: String])?.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        let feature = (record["feature"] as? String).map { " \($0)" } ?? ""
        let value = (record["value"] as? Double).map { String(format: "%.3f", $0) } ?? "?"
        let state = (record["state"] as? String ?? "").padding(toLength: 8, withPad: " ", startingAt: 0)
        return "[\(plantTime(window?["end"]))] ALERT \(state) \(record["rule"] ?? "") "
            + "\(segment.map { $0.isEmpty ? "_all" : $0 } ?? "_all")\(feature): \(record["metric"] ?? "") \(value) "
            + "(threshold \(record["threshold"] ?? "")) window \(plantTime(window?["start"]))–\(plantTime(window?["end"]))"
    }
}
