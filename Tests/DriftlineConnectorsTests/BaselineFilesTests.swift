import DriftlineConnectors
import DriftlineCore
import Foundation
import Testing

@Suite struct BaselineFilesTests {
    private let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    private func write(_ name: String, _ text: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func buildsFromReferenceCSVAndTestNDJSON() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        // x = 0, 2, 4, 10 with 5 equal-width bins: edges 2, 4, 6, 8; one value in bins 0, 1, 2, 4.
        // g = a, a, b, (empty): a 2/3, b 1/3; missing 1/4.
        let reference = try write("ref.csv", "x,g\n0,a\n2,a\n4,b\n10,\n")
        // Predictions ok, ok, defect against labels ok, defect, defect: 2 of 3 correct.
        let test = try write(
            "test.ndjson",
            """
            {"features":{"x":1},"prediction":"ok","label":"ok"}
            {"features":{"x":1},"prediction":"ok","label":"defect"}
            {"features":{"x":1},"prediction":"defect","label":"defect"}
            """)
        let baseline = try BaselineFiles.build(
            model: "weld", version: "3.2.0", reference: reference, test: test, binCount: 5, binning: .equalWidth,
            latencyBudgetMs: 100)
        let x = try #require(baseline.feature(named: "x"))
        #expect(x.edges == [2, 4, 6, 8])
        #expect(x.expected == [0.25, 0.25, 0.25, 0, 0.25])
        let g = try #require(baseline.feature(named: "g"))
        #expect(g.categories == ["a", "b"])
        #expect(abs(g.expected[0] - 2.0 / 3) < 1e-12 && abs(g.expected[1] - 1.0 / 3) < 1e-12 && g.expected[2] == 0)
        #expect(g.missingRate == 0.25)
        #expect(abs(try #require(baseline.offline?.accuracy) - 2.0 / 3) < 1e-12)
        #expect(baseline.createdFrom == Baseline.Provenance(referenceRows: 4, testRows: 3))
        #expect(baseline.binning == Baseline.Binning(method: .equalWidth, binCount: 5))
    }

    @Test func testDataWithoutLabelsNamesTheFields() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let reference = try write("ref.csv", "x\n1\n")
        let test = try write("test.csv", "x,outcome\n1,ok\n")
        #expect {
            try BaselineFiles.build(model: "m", version: "1", reference: reference, test: test)
        } throws: { error in
            let error = error as? BaselineError
            return error?.code == .noValues && error?.message.contains("\"label\"") == true
        }
    }

    @Test func savesAndLoadsTheSameBaseline() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        var builder = BaselineBuilder(model: "m", version: "1")
        for value in [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] { builder.addReference(["x": .number(value / 7)]) }
        builder.addTest(prediction: .number(1.5), label: .number(1))
        let baseline = try builder.build(latencyBudgetMs: 80)
        let url = directory.appendingPathComponent(BaselineFiles.fileName(model: "m", version: "1"))
        try BaselineFiles.save(baseline, to: url)
        #expect(try BaselineFiles.load(from: url) == baseline)
    }

    @Test func loadingAnInvalidFileNamesFileAndProblem() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try write("bad.json", #"{"model": "m", "version": "1", "features": []}"#)
        #expect {
            try BaselineFiles.load(from: url)
        } throws: { error in
            let error = error as? BaselineError
            return error?.code == .invalidBaseline && error?.message.contains("bad.json") == true
                && error?.message.contains("binning") == true
        }
        let missing = directory.appendingPathComponent("none.json")
        #expect { try BaselineFiles.load(from: missing) } throws: { ($0 as? BaselineError)?.code == .fileAccess }
    }

    @Test(arguments: [
        ("weld-defect-cls", "3.2.0", "weld-defect-cls@3.2.0.json"),
        ("weld/cls", "v 1", "weld%2Fcls@v%201.json"),
        ("..", "1", "%2E%2E@1.json"),
    ])
    func fileNamesAreSafe(model: String, version: String, name: String) {
        #expect(BaselineFiles.fileName(model: model, version: version) == name)
    }
}
