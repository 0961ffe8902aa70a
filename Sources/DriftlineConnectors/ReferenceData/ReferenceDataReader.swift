import CSV
import DriftlineCore
public import Foundation

/// Reads reference (training) and test rows from NDJSON or CSV files.
///
/// NDJSON lines are either contract-shaped inference events — features in a `features` object,
/// other members ignored — or flat objects whose members are the features, except the prediction,
/// label and excluded fields. Contract label and resource events (`"type"` of `"label"` or
/// `"resource"`) are skipped. JSON booleans become the categories
/// `"true"` / `"false"`; `null` is missing.
///
/// CSV files have a header row naming the columns; a cell that parses as an integer is an integer,
/// one that parses as another number is a number, an empty cell is missing, anything else is a
/// category. Blanks around cells are trimmed. (Integers are kept apart: as predictions and labels
/// they are class ids.)
public struct ReferenceDataReader: Sendable {
    /// A file format the reader understands.
    public enum Format: String, Equatable, Sendable, CaseIterable {
        /// One JSON object per line.
        case ndjson
        /// Comma-separated values with a header row.
        case csv

        /// The format named by `url`'s extension: `.csv`, or `.ndjson` / `.jsonl` / `.json`.
        public init?(url: URL) {
            switch url.pathExtension.lowercased() {
            case "csv": self = .csv
            case "ndjson", "jsonl", "json": self = .ndjson
            default: return nil
            }
        }
    }

    /// The field holding the model's prediction.
    public var predictionField: String
    /// The field holding the ground-truth label.
    public var labelField: String
    /// Fields of flat rows that are neither features nor prediction nor label (ids, timestamps).
    public var excludedFields: Set<String>

    /// A reader taking predictions and labels from the named fields.
    public init(predictionField: String = "prediction", labelField: String = "label", excludedFields: Set<String> = [])
    {
        self.predictionField = predictionField
        self.labelField = labelField
        self.excludedFields = excludedFields
    }

    /// Calls `body` with every row of the file at `url`, in file order.
    ///
    /// - Parameter format: the file's format; `nil` tells it from the file's extension.
    /// - Throws: `ReferenceDataError` for a file that cannot be read or a malformed row (with its
    ///   line), or whatever `body` throws.
    public func read(_ url: URL, format: Format? = nil, _ body: (ReferenceRow) throws -> Void) throws {
        let file = url.path
        guard let format = format ?? Format(url: url) else {
            throw ReferenceDataError(
                .unknownFormat, file: file, "cannot tell the format from the extension; use .csv, .ndjson or .jsonl")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ReferenceDataError(
                .unreadableFile, file: file, "cannot read the file (\(error.localizedDescription))")
        }
        switch format {
        case .ndjson:
            try read(ndjson: data, file: file, body)
        case .csv:
            // The whole text, not an InputStream: CSV.swift's stream reader reports the end of a
            // file as a read error on some platforms.
            guard let text = String(data: data, encoding: .utf8) else {
                throw ReferenceDataError(.unreadableFile, file: file, "the file is not UTF-8 text")
            }
            try read(csv: text, file: file, body)
        }
    }

    /// Calls `body` with every row of NDJSON `data`; `file` names it in errors.
    public func read(ndjson data: Data, file: String, _ body: (ReferenceRow) throws -> Void) throws {
        var lineNumber = 0
        for var line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            guard line.contains(where: { !Self.isBlank($0) }) else { continue }
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(line))
            } catch {
                throw ReferenceDataError(.malformedRow, file: file, line: lineNumber, "invalid JSON")
            }
            guard let members = object as? [String: Any] else {
                throw ReferenceDataError(.malformedRow, file: file, line: lineNumber, "the line is not a JSON object")
            }
            let fail = { (message: String) in ReferenceDataError(.malformedRow, file: file, line: lineNumber, message) }
            if let row = try row(of: members, fail) { try body(row) }
        }
    }

    /// Calls `body` with every row of CSV `text`; `file` names it in errors.
    public func read(csv text: String, file: String, _ body: (ReferenceRow) throws -> Void) throws {
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true)
        } catch {
            throw ReferenceDataError(.malformedRow, file: file, line: 1, "cannot read the header row")
        }
        var header = reader.headerRow ?? []
        if let first = header.first, first.hasPrefix("\u{FEFF}") { header[0] = String(first.dropFirst()) }
        header = header.map { $0.trimmingCharacters(in: .whitespaces) }
        if let duplicate = Dictionary(grouping: header, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw ReferenceDataError(
                .malformedRow, file: file, line: 1, "column \"\(duplicate)\" appears twice in the header")
        }
        var lineNumber = 1 + header.reduce(0) { $0 + Self.lineBreaks(in: $1) } + 1
        while let cells = reader.next() {
            defer { lineNumber += 1 + cells.reduce(0) { $0 + Self.lineBreaks(in: $1) } }
            if cells == [""] && header.count > 1 { continue }
            guard cells.count == header.count else {
                throw ReferenceDataError(
                    .malformedRow, file: file, line: lineNumber,
                    "expected \(header.count) fields as in the header, found \(cells.count)")
            }
            var row = ReferenceRow(features: [:])
            for (name, cell) in zip(header, cells) {
                let value = Self.value(ofCell: cell)
                switch name {
                case predictionField: row.prediction = value
                case labelField: row.label = value
                case _ where excludedFields.contains(name): continue
                default: row.features[name] = value
                }
            }
            try body(row)
        }
    }

    /// The row of one NDJSON object, or `nil` for an event that is not an inference.
    private func row(of members: [String: Any], _ fail: (String) -> ReferenceDataError) throws -> ReferenceRow? {
        if let type = members["type"] as? String, type == "label" || type == "resource" { return nil }
        var row = ReferenceRow(features: [:])
        if let features = members["features"] as? [String: Any] {
            for (name, value) in features {
                row.features[name] = try Self.value(ofJSON: value, field: "features.\(name)", fail)
            }
        } else {
            for (name, value) in members
            where name != predictionField && name != labelField && !excludedFields.contains(name) {
                row.features[name] = try Self.value(ofJSON: value, field: name, fail)
            }
        }
        row.prediction =
            try members[predictionField].map { try Self.value(ofJSON: $0, field: predictionField, fail) }
            ?? .missing
        row.label = try members[labelField].map { try Self.value(ofJSON: $0, field: labelField, fail) } ?? .missing
        return row
    }

    private static func value(
        ofJSON value: Any, field: String, _ fail: (String) -> ReferenceDataError
    ) throws
        -> ReferenceValue
    {
        switch value {
        case is NSNull:
            return .missing
        case let text as String:
            return .text(text)
        case let number as NSNumber:
            // JSONSerialization hands booleans over as NSNumbers of Objective-C type "c" (char), numbers
            // written with a fraction or an exponent as "d" (double), and integers as integer types.
            switch String(cString: number.objCType) {
            case "c": return .text(number.boolValue ? "true" : "false")
            case "d", "f": return .number(number.doubleValue)
            case "Q" where number.uint64Value > UInt64(Int64.max): return .number(number.doubleValue)
            default: return .integer(number.int64Value)
            }
        default:
            throw fail("field \"\(field)\" holds an object or array, which is not a value; exclude the field")
        }
    }

    private static func value(ofCell cell: String) -> ReferenceValue {
        let trimmed = cell.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .missing }
        if let integer = Int64(trimmed) { return .integer(integer) }
        if let number = Double(trimmed) { return .number(number) }
        return .text(trimmed)
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    /// The line breaks inside a (quoted) CSV field; `"\r\n"` is one character, so it counts once.
    private static func lineBreaks(in field: String) -> Int {
        field.reduce(0) { $0 + ($1 == "\n" || $1 == "\r" || $1 == "\r\n" ? 1 : 0) }
    }
}
