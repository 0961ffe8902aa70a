public import DriftlineCore
import Foundation

/// The offline baseline of a scenario's model, built the way a user builds one: from the
/// generator's reference set (pre-drift features) and its labelled test set.
public enum TelemetryBaseline {
    /// Builds the baseline of the scenario's first model from `referenceRows` reference rows and
    /// `testRows` test rows drawn with `seed`.
    public static func build(
        for scenario: TelemetryScenario, seed: UInt64, referenceRows: Int = 20_000, testRows: Int = 5_000
    ) throws -> Baseline {
        let model = scenario.models[0]
        var builder = BaselineBuilder(model: model.name, version: model.version)
        var reference = try TelemetryGenerator.referenceRows(of: scenario, seed: seed, rows: referenceRows)
        while let line = reference.next() {
            builder.addReference(try features(of: try object(line)))
        }
        var test = try TelemetryGenerator.testRows(of: scenario, seed: seed &+ 1, rows: testRows)
        while let line = test.next() {
            let row = try object(line)
            builder.addTest(prediction: value(row["prediction"]), label: value(row["label"]))
        }
        return try builder.build(latencyBudgetMs: 100)
    }

    private static func object(_ line: [UInt8]) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            throw ScenarioError(.invalidParameter, "generated line is not a JSON object")
        }
        return object
    }

    private static func features(of row: [String: Any]) throws -> [String: ReferenceValue] {
        (row["features"] as? [String: Any] ?? [:]).mapValues(value)
    }

    private static func value(_ any: Any?) -> ReferenceValue {
        // The generator writes numbers and strings only (no booleans).
        switch any {
        case let text as String: .text(text)
        case let number as NSNumber: .number(number.doubleValue)
        default: .missing
        }
    }
}
