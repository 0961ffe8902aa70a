import DriftlineCore
import Foundation
import Testing

@Suite struct BaselineCodingTests {
    static let sample = Baseline(
        model: "weld-defect-cls", version: "3.2.0",
        features: [
            .numeric(
                name: "temp_c", edges: [400, 410.5], expected: [0.25, 0.5, 0.25], referenceCount: 8,
                missingRate: 0.125),
            .categorical(
                name: "material", categories: ["S235", "S355"], expected: [0.4, 0.6, 0], referenceCount: 8,
                missingRate: 0),
        ],
        offline: OfflineMetrics(
            classes: ["defect", "ok"],
            classification: ClassificationMetrics(
                {
                    var tally = ClassificationTally()
                    tally.record(predicted: 0, actual: 0)
                    tally.record(predicted: 1, actual: 0)
                    return tally
                }(), classCount: 2)!),
        latencyBudgetMs: 100, binning: .init(method: .quantile, binCount: 10),
        createdFrom: .init(referenceRows: 8, testRows: 2))

    @Test func roundTripsThroughJSON() throws {
        let data = try JSONEncoder().encode(Self.sample)
        #expect(try JSONDecoder().decode(Baseline.self, from: data) == Self.sample)
    }

    @Test func usesSnakeCaseKeys() throws {
        let text = String(decoding: try JSONEncoder().encode(Self.sample), as: UTF8.self)
        for key in [
            "latency_budget_ms", "created_from", "reference_rows", "bin_count", "reference_count",
            "missing_rate", "per_class",
        ] {
            #expect(text.contains("\"\(key)\""), "missing key \(key)")
        }
        #expect(!text.contains("referenceCount"))
    }

    @Test func absentOfflineMetricsAndBudgetAreNull() throws {
        var baseline = Self.sample
        baseline.offline = nil
        baseline.latencyBudgetMs = nil
        let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(baseline)) as? [String: Any]
        #expect(object?["offline"] is NSNull)
        #expect(object?["latency_budget_ms"] is NSNull)
        #expect(try JSONDecoder().decode(Baseline.self, from: try JSONEncoder().encode(baseline)) == baseline)
    }

    private static func document(feature: String) -> Data {
        Data(
            """
            {"model": "m", "version": "1", "features": [\(feature)], "offline": null,
             "binning": {"method": "quantile", "bin_count": 10},
             "created_from": {"reference_rows": 4, "test_rows": 0}}
            """.utf8)
    }

    @Test(arguments: [
        (#""edges": [2, 1], "expected": [0.2, 0.3, 0.5]"#, BaselineError.Code.invalidEdges),
        (#""edges": [1, 1], "expected": [0.2, 0.3, 0.5]"#, .invalidEdges),
        (#""edges": [1, 2], "expected": [0.5, 0.5]"#, .invalidProportions),
        (#""edges": [1, 2], "expected": [0.2, 0.3, 0.4]"#, .invalidProportions),
        (#""edges": [1, 2], "expected": [-0.2, 0.7, 0.5]"#, .invalidProportions),
    ])
    func invalidNumericProfilesAreRejectedOnLoad(fields: String, code: BaselineError.Code) {
        let json = Self.document(
            feature: #"{"name": "x", "kind": "numeric", \#(fields), "reference_count": 4, "missing_rate": 0}"#)
        #expect { try JSONDecoder().decode(Baseline.self, from: json) } throws: { ($0 as? BaselineError)?.code == code }
    }

    @Test func repeatedCategoryIsRejectedOnLoad() {
        let json = Self.document(
            feature: #"""
                {"name": "g", "kind": "categorical", "categories": ["a", "a"], "expected": [0.5, 0.5, 0],
                 "reference_count": 4, "missing_rate": 0}
                """#)
        #expect { try JSONDecoder().decode(Baseline.self, from: json) } throws: {
            ($0 as? BaselineError)?.code == .duplicateCategory
        }
    }

    @Test func validProfileLoads() throws {
        let json = Self.document(
            feature: #"""
                {"name": "x", "kind": "numeric", "edges": [1, 2], "expected": [0.25, 0.5, 0.25],
                 "reference_count": 4, "missing_rate": 0}
                """#)
        let baseline = try JSONDecoder().decode(Baseline.self, from: json)
        #expect(try baseline.features[0].numericBinner().bin(1.5) == 1)
    }
}
