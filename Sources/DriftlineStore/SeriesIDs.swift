import GRDB

/// The integer ids of the `series` table (model, version, segment) one write transaction uses,
/// each looked up (or added) once per transaction.
struct SeriesIDs {
    private struct Key: Hashable {
        var model: String
        var version: String
        var segment: String
    }

    private var known: [Key: Int64] = [:]

    /// The id of (`model`, `version`, `segment`), added to `series` when new.
    mutating func id(model: String, version: String, segment: String, in db: Database) throws -> Int64 {
        let key = Key(model: model, version: version, segment: segment)
        if let id = known[key] { return id }
        let arguments: StatementArguments = [model, version, segment]
        let id: Int64
        if let existing = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM series WHERE model = ? AND version = ? AND segment = ?"),
            arguments: arguments)
        {
            id = existing
        } else {
            try db.cachedStatement(sql: "INSERT INTO series (model, version, segment) VALUES (?, ?, ?)")
                .execute(arguments: arguments)
            id = db.lastInsertedRowID
        }
        known[key] = id
        return id
    }
}
