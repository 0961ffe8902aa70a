import GRDB

/// What a query selected: the figures of each row as SQLite gave them (converted to text only
/// when printed) and its stored contract record.
public struct StoreRows: Sendable, Equatable {
    /// One value as stored.
    public enum Cell: Sendable, Equatable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)

        /// `value` as a cell (a blob as UTF-8 text).
        init(_ value: DatabaseValue) {
            switch value.storage {
            case .null: self = .null
            case .int64(let number): self = .integer(number)
            case .double(let number): self = .real(number)
            case .string(let string): self = .text(string)
            case .blob(let data): self = .text(String(decoding: data, as: UTF8.self))
            }
        }

        /// The value as text; `nil` for `NULL`.
        public var text: String? {
            switch self {
            case .null: nil
            case .integer(let number): String(number)
            case .real(let number): String(number)
            case .text(let text): text
            }
        }
    }

    /// One selected row.
    public struct Row: Sendable, Equatable {
        /// One value per column.
        public var cells: [Cell]
        /// The contract record exactly as the sinks wrote it.
        public var record: String

        /// One value per column, as text; `nil` for `NULL`.
        public var values: [String?] { cells.map(\.text) }
    }

    /// The column names, in the order of `Row.cells`.
    public var columns: [String]
    /// The rows, in the query's order.
    public var rows: [Row] = []
    /// Where the next page starts, when the query had a `limit` and more rows follow; `nil` otherwise.
    public var next: StoreQuery.Position?
}

extension StoreRows {
    /// Rows of `values` under `columns`, without records: a table made for display.
    public init(columns: [String], values: [[String?]]) {
        self.init(
            columns: columns,
            rows: values.map { Row(cells: $0.map { $0.map(Cell.text) ?? .null }, record: "") })
    }
}
