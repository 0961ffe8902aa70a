extension TelemetryScenario {
    /// A served model version.
    public struct Model: Sendable, Equatable {
        /// The model's name, e.g. `weld-defect-cls`.
        public var name: String
        /// The model's version, e.g. `3.2.0`.
        public var version: String

        /// A model version.
        public init(name: String, version: String) {
            self.name = name
            self.version = version
        }
    }
}
