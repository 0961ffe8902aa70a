public import DriftlineCore
public import Foundation

/// Builds baselines from reference and test files, and stores them as one JSON file per
/// (model, version).
public enum BaselineFiles {
    /// Builds the baseline of `model` at `version`.
    ///
    /// - Parameters:
    ///   - reference: the reference (training) data; its features are profiled.
    ///   - test: held-out test data whose rows carry a prediction and a label; `nil` for none.
    ///   - binCount: numeric bins per feature before repeated edges collapse.
    ///   - binning: where numeric edges go.
    ///   - latencyBudgetMs: the single-inference latency budget to record.
    ///   - task: what the model predicts; `nil` infers it from the test data.
    ///   - reader: how rows are read (prediction, label and excluded field names).
    /// - Throws: `ReferenceDataError` for unreadable files or malformed rows, `BaselineError` for
    ///   data that cannot make a baseline.
    public static func build(
        model: String, version: String, reference: URL, test: URL?, binCount: Int = 10,
        binning: Baseline.Binning.Method = .quantile, latencyBudgetMs: Double? = nil,
        task: ModelTask? = nil, reader: ReferenceDataReader = ReferenceDataReader()
    ) throws -> Baseline {
        var builder = BaselineBuilder(model: model, version: version, binCount: binCount, binning: binning, task: task)
        try reader.read(reference) { builder.addReference($0.features) }
        if let test {
            var scored = 0
            try reader.read(test) { row in
                builder.addTest(prediction: row.prediction, label: row.label)
                if row.prediction != .missing && row.label != .missing { scored += 1 }
            }
            guard scored > 0 else {
                throw BaselineError(
                    .noValues,
                    "\(test.path): no row has both a \"\(reader.predictionField)\" "
                        + "and a \"\(reader.labelField)\" value; "
                        + "name the prediction and label fields of the test data")
            }
        }
        return try builder.build(latencyBudgetMs: latencyBudgetMs)
    }

    /// The baseline stored at `url`, validated.
    ///
    /// - Throws: `BaselineError` naming the file: `.fileAccess` when it cannot be read,
    ///   `.invalidBaseline` (or a more specific code) when its content is not a valid baseline.
    public static func load(from url: URL) throws -> Baseline {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw BaselineError(.fileAccess, "\(url.path): cannot read the baseline (\(error.localizedDescription))")
        }
        do {
            return try JSONDecoder().decode(Baseline.self, from: data)
        } catch let error as BaselineError {
            throw BaselineError(error.code, "\(url.path): \(error.message)")
        } catch let DecodingError.dataCorrupted(context) {
            throw BaselineError(.invalidBaseline, "\(url.path): \(describe(context))")
        } catch let DecodingError.keyNotFound(key, context) {
            throw BaselineError(
                .invalidBaseline, "\(url.path): missing \"\(key.stringValue)\" at \(path(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw BaselineError(.invalidBaseline, "\(url.path): \(describe(context))")
        } catch {
            throw BaselineError(.invalidBaseline, "\(url.path): \(error)")
        }
    }

    /// Writes `baseline` to `url` as pretty-printed JSON with sorted keys, replacing the file atomically.
    ///
    /// - Throws: `BaselineError` when the baseline is invalid or the file cannot be written.
    public static func save(_ baseline: Baseline, to url: URL) throws {
        try baseline.validate()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(baseline)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw BaselineError(.fileAccess, "\(url.path): cannot write the baseline (\(error.localizedDescription))")
        }
    }

    /// The file name of the baseline of `model` at `version`: `<model>@<version>.json`, with every
    /// byte outside `A–Z a–z 0–9 . _ -` percent-encoded so any name makes one safe file name.
    public static func fileName(model: String, version: String) -> String {
        "\(escape(model))@\(escape(version)).json"
    }

    private static func escape(_ name: String) -> String {
        var escaped = ""
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                escaped += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        // A name of dots alone would be a directory reference.
        return escaped.allSatisfy { $0 == "." } ? escaped.replacingOccurrences(of: ".", with: "%2E") : escaped
    }

    private static func describe(_ context: DecodingError.Context) -> String {
        "\(context.debugDescription) (at \(path(context.codingPath)))"
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        guard !codingPath.isEmpty else { return "the top level" }
        return codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            .trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
