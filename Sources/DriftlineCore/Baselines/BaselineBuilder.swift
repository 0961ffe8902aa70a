/// Builds a `Baseline` from reference (training) rows and held-out test predictions.
///
/// A feature's kind follows its values: numbers make it numeric, text makes it categorical, both
/// is an error. Non-finite numbers and missing values are left out of the bins and counted in the
/// feature's missing rate, as are rows that lack the feature.
public struct BaselineBuilder: Sendable {
    /// The bin counts the builder accepts.
    public static let binCountRange = 2...1000

    private struct Column: Sendable {
        var numbers: [Double] = []
        var categoryCounts: [String: Int] = [:]
    }

    private let model: String
    private let version: String
    private let binCount: Int
    private let binning: Baseline.Binning.Method
    private let maxCategories: Int
    private let task: ModelTask?
    private var columns: [String: Column] = [:]
    private var referenceRows = 0
    private var testRows: [(prediction: ReferenceValue, label: ReferenceValue)] = []

    /// A builder for the baseline of `model` at `version`.
    ///
    /// - Parameters:
    ///   - binCount: bins per numeric feature before repeated edges collapse, in `binCountRange`.
    ///   - binning: where numeric edges go.
    ///   - maxCategories: the most categories a categorical feature keeps; the rarest beyond it
    ///     (ties broken by name) go to "other".
    ///   - task: what the model predicts; `nil` infers it from the test data as the contract reads
    ///     values: text, integers and booleans are class labels, and any prediction or label with a
    ///     fraction or an exponent makes the model a regressor.
    public init(
        model: String, version: String, binCount: Int = 10, binning: Baseline.Binning.Method = .quantile,
        maxCategories: Int = 100, task: ModelTask? = nil
    ) {
        self.model = model
        self.version = version
        self.binCount = binCount
        self.binning = binning
        self.maxCategories = maxCategories
        self.task = task
    }

    /// Adds one reference row: its features by name.
    public mutating func addReference(_ features: [String: ReferenceValue]) {
        referenceRows += 1
        for (name, value) in features {
            switch value {
            case .missing:
                continue
            case .integer, .number:
                guard let number = value.numeric, number.isFinite else { continue }
                columns[name, default: Column()].numbers.append(number)
            case .text(let text):
                columns[name, default: Column()].categoryCounts[text, default: 0] += 1
            }
        }
    }

    /// Adds one held-out test row: the model's prediction and the true label. Rows missing either
    /// are not scored.
    public mutating func addTest(prediction: ReferenceValue, label: ReferenceValue) {
        testRows.append((prediction, label))
    }

    /// The baseline of everything added so far.
    ///
    /// - Parameter latencyBudgetMs: the single-inference latency budget to record, if any.
    /// - Throws: `BaselineError` when the bin count is out of range, there are no reference rows,
    ///   a feature mixes numbers and text, or the test data cannot be scored.
    public func build(latencyBudgetMs: Double? = nil) throws -> Baseline {
        guard Self.binCountRange.contains(binCount) else {
            throw BaselineError(
                .invalidBinCount,
                "bin count \(binCount) is out of range; use "
                    + "\(Self.binCountRange.lowerBound)...\(Self.binCountRange.upperBound)"
            )
        }
        guard maxCategories >= 1 else {
            throw BaselineError(.invalidBinCount, "the category limit must be at least 1, not \(maxCategories)")
        }
        guard referenceRows > 0 else {
            throw BaselineError(.noValues, "the reference data has no rows")
        }
        let features = try columns.keys.sorted().map { name in try profile(name, columns[name]!) }
        let (offline, scored, choice) = try offlineMetrics()
        let baseline = Baseline(
            model: model, version: version, task: choice?.task ?? task, taskBasis: choice?.basis, features: features,
            offline: offline, latencyBudgetMs: latencyBudgetMs,
            binning: Baseline.Binning(method: binning, binCount: binCount),
            createdFrom: Baseline.Provenance(referenceRows: referenceRows, testRows: scored))
        try baseline.validate()
        return baseline
    }

    private func profile(_ name: String, _ column: Column) throws -> FeatureProfile {
        let present = column.numbers.count + column.categoryCounts.values.reduce(0, +)
        let missingRate = Double(referenceRows - present) / Double(referenceRows)
        if !column.numbers.isEmpty && !column.categoryCounts.isEmpty {
            let example = column.categoryCounts.keys.min()!
            throw BaselineError(
                .mixedFeatureKinds,
                "feature \"\(name)\" holds both numbers and text (e.g. \"\(example)\"); "
                    + "a feature must be all numeric or all categorical")
        }
        if column.numbers.isEmpty {
            return try categoricalProfile(name, column.categoryCounts, present: present, missingRate: missingRate)
        }
        let sorted = column.numbers.sorted()
        let binner = try NumericBinner(edges: edges(of: sorted))
        var counts = [Int](repeating: 0, count: binner.binCount)
        for number in sorted { counts[binner.bin(number)!] += 1 }
        return .numeric(
            name: name, edges: binner.edges, expected: counts.map { Double($0) / Double(present) },
            referenceCount: referenceRows, missingRate: missingRate)
    }

    /// The interior edges for `sorted` before repeats collapse.
    private func edges(of sorted: [Double]) -> [Double] {
        let interior = 1..<binCount
        switch binning {
        case .quantile:
            return interior.map { Quantile.type7(sorted: sorted, p: Double($0) / Double(binCount)) }
        case .equalWidth:
            let low = sorted.first!
            let width = (sorted.last! - low) / Double(binCount)
            return interior.map { low + Double($0) * width }
        }
    }

    private func categoricalProfile(
        _ name: String, _ counts: [String: Int], present: Int, missingRate: Double
    ) throws -> FeatureProfile {
        let byFrequency = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let kept = byFrequency.prefix(maxCategories).sorted { $0.key < $1.key }
        let other = byFrequency.dropFirst(maxCategories).reduce(0) { $0 + $1.value }
        let expected = (kept.map(\.value) + [other]).map { Double($0) / Double(present) }
        return .categorical(
            name: name, categories: kept.map(\.key), expected: expected, referenceCount: referenceRows,
            missingRate: missingRate)
    }

    /// The task chosen for the test rows and, in words, why.
    private struct TaskChoice {
        var task: ModelTask
        var basis: String
    }

    /// The offline metrics of the scored test rows, how many rows were scored, and the task chosen.
    private func offlineMetrics() throws -> (OfflineMetrics?, Int, TaskChoice?) {
        guard !testRows.isEmpty else { return (nil, 0, nil) }
        let scored = testRows.filter { $0.prediction != .missing && $0.label != .missing }
        guard !scored.isEmpty else {
            throw BaselineError(.noValues, "no test row has both a prediction and a label")
        }
        switch try chooseTask(scored) {
        case .classification:
            var classes = Array(Set(scored.flatMap { [$0.prediction.className!, $0.label.className!] }))
            // Integer class ids in numeric order (0, 1, …, 10), other names in text order.
            let ids = classes.compactMap { Int64($0) }
            classes = ids.count == classes.count ? ids.sorted().map(String.init) : classes.sorted()
            let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
            var tally = ClassificationTally(classCount: classes.count)
            for row in scored {
                tally.record(predicted: index[row.prediction.className!]!, actual: index[row.label.className!]!)
            }
            let labels = Set(scored.map { if case .text = $0.label { "text" } else { "integer" } })
            let shown = classes.count <= 10 ? classes : Array(classes.prefix(9)) + ["…"]
            let basis =
                "\(classes.count) classes {\(shown.joined(separator: ", "))} from \(Self.grouped(scored.count)) "
                + (labels.count == 1 ? "\(labels.first!) labels" : "labels (integers and text)")
            return (
                OfflineMetrics(classes: classes, classification: ClassificationMetrics(tally)!), scored.count,
                TaskChoice(task: .classification, basis: task == nil ? basis : basis + " (task given)")
            )
        case .regression:
            var tally = RegressionTally()
            for row in scored {
                guard let predicted = row.prediction.numeric, let actual = row.label.numeric,
                    predicted.isFinite, actual.isFinite
                else {
                    throw BaselineError(
                        .invalidTestData,
                        "a regressor's predictions and labels must be finite numbers; "
                            + "found \(row.prediction) and \(row.label)"
                    )
                }
                tally.record(predicted: predicted, actual: actual)
            }
            let example = scored.lazy.flatMap { [$0.prediction, $0.label] }.first {
                if case .number = $0 { true } else { false }
            }
            let basis =
                task == nil
                ? "\(Self.grouped(scored.count)) labelled predictions with numbers such as \(example!.numeric!), "
                    + "written with a fraction or an exponent"
                : "\(Self.grouped(scored.count)) labelled predictions (task given)"
            return (
                OfflineMetrics(regression: RegressionMetrics(tally)!), scored.count,
                TaskChoice(task: .regression, basis: basis)
            )
        }
    }

    /// The given task, checked against the test values, or the one the values imply: integers, text
    /// and booleans are class labels; a number with a fraction or an exponent makes a regressor.
    private func chooseTask(_ scored: [(prediction: ReferenceValue, label: ReferenceValue)]) throws -> ModelTask {
        let values = scored.flatMap { [$0.prediction, $0.label] }
        let text = values.first { if case .text = $0 { true } else { false } }
        let fraction = values.first { if case .number = $0 { true } else { false } }
        switch task {
        case .classification:
            if case .number(let number)? = values.first(where: {
                if case .number(let x) = $0 { x != x.rounded() || !x.isFinite } else { false }
            }) {
                throw BaselineError(
                    .invalidTestData,
                    "a classifier's predictions and labels are class labels (text, integers or booleans); "
                        + "found \(number)")
            }
            return .classification
        case .regression:
            return .regression
        case nil:
            if case .text(let name)? = text, case .number(let number)? = fraction {
                throw BaselineError(
                    .invalidTestData,
                    "the test set mixes class labels (e.g. \"\(name)\") with numbers written with a fraction or "
                        + "an exponent (e.g. \(number)); a model is a classifier or a regressor: "
                        + "correct the data, or name the task (--task classification|regression)")
            }
            return fraction == nil ? .classification : .regression
        }
    }

    /// `n` with thousands separated by commas: 12,500.
    private static func grouped(_ n: Int) -> String {
        var digits = String(n)
        var index = digits.endIndex
        while digits.distance(from: digits.startIndex, to: index) > 3 {
            index = digits.index(index, offsetBy: -3)
            digits.insert(",", at: index)
        }
        return digits
    }
}
