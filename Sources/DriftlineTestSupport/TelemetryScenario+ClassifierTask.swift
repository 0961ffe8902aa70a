extension TelemetryScenario {
    /// A binary classifier: the true class, and whether the model gets it right.
    ///
    /// The true class is `defectClass` with probability `defectRate`; the prediction equals it with
    /// probability `offlineAccuracy` (or a drift's lowered accuracy). `score`, the probability of the
    /// predicted class, is uniform in [0.75, 1) for a right prediction and in [0.5, 0.8) for a
    /// wrong one.
    ///
    /// A class name that is an integer (`"0"`, `"1"`) is written as a JSON integer, as models that
    /// emit class ids write it.
    public struct ClassifierTask: Sendable, Equatable {
        /// The negative class.
        public var okClass: String
        /// The positive class.
        public var defectClass: String
        /// Share of events whose true class is `defectClass`.
        public var defectRate: Double
        /// Accuracy of the model on its offline test set, and online before any `accuracyDrop`.
        public var offlineAccuracy: Double

        /// Classes `ok`/`defect`, 8% defects, offline accuracy 0.97.
        public init(
            okClass: String = "ok", defectClass: String = "defect", defectRate: Double = 0.08,
            offlineAccuracy: Double = 0.97
        ) {
            self.okClass = okClass
            self.defectClass = defectClass
            self.defectRate = defectRate
            self.offlineAccuracy = offlineAccuracy
        }
    }
}
