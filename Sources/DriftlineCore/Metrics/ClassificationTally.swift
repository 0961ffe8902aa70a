/// Running counts for classification quality, in flat per-class arrays indexed by class id.
///
/// Per class it keeps how often the class was predicted, how often it was the true class, and
/// how often both at once — enough for accuracy and per-class precision, recall and F1 without a
/// full confusion matrix. Arrays grow when a larger class id appears.
public struct ClassificationTally: Codable, Equatable, Sendable {
    /// Per class: records predicting the class whose true class it also was.
    public private(set) var truePositives: [Int]
    /// Per class: records predicting the class.
    public private(set) var predicted: [Int]
    /// Per class: records whose true class it was (the class's support).
    public private(set) var actual: [Int]
    /// All records.
    public private(set) var total = 0
    /// Records whose prediction was the true class.
    public private(set) var correct = 0

    /// An empty tally with room for `classCount` classes.
    public init(classCount: Int = 0) {
        truePositives = Array(repeating: 0, count: classCount)
        predicted = truePositives
        actual = truePositives
    }

    /// The number of classes the tally has room for.
    public var classCount: Int { actual.count }

    /// Records one labelled prediction; both are class ids (non-negative).
    public mutating func record(predicted predictedClass: Int, actual actualClass: Int) {
        let needed = max(predictedClass, actualClass) + 1
        if needed > classCount { grow(to: needed) }
        predicted[predictedClass] &+= 1
        actual[actualClass] &+= 1
        total &+= 1
        if predictedClass == actualClass {
            truePositives[predictedClass] &+= 1
            correct &+= 1
        }
    }

    /// Adds the counts of `other` to this tally.
    public mutating func merge(_ other: ClassificationTally) {
        if other.classCount > classCount { grow(to: other.classCount) }
        for i in 0..<other.classCount {
            truePositives[i] += other.truePositives[i]
            predicted[i] += other.predicted[i]
            actual[i] += other.actual[i]
        }
        total += other.total
        correct += other.correct
    }

    /// This tally with class `i` counted as class `ids[i]` (`ids` has an entry per class of this tally
    /// at least, and maps distinct classes to distinct ids).
    public func renumbered(_ ids: [Int]) -> ClassificationTally {
        var renumbered = ClassificationTally(classCount: (ids.prefix(classCount).max() ?? -1) + 1)
        for i in 0..<classCount {
            renumbered.truePositives[ids[i]] = truePositives[i]
            renumbered.predicted[ids[i]] = predicted[i]
            renumbered.actual[ids[i]] = actual[i]
        }
        renumbered.total = total
        renumbered.correct = correct
        return renumbered
    }

    /// The fraction of records predicted correctly; `nil` when there are none.
    public var accuracy: Double? {
        total == 0 ? nil : Double(correct) / Double(total)
    }

    /// Makes room for classes up to `classCount − 1`.
    public mutating func grow(to classCount: Int) {
        guard classCount > self.classCount else { return }
        let extra = classCount - self.classCount
        truePositives.append(contentsOf: repeatElement(0, count: extra))
        predicted.append(contentsOf: repeatElement(0, count: extra))
        actual.append(contentsOf: repeatElement(0, count: extra))
    }
}
