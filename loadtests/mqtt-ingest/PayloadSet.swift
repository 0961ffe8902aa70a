import DriftlineTestSupport
import Foundation

/// The messages of one run: N contract-shaped inference events (no delayed labels, no resource events, so
/// every line is an inference of about 480 bytes), written as lines to a file the publisher reads, and the
/// 64-bit digest of each payload for checking what arrived.
struct PayloadSet {
    /// The file holding one payload per line.
    let file: URL
    /// The digests of all payloads; the generator numbers every request, so they are distinct.
    let digests: Set<UInt64>
    /// The number of payloads.
    let count: Int
    /// Payload bytes, without the newlines.
    let bytes: Int

    /// Generates `count` events with `seed` into `file`.
    init(count: Int, seed: UInt64, file: URL) throws {
        var scenario = TelemetryScenario()
        scenario.length = .inferenceCount(count)
        scenario.labels.delayedFraction = 0
        scenario.resources.hosts = []
        var generator = try TelemetryGenerator(scenario: scenario, seed: seed)
        var text: [UInt8] = []
        text.reserveCapacity(count * 512)
        var digests = Set<UInt64>(minimumCapacity: count)
        var lines = 0
        while true {
            let start = text.count
            guard generator.next(into: &text) != nil else { break }
            digests.insert(text[start..<(text.count - 1)].withUnsafeBytes { Digest.of($0) })
            lines += 1
        }
        guard lines == count, digests.count == count else {
            throw LoadError("the generator gave \(lines) lines with \(digests.count) distinct payloads, not \(count)")
        }
        try Data(text).write(to: file)
        self.file = file
        self.digests = digests
        self.count = count
        bytes = text.count - count
    }

    /// Mean payload size in bytes.
    var meanBytes: Int { bytes / max(count, 1) }
}
