extension TelemetryScenario {
    /// Resource events: one per model and host every `intervalMs` of event time, from `startMs`
    /// while inferences run. CPU and GPU use are normal around their means (clamped to 0…100),
    /// memory normal around its mean (all written with 1 decimal).
    public struct Resources: Sendable, Equatable {
        /// Serving hosts; empty for no resource events.
        public var hosts: [String]
        /// Milliseconds between two reports of a host.
        public var intervalMs: Int64
        /// Mean CPU use in percent (σ 6).
        public var cpuPct: Double
        /// Mean resident memory in MB (σ 25).
        public var memMB: Double
        /// Mean GPU use in percent (σ 7).
        public var gpuPct: Double
        /// Mean GPU memory in MB (σ 20).
        public var gpuMemMB: Double

        /// Hosts `edge-01`…`edge-03` every 10 s.
        public init(
            hosts: [String] = ["edge-01", "edge-02", "edge-03"], intervalMs: Int64 = 10_000,
            cpuPct: Double = 55, memMB: Double = 1830, gpuPct: Double = 41, gpuMemMB: Double = 2210
        ) {
            self.hosts = hosts
            self.intervalMs = intervalMs
            self.cpuPct = cpuPct
            self.memMB = memMB
            self.gpuPct = gpuPct
            self.gpuMemMB = gpuMemMB
        }
    }
}
