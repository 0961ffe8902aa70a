import DriftlineTestSupport
import Foundation

/// One generated line, parsed back by Foundation's JSON parser, with the generator's ground truth.
struct GeneratedLine {
    var event: GeneratedEvent
    var bytes: [UInt8]
    var json: [String: Any]

    var type: String? { json["type"] as? String }
    var feature: [String: Any] { json["features"] as? [String: Any] ?? [:] }

    func number(_ key: String) -> Double? { (json[key] as? NSNumber)?.doubleValue }
    func featureNumber(_ name: String) -> Double? { (feature[name] as? NSNumber)?.doubleValue }
    func string(_ key: String) -> String? { json[key] as? String }
}

extension TelemetryGenerator {
    /// Every remaining line, each parsed with `JSONSerialization` (a parse failure becomes an empty object).
    mutating func parsedLines() -> [GeneratedLine] {
        var lines: [GeneratedLine] = []
        var buffer: [UInt8] = []
        while let event = next(into: &buffer) {
            let object = try? JSONSerialization.jsonObject(with: Data(buffer)) as? [String: Any]
            lines.append(GeneratedLine(event: event, bytes: buffer, json: object ?? [:]))
            buffer.removeAll(keepingCapacity: true)
        }
        return lines
    }

    /// Every remaining byte.
    mutating func allBytes() -> [UInt8] {
        var buffer: [UInt8] = []
        while fill(&buffer, upToBytes: .max) > 0 {}
        return buffer
    }
}
