import DriftlineConnectors
import DriftlineCore
import Foundation
import Testing

@Suite struct ReferenceDataReaderTests {
    private func rows(csv: String, reader: ReferenceDataReader = ReferenceDataReader()) throws -> [ReferenceRow] {
        var rows: [ReferenceRow] = []
        try reader.read(csv: csv, file: "data.csv") { rows.append($0) }
        return rows
    }

    private func rows(ndjson: String, reader: ReferenceDataReader = ReferenceDataReader()) throws -> [ReferenceRow] {
        var rows: [ReferenceRow] = []
        try reader.read(ndjson: Data(ndjson.utf8), file: "data.ndjson") { rows.append($0) }
        return rows
    }

    private func failure(_ body: () throws -> Void) -> ReferenceDataError? {
        do {
            try body()
            return nil
        } catch {
            return error as? ReferenceDataError
        }
    }

    @Test func csvCellsBecomeNumbersCategoriesOrMissing() throws {
        let csv = """
            temp_c,material,label,prediction
            412.5,S355,ok,ok
            ,S235,defect,ok
            -1e3, "3,5" ,ok,

            """
        let rows = try rows(csv: csv)
        #expect(rows.count == 3)
        #expect(
            rows[0]
                == ReferenceRow(
                    features: ["temp_c": .number(412.5), "material": .text("S355")], prediction: .text("ok"),
                    label: .text("ok")))
        #expect(rows[1].features == ["temp_c": .missing, "material": .text("S235")])
        #expect(rows[2].features["temp_c"] == .number(-1000))
        #expect(rows[2].features["material"] == .text("3,5"))
        #expect(rows[2].prediction == .missing)
    }

    @Test func csvFieldNamesAndExclusions() throws {
        let reader = ReferenceDataReader(predictionField: "yhat", labelField: "y", excludedFields: ["id"])
        let rows = try rows(csv: "id,x,y,yhat\nr1,1,2,2.5\n", reader: reader)
        // Cells that are integers stay integers (class ids as predictions and labels).
        #expect(rows == [ReferenceRow(features: ["x": .integer(1)], prediction: .number(2.5), label: .integer(2))])
    }

    @Test func csvRowWithWrongFieldCountNamesItsLine() {
        // Line 1 header; the record on lines 2–3 has a quoted line break; line 4 is short.
        let csv = "a,b\n1,\"x\ny\"\n2\n"
        let error = failure { _ = try rows(csv: csv) }
        #expect(error?.code == .malformedRow)
        #expect(error?.file == "data.csv")
        #expect(error?.line == 4)
        #expect(error?.description.hasPrefix("data.csv:4: ") == true)
    }

    @Test func ndjsonReadsContractEventsAndFlatObjects() throws {
        let ndjson = """
            {"type":"inference","model":"m","features":{"temp_c":412.5,"material":"S355","ok":true,"gap":null},"prediction":"defect","label":"ok"}

            {"type":"label","model":"m","request_id":"r1","label":"defect"}
            {"temp_c":3,"material":"S235","prediction":1,"label":0,"score":1e0,"big":12345678901234,"half":0.5}
            """
        let rows = try rows(ndjson: ndjson)
        #expect(rows.count == 2)
        #expect(
            rows[0]
                == ReferenceRow(
                    features: [
                        "temp_c": .number(412.5), "material": .text("S355"), "ok": .text("true"), "gap": .missing,
                    ],
                    prediction: .text("defect"), label: .text("ok")))
        #expect(
            rows[1]
                == ReferenceRow(
                    features: [
                        "temp_c": .integer(3), "material": .text("S235"), "score": .number(1),
                        "big": .integer(12_345_678_901_234), "half": .number(0.5),
                    ], prediction: .integer(1), label: .integer(0)))
    }

    @Test(arguments: [
        ("{\"x\":1}\n{\"x\":2}\n{\"x\":\n", 3),
        ("{\"x\":1}\r\n\r\n[1,2]\r\n", 3),
        ("{\"x\":1}\n{\"x\":{\"nested\":1}}\n", 2),
    ])
    func malformedNDJSONNamesItsLine(text: String, line: Int) {
        let error = failure { _ = try rows(ndjson: text) }
        #expect(error?.code == .malformedRow)
        #expect(error?.line == line)
    }

    @Test func readsFilesByExtension() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("ref.csv")
        try Data("x,g\n1,a\n2,b\n".utf8).write(to: csv)
        let jsonl = directory.appendingPathComponent("ref.jsonl")
        try Data("{\"x\":1,\"g\":\"a\"}\n{\"x\":2,\"g\":\"b\"}\n".utf8).write(to: jsonl)
        var fromCSV: [ReferenceRow] = []
        try ReferenceDataReader().read(csv) { fromCSV.append($0) }
        var fromJSONL: [ReferenceRow] = []
        try ReferenceDataReader().read(jsonl) { fromJSONL.append($0) }
        #expect(
            fromCSV == [
                ReferenceRow(features: ["x": .integer(1), "g": .text("a")]),
                ReferenceRow(features: ["x": .integer(2), "g": .text("b")]),
            ])
        #expect(fromJSONL == fromCSV)
        let unknown = failure {
            try ReferenceDataReader().read(directory.appendingPathComponent("ref.parquet")) { _ in }
        }
        #expect(unknown?.code == .unknownFormat)
    }
}
