public import DriftlineCore

/// What one run of a `Pipeline` did.
public struct RunSummary: Sendable {
    /// Non-blank input lines read.
    public var records = 0
    /// Dead-lettered records by reason code.
    public var deadLetters: [String: Int] = [:]
    /// Dead letters the dead-letter sink failed to take.
    public var deadLetterFailures = 0
    /// The first output delivery failure, after which no offset was committed.
    public var outputFailure: String?
    /// Records delivered again that were processed before (skipped, not counted twice).
    public var recordsReadAgain = 0
    /// Kafka partitions given up in a rebalance while open windows still counted some of their
    /// records: the member that takes one over reads those records again from the committed offset.
    public var partitionsRevokedWhileCounted = 0
    public var results = 0
    public var alerts = 0
    public var triggers = 0
    /// Store transactions written again because the file could not take them (disk full, …).
    public var storeRetries = 0
    public var processor = ProcessorCounters()
    public var elapsedSeconds = 0.0

    public init() {}

    /// A few lines for the end of a run.
    public var report: String {
        let dead =
            deadLetters.isEmpty
            ? "0" : deadLetters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let rate = elapsedSeconds > 0 ? Int(Double(records) / elapsedSeconds) : 0
        return """
            records \(records) (\(rate)/s): inferences \(processor.inferences), labels \(processor.labels), \
            resources \(processor.resources)
            dead letters: \(dead)\(deadLetterFailures > 0 ? " (\(deadLetterFailures) could not be written)" : "")
            labels: matched \(processor.labelsMatched), unmatched \(processor.labelsUnmatched), \
            beyond wait \(processor.labelsBeyondWait), late \(processor.labelsLate); \
            inferences never labelled \(processor.unlabelled + processor.evictedUnlabelled)
            out: \(results) window results, \(alerts) alerts, \(triggers) retrain triggers\
            \(processor.windowsUnjudgedFewLabels > 0 ? "\naccuracy windows not judged (fewer labels than min_labels): \(processor.windowsUnjudgedFewLabels)" : "")\
            \(processor.triggersInCooldown > 0 ? "\nretraining triggers held back by the cooldown: \(processor.triggersInCooldown)" : "")\
            \(processor.keysForgotten > 0 ? "\nkeys forgotten after their idle time: \(processor.keysForgotten)" : "")\
            \(processor.duplicates > 0 ? "\nduplicate request ids (dead-lettered; the first counted): \(processor.duplicates)" : "")\
            \(processor.inferencesWithoutBaseline > 0 ? "\ninferences of model versions without a baseline (measured; no PSI, no offline accuracy): \(processor.inferencesWithoutBaseline)" : "")\
            \(processor.keyLimited > 0 ? "\nevents of new keys past the key limit (dead-lettered): \(processor.keyLimited)" : "")\
            \(processor.unmeasuredFeatureValues > 0 ? "\nfeature values past the feature limit (not measured): \(processor.unmeasuredFeatureValues)" : "")\
            \(recordsReadAgain > 0 ? "\nrecords read again and skipped (processed before): \(recordsReadAgain)" : "")\
            \(partitionsRevokedWhileCounted > 0 ? "\npartitions revoked while open windows counted their records: \(partitionsRevokedWhileCounted)" : "")\
            \(storeRetries > 0 ? "\nstore transactions written again after the file refused them (disk full, read-only, busy): \(storeRetries)" : "")\
            \(outputFailure.map { "\nOUTPUT FAILURE (offsets not committed since): \($0)" } ?? "")
            """
    }
}
