import Foundation

/// The fields of a contract alert record (as the store's outbox holds it) that Alertmanager needs.
struct AlertRecord: Decodable, Sendable {
    /// The record's window, RFC 3339 times as written.
    struct Window: Decodable, Sendable {
        var start: String
        var end: String
    }

    var alertID: String
    var state: String
    var severity: String
    var rule: String
    var model: String
    var version: String
    var segment: [String: String]
    var metric: String
    var feature: String?
    var value: Double
    var threshold: Double
    var window: Window
    /// Processing time of the transition, RFC 3339.
    var at: String

    private enum CodingKeys: String, CodingKey {
        case alertID = "alert_id"
        case state, severity, rule, model, version, segment, metric, feature, value, threshold, window, at
    }

    /// Decodes the record's UTF-8 JSON.
    init(json: [UInt8]) throws(DeliveryError) {
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(json))
        } catch {
            throw DeliveryError(.badRecord, "not a contract alert record: \(error)")
        }
    }
}
