/// Durations written as a number and a unit: `500ms`, `30s`, `5m`, `2h`, `1d`.
///
/// Two grammars share the units: `milliseconds(_:)` reads the exact form configuration files use
/// (one whole number and a unit, or a bare `0`), and `parse(_:)` the looser form people type on a
/// command line (several parts and fractions, `1h30m`, `1.5h`).
public enum DurationText {
    /// The units a duration may carry, with their length in milliseconds, longest first.
    private static let units: [(suffix: Substring, milliseconds: Int64)] = [
        ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// The number of milliseconds `text` stands for, or `nil` when it is not one whole number and
    /// a unit (`ms`, `s`, `m`, `h`, `d`) or `0`: no sign, fraction, space or second part, and not
    /// past `Int64.max` milliseconds.
    public static func milliseconds(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        guard let parts = parts(of: text), parts.count == 1,
            parts[0].number.allSatisfy(\.isWholeNumber), let count = Int64(parts[0].number)
        else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: parts[0].unit)
        return overflow ? nil : product
    }

    /// The duration in milliseconds (rounded to the nearest one), or nil when `text` is not a
    /// sequence of `<number><unit>` parts such as `1h30m` or `1.5h`, or reaches 10^15 ms.
    public static func parse(_ text: String) -> Int64? {
        guard let parts = parts(of: text) else { return nil }
        var total = 0.0
        for part in parts {
            guard let number = Double(part.number) else { return nil }
            total += number * Double(part.unit)
        }
        guard total < 1e15 else { return nil }
        return Int64(total.rounded())
    }

    /// `milliseconds` written in the longest unit that divides it exactly, e.g. `300000` → `5m`.
    public static func text(milliseconds: Int64) -> String {
        guard milliseconds != 0 else { return "0" }
        let unit = units.first { milliseconds % $0.milliseconds == 0 } ?? ("ms", 1)
        return "\(milliseconds / unit.milliseconds)\(unit.suffix)"
    }

    /// `text` split into `<digits and points><unit>` parts with the unit's length in milliseconds;
    /// nil when it is empty or anything else is in it.
    private static func parts(of text: String) -> [(number: Substring, unit: Int64)]? {
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        var parts: [(number: Substring, unit: Int64)] = []
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            let suffix = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(suffix.count)
            guard !number.isEmpty, let unit = units.first(where: { $0.suffix == suffix }) else { return nil }
            parts.append((number, unit.milliseconds))
        }
        return parts
    }
}
