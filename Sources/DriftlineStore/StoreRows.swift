/// What a query selected: the figures of each row as text (`nil` for SQL `NULL`) and its stored
/// contract record.
public struct StoreRows: Sendable, Equatable {
    /// One selected row.
    public struct Row: Sendable, Equatable {
        /// One value per column, as text; `nil` for `NULL`.
        public var values: [String?]
        /// The contract record exactly as the sinks wrote it.
        public var record: String
    }

    /// The column names, in the order of `Row.values`.
    public var columns: [String]
    /// The rows, in the query's order.
    public var rows: [Row] = []
    /// Where the next page starts, when the query had a `limit` and more rows follow; `nil` otherwise.
    public var next: StoreQuery.Position?
}

extension StoreRows {
    /// Rows of `values` under `columns`, without records: a table made for display.
    public init(columns: [String], values: [[String?]]) {
        self.init(columns: columns, rows: values.map { Row(values: $0, record: "") })
    }
}
