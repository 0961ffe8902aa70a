/// Epoch-aligned event-time windows: tumbling (`hop == size`) or hopping (`hop < size`).
///
/// A window of size S starts at a multiple of the hop H since 1970-01-01T00:00:00Z and covers
/// `[start, start + S)`; an event belongs to every window whose range holds its own timestamp.
public struct WindowSpec: Equatable, Sendable {
    /// Window length in milliseconds.
    public var size: Int64
    /// Distance between window starts in milliseconds; equal to `size` for tumbling windows.
    public var hop: Int64

    /// A tumbling window of `size` milliseconds, or a hopping one when `hop` is given.
    public init(size: Int64, hop: Int64? = nil) {
        self.size = size
        self.hop = hop ?? size
    }

    /// Whether the spec describes windows that can exist: positive size, `0 < hop <= size`.
    public var isValid: Bool { size > 0 && hop > 0 && hop <= size }
}

extension WindowSpec {
    /// The start of the latest window that holds `timestamp`.
    @inlinable
    public func lastStart(containing timestamp: Int64) -> Int64 {
        Self.floorDivide(timestamp, hop) * hop
    }

    /// The starts of every window that holds `timestamp`, latest first.
    @inlinable
    public func starts(containing timestamp: Int64) -> StrideThrough<Int64> {
        let last = lastStart(containing: timestamp)
        let first = Self.floorDivide(timestamp - size, hop) * hop + hop
        return stride(from: last, through: first, by: -Int(hop))
    }

    /// Floor division that rounds towards negative infinity (times before 1970 stay aligned).
    @inlinable
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
