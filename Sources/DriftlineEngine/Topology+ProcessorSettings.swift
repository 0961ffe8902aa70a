public import DriftlineCore

extension Topology {
    /// The settings a `DriftProcessor` runs this topology with.
    public var processorSettings: ProcessorSettings {
        var settings = ProcessorSettings(
            window: windows, segmentDimensions: segmentDimensions, keySets: keys,
            outOfOrderness: time.outOfOrdernessMs, allowedLateness: time.allowedLatenessMs,
            idleTimeout: time.idleTimeoutMs, labelWait: labels.waitMs, maxPendingLabels: labels.maxPending,
            rules: rules, processingTime: time.mode == .processing, reviseEvery: reviseEveryMs,
            maxFuture: time.maxFutureMs, maxJump: time.maxJumpMs, advancesWhenIdle: time.followsClockWhenIdle,
            maxKeys: limits.maxKeys, maxFeatures: limits.maxFeatures)
        if let forgetKeysAfterMs { settings.forgetKeysAfter = forgetKeysAfterMs }
        // Tumbling windows roll up into the store's hours and days; hopping ones count events twice.
        settings.keepsWindowCounts = store != nil && windows.hop == windows.size
        // The store keeps the rules' states, from which a restarted engine carries on.
        settings.reportsRuleStates = store != nil
        settings.retrainCooldown = retrainCooldownMs
        return settings
    }
}
