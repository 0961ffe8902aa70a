/// A model version's quality on its held-out test set: classification or regression metrics.
public struct OfflineMetrics: Codable, Equatable, Sendable {
    /// The class names, in class-id order (empty for a regressor).
    public var classes: [String]
    /// A classifier's metrics, `perClass` in the order of `classes`.
    public var classification: ClassificationMetrics?
    /// A regressor's metrics.
    public var regression: RegressionMetrics?

    /// A classifier's offline metrics.
    public init(classes: [String], classification: ClassificationMetrics) {
        self.classes = classes
        self.classification = classification
        regression = nil
    }

    /// A regressor's offline metrics.
    public init(regression: RegressionMetrics) {
        classes = []
        classification = nil
        self.regression = regression
    }

    /// The offline accuracy a window's online accuracy is compared with; `nil` for a regressor.
    public var accuracy: Double? { classification?.accuracy }

    /// Checks that exactly one family is present and the per-class figures match the class names.
    ///
    /// - Throws: `BaselineError.Code.invalidBaseline` naming the inconsistency.
    public func validate() throws {
        switch (classification, regression) {
        case (let classification?, nil):
            guard classification.perClass.count == classes.count else {
                throw BaselineError(
                    .invalidBaseline,
                    "offline metrics list \(classes.count) classes "
                        + "but \(classification.perClass.count) per-class entries"
                )
            }
            guard Set(classes).count == classes.count else {
                throw BaselineError(.invalidBaseline, "offline metrics list a class twice")
            }
            guard (0...1).contains(classification.accuracy) else {
                throw BaselineError(.invalidBaseline, "offline accuracy \(classification.accuracy) is not in 0...1")
            }
        case (nil, let regression?):
            guard classes.isEmpty else {
                throw BaselineError(.invalidBaseline, "regression offline metrics must not list classes")
            }
            guard regression.mae >= 0 && regression.rmse >= 0 else {
                throw BaselineError(.invalidBaseline, "offline MAE and RMSE must not be negative")
            }
        default:
            throw BaselineError(
                .invalidBaseline, "offline metrics must hold exactly one of \"classification\" and \"regression\"")
        }
    }

    enum CodingKeys: String, CodingKey {
        case classes
        case classification
        case regression
    }
}
