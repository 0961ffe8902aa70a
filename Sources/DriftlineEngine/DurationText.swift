/// Durations as written in topology and engine files: a whole number and a unit, e.g. `500ms`,
/// `30s`, `5m`, `2h`, `1d`; a bare `0` means zero.
public enum DurationText {
    /// The units a duration may carry, with their length in milliseconds, longest first.
    public static let units: [(suffix: String, milliseconds: Int64)] = [
        ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// The number of milliseconds `text` stands for, or `nil` when it is not a duration
    /// (no unit, an unknown unit, a sign, a fraction, or a value past `Int64.max` ms).
    public static func milliseconds(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let suffix = text.dropFirst(digits.count)
        guard !digits.isEmpty, let count = Int64(digits),
            let unit = units.first(where: { $0.suffix == suffix })
        else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: unit.milliseconds)
        return overflow ? nil : product
    }

    /// `milliseconds` written in the longest unit that divides it exactly, e.g. `300000` → `5m`.
    public static func text(milliseconds: Int64) -> String {
        guard milliseconds != 0 else { return "0" }
        let unit = units.first { milliseconds % $0.milliseconds == 0 } ?? ("ms", 1)
        return "\(milliseconds / unit.milliseconds)\(unit.suffix)"
    }
}
