/// What a model predicts, which decides how its predictions are judged against labels.
///
/// A baseline records its version's task (chosen by `BaselineBuilder` from the test set, or given);
/// the engine takes it from there.
public enum ModelTask: String, Codable, Equatable, Sendable, CaseIterable {
    /// Class labels: text, integers or booleans. Judged by accuracy and per-class metrics.
    case classification
    /// Numbers. Judged by mean absolute and root mean squared error.
    case regression
}
