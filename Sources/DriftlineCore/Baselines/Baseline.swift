/// The offline profile of one model version, against which its online behaviour is judged.
///
/// Stored as one JSON document per (`model`, `version`) with snake_case keys. Decoding validates
/// the document (see `validate()`), so a decoded baseline is always usable.
public struct Baseline: Codable, Equatable, Sendable {
    /// How numeric bin edges were chosen.
    public struct Binning: Codable, Equatable, Sendable {
        /// The rule that placed the edges.
        public enum Method: String, Codable, Equatable, Sendable, CaseIterable {
            /// Edges at the reference's 1/n, 2/n, … quantiles (Hyndman–Fan type 7).
            case quantile
            /// Edges splitting the reference's range into n equal parts.
            case equalWidth = "equal_width"
        }

        /// The rule that placed the edges.
        public var method: Method
        /// The number of bins asked for; repeated edges can leave a feature with fewer.
        public var binCount: Int

        /// A binning of `binCount` bins placed by `method`.
        public init(method: Method, binCount: Int) {
            self.method = method
            self.binCount = binCount
        }

        enum CodingKeys: String, CodingKey {
            case method
            case binCount = "bin_count"
        }
    }

    /// How much data the baseline was built from.
    public struct Provenance: Codable, Equatable, Sendable {
        /// Rows of the reference (training) data profiled.
        public var referenceRows: Int
        /// Rows of the held-out test data with both a prediction and a label.
        public var testRows: Int

        /// Provenance of a baseline built from the given row counts.
        public init(referenceRows: Int, testRows: Int) {
            self.referenceRows = referenceRows
            self.testRows = testRows
        }

        enum CodingKeys: String, CodingKey {
            case referenceRows = "reference_rows"
            case testRows = "test_rows"
        }
    }

    /// The model's name.
    public var model: String
    /// The model version the baseline belongs to.
    public var version: String
    /// What the version predicts; `nil` when no test set was profiled and none was given. Files
    /// written before the task was recorded take it from their offline metrics.
    public var task: ModelTask?
    /// Why the task was chosen, in words ("2 classes {0, 1} from 12,500 integer labels").
    public var taskBasis: String?
    /// One profile per input feature, sorted by name.
    public var features: [FeatureProfile]
    /// The version's quality on its test set; `nil` when no test set was given.
    public var offline: OfflineMetrics?
    /// The single-inference latency budget in milliseconds, when one is set.
    public var latencyBudgetMs: Double?
    /// How numeric bin edges were chosen.
    public var binning: Binning
    /// How much data the baseline was built from.
    public var createdFrom: Provenance

    /// A baseline from its parts; `validate()` checks them.
    public init(
        model: String, version: String, task: ModelTask? = nil, taskBasis: String? = nil, features: [FeatureProfile],
        offline: OfflineMetrics?, latencyBudgetMs: Double?, binning: Binning, createdFrom: Provenance
    ) {
        self.model = model
        self.version = version
        self.task = task ?? offline.map { $0.classification != nil ? .classification : .regression }
        self.taskBasis = taskBasis
        self.features = features
        self.offline = offline
        self.latencyBudgetMs = latencyBudgetMs
        self.binning = binning
        self.createdFrom = createdFrom
    }

    /// The profile of the feature called `name`.
    public func feature(named name: String) -> FeatureProfile? {
        features.first { $0.name == name }
    }

    /// Checks the baseline against the contract: non-empty model and version, uniquely named
    /// features with finite, strictly increasing edges and proportions that fit their bins and sum
    /// to 1, consistent offline metrics, a positive latency budget.
    ///
    /// - Throws: `BaselineError` naming the first broken rule.
    public func validate() throws {
        guard !model.isEmpty, !version.isEmpty else {
            throw BaselineError(.invalidBaseline, "a baseline needs a non-empty model and version")
        }
        var names = Set<String>()
        for feature in features {
            try feature.validate()
            guard names.insert(feature.name).inserted else {
                throw BaselineError(.invalidBaseline, "feature \"\(feature.name)\" is profiled twice")
            }
        }
        try offline?.validate()
        if let offline, let task, (offline.classification != nil) != (task == .classification) {
            throw BaselineError(.invalidBaseline, "task \(task.rawValue) contradicts the offline metrics")
        }
        if let latencyBudgetMs, !(latencyBudgetMs.isFinite && latencyBudgetMs > 0) {
            throw BaselineError(.invalidBaseline, "latency_budget_ms must be a positive number, not \(latencyBudgetMs)")
        }
        guard binning.binCount >= 1 else {
            throw BaselineError(.invalidBinCount, "binning.bin_count must be at least 1, not \(binning.binCount)")
        }
        guard createdFrom.referenceRows >= 0, createdFrom.testRows >= 0 else {
            throw BaselineError(.invalidBaseline, "created_from row counts must not be negative")
        }
    }

    enum CodingKeys: String, CodingKey {
        case model
        case version
        case task
        case taskBasis = "task_basis"
        case features
        case offline
        case latencyBudgetMs = "latency_budget_ms"
        case binning
        case createdFrom = "created_from"
    }

    /// Decodes and validates a baseline.
    ///
    /// - Throws: a decoding error for a malformed document, `BaselineError` for one that breaks the contract.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        version = try container.decode(String.self, forKey: .version)
        features = try container.decode([FeatureProfile].self, forKey: .features)
        offline = try container.decodeIfPresent(OfflineMetrics.self, forKey: .offline)
        task =
            try container.decodeIfPresent(ModelTask.self, forKey: .task)
            ?? offline.map { $0.classification != nil ? .classification : .regression }
        taskBasis = try container.decodeIfPresent(String.self, forKey: .taskBasis)
        latencyBudgetMs = try container.decodeIfPresent(Double.self, forKey: .latencyBudgetMs)
        binning = try container.decode(Binning.self, forKey: .binning)
        createdFrom = try container.decode(Provenance.self, forKey: .createdFrom)
        try validate()
    }

    /// Encodes the baseline, writing `task`, `offline` and `latency_budget_ms` as `null` when absent.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(version, forKey: .version)
        try container.encode(task, forKey: .task)
        try container.encodeIfPresent(taskBasis, forKey: .taskBasis)
        try container.encode(features, forKey: .features)
        try container.encode(offline, forKey: .offline)
        try container.encode(latencyBudgetMs, forKey: .latencyBudgetMs)
        try container.encode(binning, forKey: .binning)
        try container.encode(createdFrom, forKey: .createdFrom)
    }
}
