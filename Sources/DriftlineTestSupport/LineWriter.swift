/// Writes the bytes of one NDJSON line into memory reserved for it beforehand.
///
/// The caller reserves at least `TelemetryGenerator.maxLineBytes` bytes; every write assumes room.
struct LineWriter {
    /// The widest a fixed-point number gets: sign, 18 integer digits, point, 4 decimals.
    static let maxNumberBytes = 24
    private static let powersOfTen: [UInt64] = [1, 10, 100, 1000, 10_000]

    private let start: UnsafeMutablePointer<UInt8>
    /// Bytes written so far.
    private(set) var count = 0

    init(_ start: UnsafeMutablePointer<UInt8>) {
        self.start = start
    }

    mutating func byte(_ value: UInt8) {
        start[count] = value
        count += 1
    }

    mutating func bytes(_ values: [UInt8]) {
        values.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            (start + count).update(from: base, count: source.count)
        }
        count += values.count
    }

    /// `value` in decimal, left-padded with zeros to at least `width` digits.
    mutating func digits(_ value: UInt64, width: Int = 1) {
        var length = 1
        var probe = value / 10
        while probe > 0 {
            length += 1
            probe /= 10
        }
        length = max(length, width)
        var rest = value
        for index in stride(from: count + length - 1, through: count, by: -1) {
            start[index] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
            rest /= 10
        }
        count += length
    }

    /// `value` rounded to `decimals` (1...4) fixed decimals, e.g. `412.500`; magnitudes are
    /// clamped to 1e14 so the text stays within `maxNumberBytes`.
    mutating func fixed(_ value: Double, decimals: Int) {
        var magnitude = value
        if magnitude < 0 {
            byte(UInt8(ascii: "-"))
            magnitude = -magnitude
        }
        let scale = Self.powersOfTen[decimals]
        let scaled = UInt64(min(magnitude, 1e14) * Double(scale) + 0.5)
        digits(scaled / scale)
        byte(UInt8(ascii: "."))
        digits(scaled % scale, width: decimals)
    }

    /// `epochMs` as RFC 3339 with milliseconds, given the `YYYY-MM-DDT` text of its day.
    mutating func timestamp(msOfDay: Int64, datePrefix: [UInt8]) {
        bytes(datePrefix)
        let ms = UInt64(msOfDay)
        digits(ms / 3_600_000, width: 2)
        byte(UInt8(ascii: ":"))
        digits(ms / 60_000 % 60, width: 2)
        byte(UInt8(ascii: ":"))
        digits(ms / 1000 % 60, width: 2)
        byte(UInt8(ascii: "."))
        digits(ms % 1000, width: 3)
        byte(UInt8(ascii: "Z"))
    }
}

extension Array where Element == UInt8 {
    /// Appends what `body` writes, which must be at most `maxBytes` bytes (written first into
    /// temporary, usually stack, memory, then copied in one go).
    mutating func appendWritten(maxBytes: Int, _ body: (inout LineWriter) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxBytes) { scratch in
            var writer = LineWriter(scratch.baseAddress!)
            body(&writer)
            precondition(writer.count <= maxBytes, "a generated line overran its reserved bytes")
            append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<writer.count]))
        }
    }
}
