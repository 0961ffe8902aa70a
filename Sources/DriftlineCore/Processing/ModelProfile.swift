/// What the processor knows about one (model, version): its baseline compiled for the hot path,
/// the slots of its features and the classes its predictions and labels use.
///
/// Feature slots: the baseline's features come first (slot = baseline order) and can be binned;
/// features the baseline does not know get later slots on first sight and are measured for their
/// missing rate only. Every numeric feature's edges sit in one flat buffer, so binning a value
/// touches no reference count.
final class ModelProfile {
    /// How one baseline feature is binned.
    private struct Binning {
        /// Offset of the feature's first bin in a window's flat bin counts.
        var binOffset: Int
        /// Numeric: range of its edges in `edges`; categorical: index into `categoryBinners`, count -1.
        var edgeOffset: Int
        var edgeCount: Int
    }

    let model: Symbol
    let version: Symbol
    let baseline: Baseline?
    /// Offset of each baseline feature's first bin in a window's flat bin counts.
    let binOffsets: [Int]
    let totalBins: Int
    /// How many features the baseline has (slots below this can be binned).
    let baselineFeatureCount: Int
    private let binnings: UnsafeMutableBufferPointer<Binning>
    private let edges: UnsafeMutableBufferPointer<Double>
    private let categoryBinners: [CategoryBinner]
    /// Names of every slot, baseline features first.
    private(set) var featureNames: [String]
    /// Slot of a feature by its symbol id; -1 where not assigned yet.
    private var slotBySymbol: [Int32] = []
    /// Class names of predictions and labels, the baseline's first.
    let classes = LocalSymbolTable(capacity: 16)
    /// The baseline's task. A version without one (no baseline, or one built without a test set
    /// or a given task) takes it from its first prediction: a class label (text, boolean or whole
    /// number) makes it a classifier, any other number a regressor.
    var task: ModelTask?
    /// The bytes (`lastClassCount` of them, at most `lastClassCapacity`) and index of the class
    /// text looked up last: predictions mostly repeat a class, which then costs one comparison.
    private let lastClass = UnsafeMutablePointer<UInt8>.allocate(capacity: ModelProfile.lastClassCapacity)
    private var lastClassCount = -1
    private var lastClassIndex = 0
    private static let lastClassCapacity = 32

    init(model: Symbol, version: Symbol, baseline: Baseline?, symbols: SymbolTable) throws {
        self.model = model
        self.version = version
        self.baseline = baseline
        let features = baseline?.features ?? []
        var binnings: [Binning] = []
        var flatEdges: [Double] = []
        var categoryBinners: [CategoryBinner] = []
        var total = 0
        for feature in features {
            switch feature.kind {
            case .numeric:
                let binner = try feature.numericBinner()
                binnings.append(Binning(binOffset: total, edgeOffset: flatEdges.count, edgeCount: binner.edges.count))
                flatEdges += binner.edges
            case .categorical:
                binnings.append(Binning(binOffset: total, edgeOffset: categoryBinners.count, edgeCount: -1))
                categoryBinners.append(try feature.categoryBinner())
            }
            total += feature.expected.count
        }
        self.binnings = .allocate(capacity: binnings.count)
        _ = self.binnings.initialize(from: binnings)
        self.edges = .allocate(capacity: flatEdges.count)
        _ = self.edges.initialize(from: flatEdges)
        self.categoryBinners = categoryBinners
        self.binOffsets = binnings.map(\.binOffset)
        self.totalBins = total
        self.baselineFeatureCount = features.count
        self.featureNames = features.map(\.name)
        for (slot, name) in featureNames.enumerated() {
            assign(slot: slot, to: symbols.intern(name))
        }
        for name in baseline?.offline?.classes ?? [] { _ = classes.intern(name) }
        task = baseline?.task
    }

    deinit {
        binnings.deallocate()
        edges.deallocate()
        lastClass.deallocate()
    }

    /// Bins per baseline feature, in baseline order.
    var binCounts: [Int] { baseline?.features.map(\.expected.count) ?? [] }

    /// Class names by class id.
    var classNames: [String] { (0..<classes.count).map { classes[Symbol(id: UInt32($0))] } }

    /// The slot of a feature, assigning the next free one on first sight while fewer than `limit`
    /// features have one; -1 for a new feature past it.
    @inline(__always)
    func slot(for name: Symbol, symbols: SymbolTable, limit: Int) -> Int {
        let id = Int(name.id)
        if id < slotBySymbol.count, slotBySymbol[id] >= 0 { return Int(slotBySymbol[id]) }
        let slot = featureNames.count
        guard slot < limit else { return -1 }
        featureNames.append(symbols[name])
        assign(slot: slot, to: name)
        return slot
    }

    private func assign(slot: Int, to name: Symbol) {
        let id = Int(name.id)
        if id >= slotBySymbol.count {
            slotBySymbol.append(contentsOf: repeatElement(-1, count: id + 1 - slotBySymbol.count))
        }
        slotBySymbol[id] = Int32(slot)
    }

    /// The flat bin of a value of baseline feature `slot`, or nil when the value cannot be binned
    /// (missing, NaN/±Inf, or of the wrong type for the feature).
    @inline(__always)
    func bin(slot: Int, value: Value, in event: borrowing Event) -> Int? {
        let binning = binnings[slot]
        if binning.edgeCount >= 0 {
            guard case .number(let x) = value else { return nil }
            let featureEdges = UnsafeBufferPointer(
                rebasing: edges[binning.edgeOffset..<(binning.edgeOffset + binning.edgeCount)])
            return NumericBinner.bin(x, edges: featureEdges).map { binning.binOffset + $0 }
        }
        switch value {
        case .text(let slice):
            return binning.binOffset + event.withText(slice) { categoryBinners[binning.edgeOffset].bin($0) }
        case .number(let x):
            // A numeric code for a categorical feature is compared as the text JSON gave it.
            return binning.binOffset + categoryBinners[binning.edgeOffset].bin(ReferenceValue.className(of: x))
        case .missing:
            return nil
        }
    }

    /// The class index of a class given as text, interning a new class.
    private func classIndex(text: UnsafeRawBufferPointer) -> Int {
        if text.count == lastClassCount && ByteComparison.equal(lastClass, text.baseAddress, count: text.count) {
            return lastClassIndex
        }
        let index = Int(classes.intern(text).id)
        if let source = text.baseAddress, text.count <= Self.lastClassCapacity {
            lastClass.update(from: source.assumingMemoryBound(to: UInt8.self), count: text.count)
            lastClassCount = text.count
            lastClassIndex = index
        }
        return index
    }

    /// The class index of a prediction or label value, interning new classes; `nil` when missing
    /// or a number that is not whole (which no class id is).
    func classIndex(_ value: Value, in event: borrowing Event) -> Int? {
        switch value {
        case .missing: return nil
        case .text(let slice): return event.withText(slice) { classIndex(text: $0) }
        case .number(let x):
            guard Self.isClassID(x) else { return nil }
            return Int(classes.intern(ReferenceValue.className(of: x)).id)
        }
    }

    /// Whether a number can stand for a class: whole and finite.
    static func isClassID(_ x: Double) -> Bool { x.isFinite && x == x.rounded() }
}
