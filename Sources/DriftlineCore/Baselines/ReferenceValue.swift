/// One value of reference or test data, as read from a file.
public enum ReferenceValue: Equatable, Sendable {
    /// No value (absent, `null` or an empty cell).
    case missing
    /// A number.
    case number(Double)
    /// Text: a category or a class name (JSON booleans arrive as `"true"` / `"false"`).
    case text(String)

    /// The class name this value stands for as a prediction or label of a classifier: the text
    /// itself, or a number written without a fraction when it is whole (`1.0` → `"1"`).
    public var className: String? {
        switch self {
        case .missing: nil
        case .text(let text): text
        case .number(let number): Self.className(of: number)
        }
    }

    /// The class name of a numeric class label: `"1"` for `1.0`, `"2.5"` for `2.5`.
    public static func className(of number: Double) -> String {
        if number.isFinite, number == number.rounded(), abs(number) < 1e15 {
            return String(Int64(number))
        }
        return String(number)
    }
}
