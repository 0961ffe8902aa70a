extension ProcessorError.Code {
    /// A checkpoint cannot be restored: another format, another shape, other symbols or baselines.
    public static let checkpointMismatch = Self("checkpoint_mismatch")
}

extension DriftProcessor {
    /// Everything the processor holds between events (see `ProcessorCheckpoint`). Take it between
    /// two calls of `process`, once `drain()` has taken what was produced.
    public func checkpoint() -> ProcessorCheckpoint {
        var profileIndex: [ObjectIdentifier: Int] = [:]
        let profiles = self.profiles.values.sorted {
            ($0.model.id, $0.version.id) < ($1.model.id, $1.version.id)
        }
        for (index, profile) in profiles.enumerated() { profileIndex[ObjectIdentifier(profile)] = index }
        let keys = keys.known.map { key in
            ProcessorCheckpoint.Key(
                id: key.id, profile: profileIndex[ObjectIdentifier(key.profile)]!, tuple: self.keys.tupleWords(of: key),
                segment: key.segment, windowStarts: key.windows.map(\.start), idleSince: key.idleSince)
        }
        var windows: [ProcessorCheckpoint.Window] = []
        for start in starts {
            for window in groups[start]?.windows ?? [] {
                windows.append(
                    ProcessorCheckpoint.Window(
                        key: window.key.id, start: window.start, count: window.count,
                        present: window.presentCounts(slots: window.key.profile.featureNames.count),
                        bins: Array(UnsafeBufferPointer(start: window.bins, count: window.binCount)),
                        latency: window.latency.buckets().map { .init(highest: $0.highest, count: $0.count) },
                        latencyMax: window.latency.count > 0 ? window.latency.maxMilliseconds : nil,
                        classification: window.classification, regression: window.regression,
                        resources: window.resources.map { .init(host: symbols[$0.key], samples: $0.value.values) }
                            .sorted { $0.host < $1.host },
                        nextRevision: window.nextRevision, closed: window.closed, final: window.final,
                        dirty: window.dirty))
            }
        }
        // Records held for an unconfirmed jump are read again: their partition resumes at the first.
        var resume = nextOffsets
        for (partition, held) in heldJumps.enumerated() {
            if let first = held.first?.offset, partition < resume.count { resume[partition] = first }
        }
        return ProcessorCheckpoint(
            format: ProcessorCheckpoint.currentFormat, shape: ProcessorCheckpoint.Shape(settings),
            symbols: symbols.names, watermark: watermarks.current, partitionTimes: watermarks.partitionTimes,
            nextOffsets: resume, lastRevisionTick: lastRevisionTick,
            profiles: profiles.map { profile in
                ProcessorCheckpoint.Profile(
                    model: symbols[profile.model], version: symbols[profile.version], task: profile.task,
                    features: profile.featureNames, classes: profile.classNames, binCounts: profile.binCounts)
            },
            keys: keys, windows: windows,
            groups: starts.map { ProcessorCheckpoint.Group(start: $0, minimumOffsets: groups[$0]!.minimumOffsets) },
            pendingLabels: labelJoin.waitingEntries().map { waiting in
                ProcessorCheckpoint.PendingLabel(
                    model: symbols[waiting.entry.model], requestID: String(decoding: waiting.requestID, as: UTF8.self),
                    timestamp: waiting.entry.timestamp, profile: profileIndex[ObjectIdentifier(waiting.entry.profile)]!,
                    predictedClass: waiting.entry.predictedClass,
                    predictedValue: waiting.entry.predictedClass >= 0 ? nil : waiting.entry.predictedValue,
                    keys: Array(waiting.keys))
            },
            recentRequests: recentRequests.held.map { .init(hash: $0.hash, timestamp: $0.timestamp) },
            // Entries of keys that opened a window again, or were forgotten, are done.
            idleKeys: idleKeys[idleKeysHead...].filter { $0.key.idleSince == $0.since }
                .map { .init(key: $0.key.id, since: $0.since) })
    }

    /// Carries on from `checkpoint`, taken by a processor of the same shape: a new processor,
    /// before its first event, whose symbol table was made from the checkpoint's `symbols`.
    /// Partitions are taken to have delivered at processing time `now`. Throws
    /// `.checkpointMismatch` when the checkpoint is of another format or shape, or its symbols or
    /// baselines differ from this processor's.
    public func restore(_ checkpoint: ProcessorCheckpoint, now: Int64) throws(ProcessorError) {
        guard checkpoint.format == ProcessorCheckpoint.currentFormat else {
            throw ProcessorError(
                .checkpointMismatch,
                "the checkpoint is of format \(checkpoint.format); this engine reads format \(ProcessorCheckpoint.currentFormat)"
            )
        }
        let changes = checkpoint.shape.changes(to: ProcessorCheckpoint.Shape(settings))
        guard changes.isEmpty else {
            throw ProcessorError(
                .checkpointMismatch,
                "the checkpoint's windows were counted with other settings: " + changes.joined(separator: "; "))
        }
        precondition(groups.isEmpty && keys.count == 0 && nextOffsets.isEmpty, "restore into a new processor")
        let names = symbols.names
        guard names.starts(with: checkpoint.symbols) else {
            throw ProcessorError(.checkpointMismatch, "the symbol table was not made from the checkpoint's symbols")
        }
        watermarks.restore(current: checkpoint.watermark, partitionTimes: checkpoint.partitionTimes, now: now)
        nextOffsets = checkpoint.nextOffsets
        lastRevisionTick = checkpoint.lastRevisionTick

        var profiles: [ModelProfile] = []
        for saved in checkpoint.profiles {
            let profile = profile(model: symbols.intern(saved.model), version: symbols.intern(saved.version))
            let baselineFeatures = profile.featureNames
            guard profile.binCounts == saved.binCounts, saved.features.starts(with: baselineFeatures) else {
                throw ProcessorError(
                    .checkpointMismatch,
                    "the baseline of \(saved.model) \(saved.version) is not the one its windows were binned by")
            }
            for name in saved.features.dropFirst(baselineFeatures.count) {
                _ = profile.slot(for: symbols.intern(name), symbols: symbols, limit: .max)
            }
            for (index, name) in saved.classes.enumerated() where Int(profile.classes.intern(name).id) != index {
                throw ProcessorError(
                    .checkpointMismatch,
                    "the classes of \(saved.model) \(saved.version) are not in the order its windows counted them")
            }
            profile.task = saved.task
            profiles.append(profile)
        }

        var restoredKeys: [Int: KeyState] = [:]
        for saved in checkpoint.keys {
            let key = keys.restore(words: saved.tuple, profile: profiles[saved.profile], segment: saved.segment)
            key.idleSince = saved.idleSince
            restoredKeys[saved.id] = key
        }
        for saved in checkpoint.groups {
            groups[saved.start] = WindowGroup(start: saved.start, minimumOffsets: saved.minimumOffsets)
            starts.append(saved.start)
        }
        for saved in checkpoint.windows {
            let key = restoredKeys[saved.key]!
            let window = WindowState(key: key, group: groups[saved.start]!, size: settings.window.size)
            window.count = saved.count
            window.restorePresent(saved.present)
            for (bin, count) in saved.bins.enumerated() where bin < window.binCount { window.bins[bin] = count }
            window.latency = LatencyHistogram(
                buckets: saved.latency, maxMilliseconds: saved.latencyMax ?? -.infinity)
            window.classification = saved.classification
            window.regression = saved.regression
            for host in saved.resources {
                window.resources[symbols.intern(host.host)] = ResourceSamples(values: host.samples)
            }
            window.nextRevision = saved.nextRevision
            window.closed = saved.closed
            window.final = saved.final
            window.dirty = saved.dirty
            if saved.dirty { dirtyWindows += 1 }
            window.group.windows.append(window)
            nextDeadline = min(nextDeadline, deadline(of: window))
        }
        for saved in checkpoint.keys {
            let key = restoredKeys[saved.id]!
            key.windows = saved.windowStarts.compactMap { start in
                groups[start]?.windows.first { $0.key === key }
            }
        }
        idleKeys = checkpoint.idleKeys.compactMap { saved in restoredKeys[saved.key].map { ($0, saved.since) } }
        for saved in checkpoint.pendingLabels {
            var requestID = saved.requestID
            let keyIDs = saved.keys.map { $0 >= 0 ? Int32(restoredKeys[Int($0)]?.id ?? -1) : -1 }
            _ = requestID.withUTF8 { bytes in
                labelJoin.add(
                    model: symbols.intern(saved.model), requestID: UnsafeRawBufferPointer(bytes),
                    timestamp: saved.timestamp, profile: profiles[saved.profile],
                    predictedClass: saved.predictedClass, predictedValue: saved.predictedValue ?? .nan, keys: keyIDs)
            }
        }
        for request in checkpoint.recentRequests {
            recentRequests.insert(request.hash, timestamp: request.timestamp)
        }
    }
}
