/// Accuracy and per-class precision, recall and F1 of a classifier.
public struct ClassificationMetrics: Codable, Equatable, Sendable {
    /// The quality figures of one class.
    public struct ClassMetrics: Codable, Equatable, Sendable {
        /// Of the records predicted as this class, the fraction that were; `nil` when it was never predicted.
        public var precision: Double?
        /// Of the records of this class, the fraction predicted as it; `nil` when it never occurred.
        public var recall: Double?
        /// The harmonic mean of precision and recall (0 when both are 0); `nil` when either is `nil`.
        public var f1: Double?
        /// How many records were of this class.
        public var support: Int

        /// Figures from raw counts of one class.
        public init(truePositives: Int, predicted: Int, actual: Int) {
            precision = predicted == 0 ? nil : Double(truePositives) / Double(predicted)
            recall = actual == 0 ? nil : Double(truePositives) / Double(actual)
            if let precision, let recall {
                f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            } else {
                f1 = nil
            }
            support = actual
        }
    }

    /// The fraction of records predicted correctly.
    public var accuracy: Double
    /// How many labelled records the figures come from.
    public var count: Int
    /// Per class id, in class order.
    public var perClass: [ClassMetrics]

    /// The metrics of `tally` over `classCount` classes (at least the tally's own); `nil` when the
    /// tally holds no record.
    public init?(_ tally: ClassificationTally, classCount: Int = 0) {
        guard let accuracy = tally.accuracy else { return nil }
        self.accuracy = accuracy
        count = tally.total
        perClass = (0..<max(classCount, tally.classCount)).map { i in
            i < tally.classCount
                ? ClassMetrics(
                    truePositives: tally.truePositives[i], predicted: tally.predicted[i], actual: tally.actual[i])
                : ClassMetrics(truePositives: 0, predicted: 0, actual: 0)
        }
    }

    enum CodingKeys: String, CodingKey {
        case accuracy
        case count
        case perClass = "per_class"
    }
}
