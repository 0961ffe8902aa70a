import DriftlineConnectors
import DriftlineCore
import Foundation

/// One alert read back from the alerts topic, stamped with the wall-clock time it arrived.
struct AlertArrival {
    var rule: String
    var state: String
    /// The end of the alert's window, epoch milliseconds.
    var windowEndMs: Int64
    /// When the watcher took the batch holding it, epoch milliseconds.
    var arrivalMs: Double

    /// The alerts of a watcher's message, all stamped now (they arrived in one batch).
    static func stamp(_ message: SourceMessage) -> [AlertArrival] {
        guard case .records(let batch) = message else { return [] }
        let now = Seconds.wallMs()
        var alerts: [AlertArrival] = []
        batch.forEach { _, payload in
            guard let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
                let window = object["window"] as? [String: Any], let end = window["end"] as? String,
                let endMs = Timestamp.parseRFC3339(end)
            else { return }
            alerts.append(
                AlertArrival(
                    rule: object["rule"] as? String ?? "?", state: object["state"] as? String ?? "?",
                    windowEndMs: endMs,
                    arrivalMs: now))
        }
        return alerts
    }
}
