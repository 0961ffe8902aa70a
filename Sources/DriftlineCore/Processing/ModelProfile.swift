/// What the processor knows about one (model, version): its baseline compiled for the hot path,
/// the slots of its features and the classes its predictions and labels use.
///
/// Feature slots: the baseline's features come first (slot = baseline order) and carry binners;
/// features the baseline does not know get later slots on first sight and are measured for their
/// missing rate only.
final class ModelProfile {
    enum Binner {
        case numeric(NumericBinner)
        case categorical(CategoryBinner)
    }

    enum Task {
        case classification
        case regression
    }

    let model: Symbol
    let version: Symbol
    let baseline: Baseline?
    /// One per baseline feature, in slot order.
    let binners: [Binner]
    /// Offset of each baseline feature's first bin in a window's flat bin counts.
    let binOffsets: [Int]
    let totalBins: Int
    /// Names of every slot, baseline features first.
    private(set) var featureNames: [String]
    /// Slot of a feature by its symbol id; -1 where not assigned yet.
    private var slotBySymbol: [Int32] = []
    /// Class names of predictions and labels, the baseline's first.
    let classes = SymbolTable(capacity: 16)
    /// Decided by the baseline's offline metrics, else by the first prediction seen.
    var task: Task?

    init(model: Symbol, version: Symbol, baseline: Baseline?, symbols: SymbolTable) throws {
        self.model = model
        self.version = version
        self.baseline = baseline
        var binners: [Binner] = []
        var offsets: [Int] = []
        var names: [String] = []
        var total = 0
        for feature in baseline?.features ?? [] {
            let binner: Binner
            switch feature.kind {
            case .numeric: binner = .numeric(try feature.numericBinner())
            case .categorical: binner = .categorical(try feature.categoryBinner())
            }
            offsets.append(total)
            total += feature.expected.count
            binners.append(binner)
            names.append(feature.name)
        }
        self.binners = binners
        self.binOffsets = offsets
        self.totalBins = total
        self.featureNames = names
        for (slot, name) in names.enumerated() {
            assign(slot: slot, to: symbols.intern(name))
        }
        if let offline = baseline?.offline {
            for name in offline.classes { _ = classes.intern(name) }
            task = offline.classification != nil ? .classification : .regression
        }
    }

    /// The slot of a feature, assigning the next free one on first sight.
    @inline(__always)
    func slot(for name: Symbol, symbols: SymbolTable) -> Int {
        let id = Int(name.id)
        if id < slotBySymbol.count, slotBySymbol[id] >= 0 { return Int(slotBySymbol[id]) }
        let slot = featureNames.count
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
        switch (binners[slot], value) {
        case (.numeric(let binner), .number(let x)):
            guard let bin = binner.bin(x) else { return nil }
            return binOffsets[slot] + bin
        case (.categorical(let binner), .text(let slice)):
            return binOffsets[slot] + event.withText(slice) { binner.bin($0) }
        case (.categorical(let binner), .number(let x)):
            // A numeric code for a categorical feature is compared as the text JSON gave it.
            return binOffsets[slot] + binner.bin(ReferenceValue.className(of: x))
        default:
            return nil
        }
    }

    /// The class index of a prediction or label value, interning new classes.
    func classIndex(_ value: Value, in event: borrowing Event) -> Int? {
        switch value {
        case .missing: return nil
        case .text(let slice): return Int(event.withText(slice) { classes.intern($0) }.id)
        case .number(let x): return Int(classes.intern(ReferenceValue.className(of: x)).id)
        }
    }
}
