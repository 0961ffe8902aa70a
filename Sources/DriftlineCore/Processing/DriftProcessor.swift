/// The engine's pure core: windows, operators, the label join and the rules, for one shard.
///
/// Feed it decoded events in arrival order with `process(_:partition:now:)`; it keys each
/// inference by (model, version, segment) for every key set, counts it in every window it belongs
/// to, closes windows as the watermark passes them and judges the results. Take what it produced
/// with `drain()`. Time is passed in (`now`, processing-time milliseconds), so the same input gives
/// the same results however it is chunked.
public final class DriftProcessor {
    public let settings: ProcessorSettings
    public private(set) var counters = ProcessorCounters()
    let symbols: SymbolTable
    private var baselines: [ProfileID: Baseline] = [:]
    var profiles: [ProfileID: ModelProfile] = [:]
    private var lastProfile: ModelProfile?
    var keys: KeySpace
    // Settings the per-event path reads, kept apart so it never touches the settings' arrays.
    private let keySetCount: Int
    private let window: WindowSpec
    private let allowedLateness: Int64
    private let maxKeys: Int
    private let maxFeatures: Int
    var labelJoin: LabelJoin
    /// The request ids counted within the label horizon: a repeat is a duplicate.
    var recentRequests: RecentRequests
    var watermarks: Watermarks
    private var rules: RuleEngine
    private var output = ProcessorOutput()

    // Internal where `DriftProcessor+Checkpoint.swift` reads and restores them.
    /// Open windows by start, and their starts in ascending order.
    var groups: [Int64: WindowGroup] = [:]
    var starts: [Int64] = []
    /// The earliest watermark at which some window must close, finalize or drop.
    var nextDeadline = Int64.max
    var dirtyWindows = 0
    /// Keys whose last open window was dropped, in the order they became idle (so by `idleSince`);
    /// entries before `idleKeysHead` are done.
    var idleKeys: [(key: KeyState, since: Int64)] = []
    var idleKeysHead = 0
    var lastRevisionTick = Int64.min
    /// How many judged windows of each key late data may still revise (0 without lateness).
    private let revisableWindows: Int
    /// Per `model/version`, the window end of its latest retraining trigger (for the cooldown).
    private var lastTriggers: [String: Int64]
    /// How far rules had judged at the last `drain`.
    private var reportedThrough: JudgedThrough

    // Per-event scratch, reused so the hot path does not allocate.
    /// The slots and bins of one inference's features, `scratchCapacity` of each (a feature adds at
    /// most one of each); flat buffers, so filling them costs no uniqueness check per feature.
    private var scratchSlots = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    private var scratchBins = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    private var scratchCapacity = 1
    private var scratchKeys: [Int32] = []
    /// Where the event being processed came from.
    private var currentPartition = 0
    private var currentOffset: Int64 = 0
    /// Per partition, the offset after the last event processed.
    var nextOffsets: [Int64] = []
    /// Per partition, the records of a jump ahead not confirmed yet (see `jumpConfirmations`).
    var heldJumps: [[HeldRecord]] = []
    /// How many partitions hold records, so the per-event path looks no further when none does.
    private var partitionsHolding = 0

    /// How many records of a partition must agree with a jump ahead (the record that jumps and
    /// those after it, each within `maxJump` of it) before the partition's time follows: a corrupt
    /// timestamp is one record (a flipped bit, one bad gateway message), while a line that restarts
    /// after a weekend sends a stream of records at its new time, and is followed from the third.
    public static let jumpConfirmations = 3

    struct HeldRecord {
        var event: Event
        var offset: Int64
        var payload: [UInt8]
        var now: Int64
    }

    struct ProfileID: Hashable {
        var model: UInt32
        var version: UInt32
    }

    /// A processor for `settings`; `baselines` are matched to events by (model, version). Its rules
    /// carry on from `snapshot` (a history store's, when the engine restarts).
    public init(
        settings: ProcessorSettings, symbols: SymbolTable, baselines: [Baseline],
        restoring snapshot: RuleSnapshot = RuleSnapshot()
    ) throws(ProcessorError) {
        self.settings = settings
        self.symbols = symbols
        var dimensionSets: [[Int]] = []
        for set in settings.keySets {
            guard set.count <= KeySpace.maxDimensions else {
                throw ProcessorError(
                    .invalidSettings, "key set \(set) has more than \(KeySpace.maxDimensions) dimensions")
            }
            dimensionSets.append(
                try set.map { (name: String) throws(ProcessorError) -> Int in
                    guard let index = settings.segmentDimensions.firstIndex(of: name) else {
                        throw ProcessorError(.invalidSettings, "key set dimension '\(name)' is not a segment dimension")
                    }
                    return index
                })
        }
        guard settings.window.isValid else {
            throw ProcessorError(.invalidSettings, "window size and hop must be positive, hop at most size")
        }
        keySetCount = settings.keySets.count
        window = settings.window
        allowedLateness = settings.allowedLateness
        maxKeys = settings.maxKeys
        maxFeatures = settings.maxFeatures
        guard maxKeys >= 1, maxFeatures >= 1 else {
            throw ProcessorError(.invalidSettings, "the key and feature limits must be at least 1")
        }
        keys = KeySpace(dimensions: dimensionSets, names: settings.segmentDimensions, symbols: symbols)
        for baseline in baselines {
            let id = ProfileID(model: symbols.intern(baseline.model).id, version: symbols.intern(baseline.version).id)
            guard baselines.count == 1 || self.baselines[id] == nil else {
                throw ProcessorError(.invalidSettings, "two baselines for \(baseline.model) \(baseline.version)")
            }
            self.baselines[id] = baseline
        }
        labelJoin = LabelJoin(capacity: settings.maxPendingLabels, keysPerEntry: settings.keySets.count)
        recentRequests = RecentRequests(capacity: settings.maxPendingLabels)
        watermarks = Watermarks(
            outOfOrderness: settings.outOfOrderness, idleTimeout: settings.idleTimeout,
            advancesWhenIdle: settings.advancesWhenIdle)
        // Late events revise windows up to `allowedLateness` behind the watermark: that many
        // windows (and one more) of each key may be judged again. Labels revise windows too, but
        // after the label horizon only through late inferences, within the same lateness.
        revisableWindows =
            settings.allowedLateness > 0
            ? Int((settings.allowedLateness + settings.window.hop - 1) / settings.window.hop) + 1 : 0
        rules = RuleEngine(
            rules: settings.rules, restoring: snapshot, reportsStates: settings.reportsRuleStates,
            revisableWindows: revisableWindows)
        lastTriggers = snapshot.lastTriggers
        reportedThrough = snapshot.judgedThrough
        scratchKeys = Array(repeating: -1, count: settings.keySets.count)
    }

    deinit {
        scratchSlots.deallocate()
        scratchBins.deallocate()
    }

    private func growScratch(to capacity: Int) {
        scratchSlots.deallocate()
        scratchBins.deallocate()
        scratchSlots = .allocate(capacity: capacity)
        scratchBins = .allocate(capacity: capacity)
        scratchCapacity = capacity
    }

    /// The combined watermark (epoch milliseconds), `Int64.min` before the first event.
    public var watermark: Int64 { watermarks.current }

    /// Inferences waiting for a label.
    public var pendingLabels: Int { labelJoin.waiting }

    /// Keys (model, version, segment of a key set) currently known; forgotten ones not counted.
    public var keyCount: Int { keys.count }

    /// Declares an input partition before it delivers, so it holds the watermark back from the start.
    public func register(partition: Int, now: Int64) {
        watermarks.register(partition: partition, now: now)
    }

    /// Counts one decoded event from input `partition` (a small dense number the caller assigns),
    /// found there at `offset` (a Kafka offset, a line number), seen at processing time `now`.
    ///
    /// An event too far ahead of the wall clock is refused (`.future`); one whose time jumps ahead
    /// of its partition's is held (`.held`) until `jumpConfirmations` records confirm the jump, and
    /// refused with the `payload` given here (in `ProcessorOutput.refused`) if one does not.
    public func process(
        _ event: inout Event, partition: Int, offset: Int64 = 0, now: Int64, payload: UnsafeRawBufferPointer? = nil
    ) -> Disposition {
        if partition >= nextOffsets.count {
            nextOffsets.append(contentsOf: repeatElement(0, count: partition + 1 - nextOffsets.count))
        }
        nextOffsets[partition] = max(nextOffsets[partition], offset + 1)
        if settings.processingTime || event.timestamp == nil {
            event.timestamp = now
        } else {
            let timestamp = event.timestamp!
            let (ahead, overflow) = timestamp.subtractingReportingOverflow(now)
            if !overflow && ahead > settings.maxFuture {
                counters.future += 1
                return .future(
                    "time \(Timestamp.format(timestamp)) is \(DurationText.text(milliseconds: ahead)) ahead of the "
                        + "wall clock, more than time.max_future (\(DurationText.text(milliseconds: settings.maxFuture)))"
                )
            }
            if partitionsHolding > 0 || isJump(timestamp, partition: partition) {
                return judgeJump(&event, partition: partition, offset: offset, now: now, payload: payload)
            }
        }
        return count(&event, partition: partition, offset: offset, now: now)
    }

    /// Counts an event whose time has been judged, and moves the watermark.
    private func count(_ event: inout Event, partition: Int, offset: Int64, now: Int64) -> Disposition {
        currentPartition = partition
        currentOffset = offset
        let timestamp = event.timestamp!
        let disposition: Disposition
        switch event.kind {
        case .inference: disposition = processInference(&event, at: timestamp)
        case .label: disposition = processLabel(event, at: timestamp)
        case .resource: disposition = processResource(event, at: timestamp)
        }
        if let advanced = watermarks.observe(partition: partition, eventTime: timestamp, now: now) {
            advance(to: advanced, now: now)
        }
        return disposition
    }

    /// Forgets an input partition that has ended or was revoked, so it stops holding the watermark
    /// back; records it held for an unconfirmed jump are refused.
    public func remove(partition: Int, now: Int64) {
        refuseHeldJump(of: partition, "the partition ended (or was revoked) before another record confirmed it")
        if let advanced = watermarks.remove(partition: partition, now: now) { advance(to: advanced, now: now) }
    }

    /// Lets idle partitions stop holding the watermark back at processing time `now`.
    public func tick(now: Int64) {
        if let advanced = watermarks.tick(now: now) { advance(to: advanced, now: now) }
    }

    /// The input has ended: refuses records held for unconfirmed jumps, then closes, finalizes and
    /// emits every open window.
    public func finish(now: Int64) {
        for partition in heldJumps.indices {
            refuseHeldJump(of: partition, "the input ended before another record confirmed it")
        }
        watermarks.finish()
        advance(to: .max, now: now)
    }

    /// Per partition, the offset from which input must be read again to rebuild every window that
    /// is still open: the earliest offset counted in an open window, or the offset after the last
    /// event processed when none is. Committing these (once the results emitted so far are safely
    /// written) never loses input; a restart re-reads what open windows hold.
    public func safeOffsets() -> [Int: Int64] {
        var safe: [Int: Int64] = [:]
        for (partition, next) in nextOffsets.enumerated() where next > 0 {
            let held = partition < heldJumps.count ? heldJumps[partition].first?.offset ?? .max : .max
            safe[partition] = min(next, earliestHeldOffset(of: partition), held)
        }
        return safe
    }

    /// Whether the record at `offset` of `partition` was processed before: it lies below the
    /// partition's next offset. A source that re-reads records (a rebalance that gives a Kafka
    /// partition back, resuming from the committed safe offset) skips these, so none counts twice.
    public func processedBefore(partition: Int, offset: Int64) -> Bool {
        partition < nextOffsets.count && offset < nextOffsets[partition]
    }

    /// Whether open windows still count records of `partition` (its safe offset is behind the
    /// records it delivered): a consumer that took the partition over would count them again.
    public func holdsRecords(of partition: Int) -> Bool {
        partition < nextOffsets.count && earliestHeldOffset(of: partition) < nextOffsets[partition]
    }

    private func earliestHeldOffset(of partition: Int) -> Int64 {
        var offset = Int64.max
        for group in groups.values where partition < group.minimumOffsets.count {
            offset = min(offset, group.minimumOffsets[partition])
        }
        return offset
    }

    /// Takes the results, alerts and triggers produced since the last call.
    public func drain() -> ProcessorOutput {
        defer { output = ProcessorOutput() }
        if settings.reportsRuleStates {
            output.ruleStates = rules.takeChanges()
            if rules.judgedThrough != reportedThrough {
                reportedThrough = rules.judgedThrough
                output.judgedThrough = reportedThrough
            }
        }
        return output
    }

    // MARK: - Time jumps

    /// Whether `timestamp` is more than `maxJump` ahead of `partition`'s watermark (or, before the
    /// partition's first event, of the combined one).
    private func isJump(_ timestamp: Int64, partition: Int) -> Bool {
        let reference: Int64
        if let latest = watermarks.maxEventTime(of: partition) {
            reference = latest - settings.outOfOrderness
        } else if watermarks.current != .min && watermarks.current != .max {
            reference = watermarks.current
        } else {
            return false
        }
        let (ahead, overflow) = timestamp.subtractingReportingOverflow(reference)
        return !overflow && ahead > settings.maxJump
    }

    /// Holds, takes or refuses a jump ahead of `partition`'s time, given its next event.
    private func judgeJump(
        _ event: inout Event, partition: Int, offset: Int64, now: Int64, payload: UnsafeRawBufferPointer?
    ) -> Disposition {
        let timestamp = event.timestamp!
        let jump = isJump(timestamp, partition: partition)
        if partition >= heldJumps.count {
            heldJumps.append(contentsOf: repeatElement([], count: partition + 1 - heldJumps.count))
        }
        if let first = heldJumps[partition].first?.event.timestamp {
            if jump && abs(timestamp - first) <= settings.maxJump {
                // One more record at the new time.
                guard heldJumps[partition].count + 1 >= Self.jumpConfirmations else {
                    hold(event, partition: partition, offset: offset, now: now, payload: payload)
                    return .held
                }
                let records = heldJumps[partition]
                heldJumps[partition] = []
                partitionsHolding -= 1
                counters.jumpsTaken += 1
                for var record in records {
                    let disposition = count(&record.event, partition: partition, offset: record.offset, now: record.now)
                    refuse(record, unless: disposition)
                }
                return count(&event, partition: partition, offset: offset, now: now)
            }
            refuseHeldJump(
                of: partition, "the next record of its partition, at \(Timestamp.format(timestamp)), did not confirm it"
            )
        }
        guard jump else { return count(&event, partition: partition, offset: offset, now: now) }
        hold(event, partition: partition, offset: offset, now: now, payload: payload)
        return .held
    }

    private func hold(_ event: Event, partition: Int, offset: Int64, now: Int64, payload: UnsafeRawBufferPointer?) {
        if heldJumps[partition].isEmpty { partitionsHolding += 1 }
        heldJumps[partition].append(
            HeldRecord(event: event, offset: offset, payload: payload.map { Array($0) } ?? [], now: now))
    }

    /// Refuses the records `partition` holds for an unconfirmed jump, saying why.
    private func refuseHeldJump(of partition: Int, _ why: String) {
        guard partition < heldJumps.count, !heldJumps[partition].isEmpty else { return }
        let reference = watermarks.maxEventTime(of: partition).map { Timestamp.format($0 - settings.outOfOrderness) }
        for record in heldJumps[partition] {
            counters.jumpsRefused += 1
            output.refused.append(
                RefusedRecord(
                    partition: partition, offset: record.offset, code: "jump",
                    reason: "time \(Timestamp.format(record.event.timestamp!)) jumps more than time.max_jump "
                        + "(\(DurationText.text(milliseconds: settings.maxJump))) ahead of its partition's watermark"
                        + (reference.map { " \($0)" } ?? "") + "; \(why)",
                    payload: record.payload, receivedAt: record.now))
        }
        heldJumps[partition] = []
        partitionsHolding -= 1
    }

    /// A held record that turned out late or unusable once its jump was taken is refused with that reason.
    private func refuse(_ record: HeldRecord, unless disposition: Disposition) {
        let code: String
        let reason: String
        switch disposition {
        case .accepted, .held: return
        case .late(let why): (code, reason) = ("late", why)
        case .future(let why): (code, reason) = ("future", why)
        case .rejected(let why): (code, reason) = ("rejected", why)
        case .keyLimit(let why): (code, reason) = ("keyLimit", why)
        case .duplicate(let why): (code, reason) = ("duplicate", why)
        }
        output.refused.append(
            RefusedRecord(
                partition: currentPartition, offset: record.offset, code: code, reason: reason,
                payload: record.payload, receivedAt: record.now))
    }

    // MARK: - Events

    func profile(model: Symbol, version: Symbol) -> ModelProfile {
        if let last = lastProfile, last.model == model, last.version == version { return last }
        let id = ProfileID(model: model.id, version: version.id)
        if let known = profiles[id] {
            lastProfile = known
            return known
        }
        // Baselines were validated when loaded; a binner that still refuses one is reported as no baseline.
        let profile =
            (try? ModelProfile(model: model, version: version, baseline: baselines[id], symbols: symbols))
            ?? (try! ModelProfile(model: model, version: version, baseline: nil, symbols: symbols))
        profiles[id] = profile
        lastProfile = profile
        return profile
    }

    private func processInference(_ event: inout Event, at timestamp: Int64) -> Disposition {
        guard let model = event.model, let version = event.version else {
            return .rejected("inference without model or version")
        }
        if keys.count + keySetCount > maxKeys, let limited = keyLimit(event, model: model, version: version) {
            return limited
        }
        var requestHash: UInt64?
        if let requestID = event.requestID {
            let hash = event.withText(requestID) {
                RecentRequests.hash(model: model, version: version, requestID: $0)
            }
            if recentRequests.contains(hash) {
                counters.duplicates += 1
                let id = event.withText(requestID) { String(decoding: $0, as: UTF8.self) }
                return .duplicate(
                    "request_id '\(id)' of \(symbols[model]) \(symbols[version]) was counted already; the first counts")
            }
            requestHash = hash
        }
        counters.inferences += 1
        let profile = profile(model: model, version: version)
        if profile.baseline == nil { counters.inferencesWithoutBaseline += 1 }
        if event.features.count > scratchCapacity { growScratch(to: event.features.count) }
        var slotCount = 0
        var binCount = 0
        for feature in event.features {
            let slot = profile.slot(for: feature.name, symbols: symbols, limit: maxFeatures)
            if case .missing = feature.value { continue }
            guard slot >= 0 else {
                counters.unmeasuredFeatureValues += 1
                continue
            }
            if slot < profile.baselineFeatureCount {
                guard let bin = profile.bin(slot: slot, value: feature.value, in: event) else {
                    counters.invalidFeatureValues += 1
                    continue
                }
                scratchBins[binCount] = bin
                binCount += 1
            }
            scratchSlots[slotCount] = slot
            slotCount += 1
        }
        if profile.task == nil, event.prediction != .missing {
            // A number written with a fraction or an exponent; an integer arrives as text.
            if case .number = event.prediction { profile.task = .regression } else { profile.task = .classification }
        }
        var predictedClass = -1
        var predictedValue = Double.nan
        var labelClass = -1
        var labelValue = Double.nan
        if profile.task == .regression {
            if let problem = notANumber(event.prediction, "prediction", profile, event)
                ?? notANumber(event.label, "label", profile, event)
            {
                return .rejected(problem)
            }
            predictedValue = Self.number(event.prediction, in: event) ?? .nan
            labelValue = Self.number(event.label, in: event) ?? .nan
        } else {
            predictedClass = profile.classIndex(event.prediction, in: event) ?? -1
            labelClass = profile.classIndex(event.label, in: event) ?? -1
            if let problem = notAClass(event.prediction, predictedClass, "prediction", profile)
                ?? notAClass(event.label, labelClass, "label", profile)
            {
                return .rejected(problem)
            }
        }
        let labelled = predictedClass >= 0 ? labelClass >= 0 : !predictedValue.isNaN && !labelValue.isNaN

        var routed = false
        var counted = false
        for set in 0..<keySetCount {
            guard let key = keys.key(set: set, event: event, profile: profile) else {
                scratchKeys[set] = -1
                continue
            }
            routed = true
            scratchKeys[set] = Int32(key.id)
            for start in window.starts(containing: timestamp) {
                guard let window = openWindow(of: key, startingAt: start) else { continue }
                counted = true
                window.count += 1
                for slot in UnsafeBufferPointer(start: scratchSlots, count: slotCount) {
                    window.markPresent(slot: slot)
                }
                for bin in UnsafeBufferPointer(start: scratchBins, count: binCount) { window.bins[bin] &+= 1 }
                if let latency = event.latencyMs { window.recordLatency(latency) }
                if labelled {
                    if predictedClass >= 0 {
                        window.classification.record(predicted: predictedClass, actual: labelClass)
                    } else {
                        window.regression.record(predicted: predictedValue, actual: labelValue)
                    }
                }
                touched(window)
            }
        }
        guard routed else { return .rejected(missingDimensionsReason(event)) }
        guard counted else {
            counters.late += 1
            return .late("every window of \(Timestamp.format(timestamp)) is past the allowed lateness")
        }
        if let requestHash { recentRequests.insert(requestHash, timestamp: timestamp) }
        if !labelled, let requestID = event.requestID, predictedClass >= 0 || !predictedValue.isNaN {
            let evicted = event.withText(requestID) { bytes in
                labelJoin.add(
                    model: model, requestID: bytes, timestamp: timestamp, profile: profile,
                    predictedClass: predictedClass, predictedValue: predictedValue, keys: scratchKeys)
            }
            counters.evictedUnlabelled += evicted
        }
        return .accepted
    }

    private func processLabel(_ event: Event, at timestamp: Int64) -> Disposition {
        guard let model = event.model, let requestID = event.requestID else {
            return .rejected("label without model or request_id")
        }
        counters.labels += 1
        guard let (pending, keyIDs) = event.withText(requestID, { labelJoin.take(model: model, requestID: $0) }) else {
            counters.labelsUnmatched += 1
            return .accepted
        }
        guard timestamp - pending.timestamp <= settings.labelWait else {
            counters.labelsBeyondWait += 1
            counters.unlabelled += 1
            return .accepted
        }
        let profile = pending.profile
        var labelClass = -1
        var labelValue = Double.nan
        if pending.predictedClass >= 0 {
            labelClass = profile.classIndex(event.label, in: event) ?? -1
            if let problem = notAClass(event.label, labelClass, "label", profile) {
                counters.unlabelled += 1  // the inference's one label was unusable
                return .rejected(problem)
            }
        } else if let problem = notANumber(event.label, "label", profile, event) {
            counters.unlabelled += 1
            return .rejected(problem)
        } else {
            labelValue = Self.number(event.label, in: event) ?? .nan
        }
        guard labelClass >= 0 || !labelValue.isNaN else { return .rejected("label without a value") }
        var counted = false
        for keyID in keyIDs where keyID >= 0 {
            let key = keys.all[Int(keyID)]
            for start in window.starts(containing: pending.timestamp) {
                guard let window = key.window(startingAt: start) else { continue }
                counted = true
                if labelClass >= 0 {
                    window.classification.record(predicted: pending.predictedClass, actual: labelClass)
                } else {
                    window.regression.record(predicted: pending.predictedValue, actual: labelValue)
                }
                touched(window)
            }
        }
        if counted { counters.labelsMatched += 1 } else { counters.labelsLate += 1 }
        return .accepted
    }

    private func processResource(_ event: Event, at timestamp: Int64) -> Disposition {
        guard let model = event.model, let version = event.version else {
            return .rejected("resource event without model or version")
        }
        if keys.count + keySetCount > maxKeys, let limited = keyLimit(event, model: model, version: version) {
            return limited
        }
        counters.resources += 1
        let profile = profile(model: model, version: version)
        let host = event.host ?? symbols.intern("_unknown")
        var routed = false
        var counted = false
        for set in 0..<keySetCount {
            guard let key = keys.key(set: set, event: event, profile: profile) else { continue }
            routed = true
            for start in window.starts(containing: timestamp) {
                guard let window = openWindow(of: key, startingAt: start) else { continue }
                counted = true
                window.resources[host, default: ResourceSamples()].record(event)
                touched(window)
            }
        }
        guard routed else { return .rejected(missingDimensionsReason(event)) }
        guard counted else {
            counters.late += 1
            return .late("every window of \(Timestamp.format(timestamp)) is past the allowed lateness")
        }
        return .accepted
    }

    /// Why a classifier cannot take `value` as a class (a number that is not whole), or `nil`.
    private func notAClass(_ value: Value, _ index: Int, _ role: String, _ profile: ModelProfile) -> String? {
        guard case .number(let x) = value, index < 0 else { return nil }
        return "\(role) \(x) is not a class label: \(symbols[profile.model]) \(symbols[profile.version]) is a "
            + "classifier (\(taskSource(profile))), whose classes are text, integers or booleans"
    }

    /// A regressor's prediction or label as a number: a number, or the digits of an integer (which
    /// the decoder keeps as text, as class ids); `nil` for anything else.
    private static func number(_ value: Value, in event: borrowing Event) -> Double? {
        switch value {
        case .number(let x): return x
        case .text(let slice): return event.withText(slice) { DecimalInteger.parse($0) }.map(Double.init)
        case .missing: return nil
        }
    }

    /// Why a regressor cannot take `value` as a number (text other than an integer's digits), or `nil`.
    private func notANumber(
        _ value: Value, _ role: String, _ profile: ModelProfile, _ event: borrowing Event
    ) -> String? {
        guard case .text(let slice) = value, Self.number(value, in: event) == nil else { return nil }
        return "\(role) \"\(event.string(slice))\" is not a number: \(symbols[profile.model]) "
            + "\(symbols[profile.version]) is a regressor (\(taskSource(profile)))"
    }

    private func taskSource(_ profile: ModelProfile) -> String {
        profile.baseline?.task != nil ? "its baseline's task" : "no baseline names its task; its first prediction did"
    }

    /// `.keyLimit` when `event` would add keys past `maxKeys` (all of its keys or none are
    /// counted, so a dead letter is never half counted); nil when it fits.
    private func keyLimit(_ event: borrowing Event, model: Symbol, version: Symbol) -> Disposition? {
        let new = keys.newKeys(event: event, model: model, version: version)
        guard new > 0, keys.count + new > maxKeys else { return nil }
        counters.keyLimited += 1
        let segment = settings.segmentDimensions.indices.compactMap { index in
            event.segment[index].map {
                "\(settings.segmentDimensions[index])=\($0 == .unseen ? "(a value not seen before)" : symbols[$0])"
            }
        }
        return .keyLimit(
            "\(symbols[model]) \(symbols[version]) \(segment.isEmpty ? "_all" : segment.joined(separator: ","))"
                + " would add \(new) key(s) to the \(keys.count) held; the limit is \(maxKeys) (limits.max_keys)")
    }

    private func missingDimensionsReason(_ event: Event) -> String {
        let have = Set(
            settings.segmentDimensions.indices.filter { event.segment[$0] != nil }.map {
                settings.segmentDimensions[$0]
            })
        let wanted = settings.keySets.map { "[" + $0.joined(separator: ",") + "]" }.joined(separator: " ")
        return
            "segment has \(have.isEmpty ? "no dimensions" : have.sorted().joined(separator: ",")); every key set needs more: \(wanted)"
    }

    /// The window of `key` starting at `start`, opened if needed; nil when it is past the allowed lateness.
    @inline(__always)
    private func openWindow(of key: KeyState, startingAt start: Int64) -> WindowState? {
        let end = start + window.size
        guard watermarks.current == .min || end > watermarks.current - allowedLateness else { return nil }
        if let open = key.window(startingAt: start) { return open }
        let group: WindowGroup
        if let existing = groups[start] {
            group = existing
        } else {
            group = WindowGroup(start: start)
            groups[start] = group
            starts.insert(start, at: starts.firstIndex { $0 > start } ?? starts.count)
        }
        let window = WindowState(key: key, group: group, size: self.window.size)
        key.windows.insert(window, at: 0)
        key.idleSince = nil
        group.windows.append(window)
        if end <= watermarks.current {
            // Opened late, within the allowed lateness: never judged, emitted at the next revision tick.
            window.closed = true
            window.final = end + settings.labelWait <= watermarks.current
        }
        nextDeadline = min(nextDeadline, deadline(of: window))
        return window
    }

    @inline(__always)
    private func touched(_ window: WindowState) {
        window.group.note(partition: currentPartition, offset: currentOffset)
        if window.closed && !window.dirty {
            window.dirty = true
            dirtyWindows += 1
        }
    }

    func deadline(of window: WindowState) -> Int64 {
        if !window.closed { return window.end }
        if !window.final { return window.end + settings.labelWait }
        return window.end + settings.labelWait + settings.allowedLateness
    }

    // MARK: - Watermark

    private struct TriggerGroup {
        var profile: ModelProfile
        var start: Int64
        var end: Int64
        /// Every reason was judged at the label horizon (a trigger later than the window's close).
        var labelHorizonOnly: Bool
        var reasons: [RetrainTrigger.Reason]
    }

    private func advance(to watermark: Int64, now: Int64) {
        forgetIdleKeys(at: watermark)
        if watermark != .max {
            let horizon = watermark - settings.labelWait - settings.allowedLateness
            counters.unlabelled += labelJoin.expire(before: horizon)
            recentRequests.expire(before: horizon)
        } else {
            counters.unlabelled += labelJoin.expire(before: .max)
            recentRequests.expire(before: .max)
        }
        let tick = WindowSpec.floorDivide(watermark, settings.reviseEvery)
        let revisionTick = tick > lastRevisionTick
        lastRevisionTick = max(lastRevisionTick, tick)
        guard watermark >= nextDeadline || (revisionTick && dirtyWindows > 0) else { return }

        var triggerGroups: [TriggerGroup] = []
        var newDeadline = Int64.max
        var emptied: [Int64] = []
        for start in starts {
            guard let group = groups[start] else { continue }
            if start + settings.window.size > watermark {
                newDeadline = min(newDeadline, start + settings.window.size)
                break
            }
            var kept: [WindowState] = []
            for window in group.windows {
                settle(window, watermark: watermark, revisionTick: revisionTick, now: now, triggers: &triggerGroups)
                if window.end + settings.labelWait + settings.allowedLateness <= watermark {
                    window.key.remove(window)
                    if window.key.windows.isEmpty {
                        window.key.idleSince = watermark
                        idleKeys.append((window.key, watermark))
                    }
                } else {
                    kept.append(window)
                    newDeadline = min(newDeadline, deadline(of: window))
                }
            }
            group.windows = kept
            if kept.isEmpty { emptied.append(start) }
        }
        for start in emptied {
            groups[start] = nil
            starts.removeAll { $0 == start }
        }
        nextDeadline = newDeadline
        for group in triggerGroups where !group.reasons.isEmpty {
            let model = symbols[group.profile.model]
            let version = symbols[group.profile.version]
            let modelVersion = "\(model)/\(version)"
            if settings.retrainCooldown > 0, let last = lastTriggers[modelVersion],
                group.end - last < settings.retrainCooldown
            {
                counters.triggersInCooldown += 1
                continue
            }
            lastTriggers[modelVersion] = max(lastTriggers[modelVersion] ?? .min, group.end)
            var id = "\(modelVersion)/\(Timestamp.format(group.end))"
            if group.labelHorizonOnly && settings.labelWait > 0 { id += "/labelled" }
            let baseline = group.profile.baseline
            output.triggers.append(
                RetrainTrigger(
                    triggerID: id, model: model, version: version, reasons: group.reasons, windowStart: group.start,
                    windowEnd: group.end, at: now, task: baseline?.task,
                    offlineAccuracy: baseline?.offline?.accuracy))
        }
    }

    /// Forgets the keys that have had no open window for `forgetKeysAfter` of event time and fire
    /// no alert: their memory is freed and their ids reused. (A key's label-join entries are gone
    /// before its last window is dropped, so no pending label refers to it.)
    private func forgetIdleKeys(at watermark: Int64) {
        while idleKeysHead < idleKeys.count {
            let (key, since) = idleKeys[idleKeysHead]
            // A key that opened a window since it was queued is queued again when it next goes idle.
            if key.idleSince == since {
                let (elapsed, overflow) = watermark.subtractingReportingOverflow(since)
                guard overflow || elapsed >= settings.forgetKeysAfter else { break }
                // A firing key is kept, so that its alert can still resolve.
                if !rules.isFiring(keyID: key.id) {
                    keys.remove(key)
                    rules.forget(keyID: key.id)
                    counters.keysForgotten += 1
                }
                key.idleSince = nil
            }
            idleKeysHead += 1
        }
        if idleKeysHead >= 1024 && idleKeysHead * 2 >= idleKeys.count {
            idleKeys.removeFirst(idleKeysHead)
            idleKeysHead = 0
        }
    }

    /// The revision number of `window` emitted at `watermark`. Numbers follow event time, not how
    /// many times the window was emitted, so an engine that reads its input again after a restart
    /// (and, reading a backlog, moves the watermark in larger steps) gives a window's final
    /// revision the number it had before, and that number is the window's highest:
    /// - 0 when it closes, and when it is final at once without labels (nothing revises it then);
    /// - before its label horizon (end + label wait), the revise ticks the watermark has passed
    ///   since the window's end;
    /// - at the label horizon, one more than any number before it;
    /// - after it (late data within the allowed lateness), that plus the ticks since the horizon.
    private func revision(of window: WindowState, at watermark: Int64, finalBefore: Bool) -> Int {
        func tick(_ time: Int64) -> Int { Int(WindowSpec.floorDivide(time, settings.reviseEvery)) }
        let horizon = window.end + settings.labelWait
        let labelled = window.classification.total > 0 || window.regression.count > 0
        let atHorizon = settings.labelWait == 0 || !labelled ? 0 : tick(horizon - 1) - tick(window.end) + 1
        let number: Int
        if watermark < horizon {
            number = window.nextRevision > 0 ? tick(watermark) - tick(window.end) : 0
        } else {
            number = finalBefore ? atHorizon + tick(watermark) - tick(horizon) : atHorizon
        }
        return max(number, window.nextRevision)
    }

    /// Closes, finalizes or re-emits one window as the watermark requires.
    private func settle(
        _ window: WindowState, watermark: Int64, revisionTick: Bool, now: Int64, triggers: inout [TriggerGroup]
    ) {
        let finalNow = window.end + settings.labelWait <= watermark
        let wasFinal = window.final
        // A window judged before and emitted again (late data) is judged again by its rules.
        var revised: [RuleEngine.Phase] = []
        if window.closed { revised.append(.close) }
        if window.final { revised.append(.labelHorizon) }
        var phases: [RuleEngine.Phase] = []
        var emit = false
        if !window.closed {
            window.closed = true
            phases.append(.close)
            emit = true
        }
        if !window.final && finalNow {
            window.final = true
            phases.append(.labelHorizon)
            emit = emit || window.dirty || window.classification.total > 0 || window.regression.count > 0
        }
        let dropping = window.end + settings.labelWait + settings.allowedLateness <= watermark
        if window.dirty && (revisionTick || dropping) { emit = true }
        guard emit || !phases.isEmpty else { return }
        let counts = counts(of: window)
        let profile = window.key.profile
        let result = counts.result(
            model: symbols[profile.model], version: symbols[profile.version], segment: window.key.segment,
            revision: revision(of: window, at: watermark, finalBefore: wasFinal), start: window.start,
            end: window.end, baseline: profile.baseline)
        if emit {
            output.results.append(result)
            if settings.keepsWindowCounts { output.counts.append(counts) }
            counters.windowsEmitted += 1
            window.nextRevision = result.revision + 1
            if window.dirty {
                window.dirty = false
                dirtyWindows -= 1
            }
        }
        if !emit { revised.removeAll() }
        guard !phases.isEmpty || (!revised.isEmpty && revisableWindows > 0) else { return }
        var featureSamples: [String: Int] = [:]
        for (slot, name) in window.key.profile.featureNames.enumerated() {
            featureSamples[name] = window.presentCount(slot: slot)
        }
        for (phase, isRevision) in revised.map({ ($0, true) }) + phases.map({ ($0, false) }) {
            var reasons: [RetrainTrigger.Reason] = []
            if isRevision {
                rules.revise(
                    result, keyID: window.key.id, phase: phase, featureSamples: featureSamples, now: now,
                    alerts: &output.alerts, reasons: &reasons)
            } else {
                rules.judge(
                    result, keyID: window.key.id, phase: phase, featureSamples: featureSamples, now: now,
                    alerts: &output.alerts, reasons: &reasons)
            }
            counters.windowsUnjudgedFewLabels = rules.unjudgedFewLabels
            guard !reasons.isEmpty else { continue }
            if let index = triggers.firstIndex(where: { $0.profile === window.key.profile && $0.start == window.start })
            {
                triggers[index].reasons += reasons
                triggers[index].labelHorizonOnly = triggers[index].labelHorizonOnly && phase == .labelHorizon
            } else {
                triggers.append(
                    TriggerGroup(
                        profile: window.key.profile, start: window.start, end: window.end,
                        labelHorizonOnly: phase == .labelHorizon, reasons: reasons))
            }
        }
    }

    // MARK: - Results

    /// The window's counts, from which its result is computed (and rollups of it are merged).
    private func counts(of window: WindowState) -> WindowCounts {
        let profile = window.key.profile
        let bins =
            profile.baseline?.features.enumerated().map { slot, feature in
                window.bins(offset: profile.binOffsets[slot], count: feature.expected.count).map { Int($0) }
            } ?? []
        let latency = window.latency.buckets().map { WindowCounts.LatencyBucket(highest: $0.highest, count: $0.count) }
        let hosts = window.resources.map { WindowCounts.HostSamples(host: symbols[$0.key], samples: $0.value.values) }
        return WindowCounts(
            count: window.count, bins: bins, features: profile.featureNames,
            present: profile.featureNames.indices.map { window.presentCount(slot: $0) },
            classes: (0..<profile.classes.count).map { profile.classes[Symbol(id: UInt32($0))] },
            classification: window.classification, regression: window.regression, latency: latency,
            latencyMax: window.latency.count > 0 ? window.latency.maxMilliseconds : nil,
            resources: hosts.sorted { $0.host < $1.host }, final: window.final)
    }
}
