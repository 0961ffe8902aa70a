import DriftlineCore
import Foundation

extension StoreRows {
    /// The columns that hold times (epoch milliseconds in the store).
    public static let timeColumns: Set<String> = ["window_start", "window_end", "at", "first_seen", "last_seen"]

    /// These rows with every time as RFC 3339 (`2026-11-26T03:55:00.000Z`), for people and
    /// spreadsheets; the store keeps epoch milliseconds.
    public func timesAsRFC3339() -> StoreRows {
        var formatted = self
        let times = columns.indices.filter { Self.timeColumns.contains(columns[$0]) }
        for row in formatted.rows.indices {
            for column in times {
                let millis: Int64? =
                    switch formatted.rows[row].cells[column] {
                    case .integer(let number): number
                    case .text(let text): Int64(text)
                    case .null, .real: nil
                    }
                if let millis { formatted.rows[row].cells[column] = .text(Timestamp.format(millis)) }
            }
        }
        return formatted
    }

    /// The rows as CSV: a header row of the column names, then one line per row (`NULL` as an
    /// empty field), each line ending in `\n`. Times are written as they are held: call
    /// `timesAsRFC3339()` first for RFC 3339.
    public func csv() -> String {
        var out = columns.map(Self.csvField).joined(separator: ",") + "\n"
        for row in rows { out += row.values.map { Self.csvField($0 ?? "") }.joined(separator: ",") + "\n" }
        return out
    }

    /// The rows as a text table: a header of the column names, then one line per row (`NULL` as
    /// `-`), columns padded to their widest cell.
    public func table() -> String {
        let cells = [columns] + rows.map { $0.values.map { $0 ?? "-" } }
        let widths = columns.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        return cells.map { line in
            zip(line, widths).map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ") + "\n"
        }.joined()
    }

    /// A CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a line break.
    public static func csvField(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return text
        }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" { quoted += "\"\"" } else { quoted.unicodeScalars.append(scalar) }
        }
        return quoted + "\""
    }
}
