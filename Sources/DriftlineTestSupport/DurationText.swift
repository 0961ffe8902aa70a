/// Durations written as a number and a unit, or several in a row: `500ms`, `90s`, `15m`, `2h`,
/// `1d`, `1h30m`, `1.5h`.
public enum DurationText {
    private static let units: [(suffix: String, milliseconds: Double)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// The duration in milliseconds (rounded to the nearest one), or nil when `text` is not a
    /// sequence of `<number><unit>` parts with units `ms`, `s`, `m`, `h` or `d`.
    public static func parse(_ text: String) -> Int64? {
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let numberText = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !numberText.isEmpty, let number = Double(numberText) else { return nil }
            rest = rest.dropFirst(numberText.count)
            let unitText = rest.prefix { $0.isASCII && $0.isLetter }
            guard let unit = units.first(where: { $0.suffix == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += number * unit.milliseconds
        }
        guard total < 1e15 else { return nil }
        return Int64(total.rounded())
    }
}
