public import DriftlineCore

/// One row of reference or test data: the model's inputs and, when known, its output and the truth.
public struct ReferenceRow: Equatable, Sendable {
    /// The input features by name.
    public var features: [String: ReferenceValue]
    /// The model's prediction, `.missing` when the row has none.
    public var prediction: ReferenceValue
    /// The ground-truth label, `.missing` when the row has none.
    public var label: ReferenceValue

    /// A row of the given features, prediction and label.
    public init(
        features: [String: ReferenceValue], prediction: ReferenceValue = .missing, label: ReferenceValue = .missing
    ) {
        self.features = features
        self.prediction = prediction
        self.label = label
    }
}
