extension TelemetryScenario {
    /// The plant's lines, the devices on each, and how often a line starts a new batch.
    ///
    /// Each inference picks a line uniformly, then one of that line's devices uniformly. Devices are
    /// numbered across lines: with 4 per line, `L1` has `cam-01`…`cam-04`, `L2` `cam-05`…`cam-08`.
    /// The batch is `B<MMdd>-<nn>`, `nn` counting `batchMinutes` slots of the (UTC) day from 01.
    public struct Segments: Sendable, Equatable {
        /// Line names.
        public var lines: [String]
        /// Devices per line.
        public var devicesPerLine: Int
        /// Length of a batch in minutes.
        public var batchMinutes: Int

        /// `lineCount` lines `L1`, `L2`, … with `devicesPerLine` cameras each and hourly batches.
        public init(lineCount: Int = 3, devicesPerLine: Int = 4, batchMinutes: Int = 60) {
            lines = (0..<max(lineCount, 0)).map { "L\($0 + 1)" }
            self.devicesPerLine = devicesPerLine
            self.batchMinutes = batchMinutes
        }

        /// The device names of the line at `lineIndex`.
        public func devices(ofLine lineIndex: Int) -> [String] {
            (0..<devicesPerLine).map { device in
                let number = lineIndex * devicesPerLine + device + 1
                return number < 10 ? "cam-0\(number)" : "cam-\(number)"
            }
        }
    }
}
