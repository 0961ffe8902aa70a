import DriftlineTestSupport
import Foundation

/// The messages of one run: N contract-shaped inference events (no delayed labels, no resource events, so
/// every line is an inference of about 480 bytes), split into one file per publisher with one payload per line,
/// and the 64-bit digest of each payload for checking what arrived.
///
/// One `mosquitto_pub -l` must not publish more than 65535 messages: it stops when the PUBACK of its last message
/// id arrives, and message ids wrap at 65535, so an earlier message with the same id ends it too soon.
struct PayloadSet {
    /// The files, one per publisher, holding one payload per line.
    let files: [URL]
    /// The digests of all payloads; the generator numbers every request, so they are distinct.
    let digests: Set<UInt64>
    /// The number of payloads.
    let count: Int
    /// Payload bytes, without the newlines.
    let bytes: Int

    /// The most lines one `mosquitto_pub -l` can publish (see the type's discussion).
    static let linesPerPublisherMaximum = 65535

    /// Generates `count` events with `seed` into `parts` files in `directory`, dealt out line by line.
    init(count: Int, seed: UInt64, parts: Int, directory: URL) throws {
        var scenario = TelemetryScenario()
        scenario.length = .inferenceCount(count)
        scenario.labels.delayedFraction = 0
        scenario.resources.hosts = []
        var generator = try TelemetryGenerator(scenario: scenario, seed: seed)
        var texts = [[UInt8]](repeating: [], count: parts)
        for part in texts.indices { texts[part].reserveCapacity(count / parts * 512) }
        var digests = Set<UInt64>(minimumCapacity: count)
        var lines = 0
        var bytes = 0
        while true {
            let part = lines % parts
            let start = texts[part].count
            guard generator.next(into: &texts[part]) != nil else { break }
            digests.insert(texts[part][start..<(texts[part].count - 1)].withUnsafeBytes { Digest.of($0) })
            bytes += texts[part].count - start - 1
            lines += 1
        }
        guard lines == count, digests.count == count else {
            throw LoadError("the generator gave \(lines) lines with \(digests.count) distinct payloads, not \(count)")
        }
        files = try texts.enumerated().map { part, text in
            let file = directory.appendingPathComponent("payloads-\(part).ndjson")
            try Data(text).write(to: file)
            return file
        }
        self.digests = digests
        self.count = count
        self.bytes = bytes
    }

    /// Mean payload size in bytes.
    var meanBytes: Int { bytes / max(count, 1) }
}
