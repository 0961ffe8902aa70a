/// One value of reference or test data, as read from a file.
///
/// Integers stay apart from other numbers: the contract takes an integer prediction or label as a
/// class id, while a number written with a fraction or an exponent makes the model a regressor.
public enum ReferenceValue: Equatable, Sendable {
    /// No value (absent, `null` or an empty cell).
    case missing
    /// A number written as an integer (`0`, `-3`, `12500`).
    case integer(Int64)
    /// A number written with a fraction or an exponent (`0.5`, `1.0`, `1e3`).
    case number(Double)
    /// Text: a category or a class name (JSON booleans arrive as `"true"` / `"false"`).
    case text(String)

    /// The value as a number, for numeric features and regressors; `nil` for text or missing.
    public var numeric: Double? {
        switch self {
        case .integer(let integer): Double(integer)
        case .number(let number): number
        case .missing, .text: nil
        }
    }

    /// The class name this value stands for as a classifier's prediction or label: the text
    /// itself, an integer's digits, or a whole number's digits (`1.0` → `"1"`).
    public var className: String? {
        switch self {
        case .missing: nil
        case .text(let text): text
        case .integer(let integer): String(integer)
        case .number(let number): Self.className(of: number)
        }
    }

    /// The class name of a numeric class label: `"1"` for `1.0`, `"2.5"` for `2.5`.
    public static func className(of number: Double) -> String {
        number.plainText
    }
}
