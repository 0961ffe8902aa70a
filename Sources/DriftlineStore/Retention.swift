/// How long the store keeps windows of each resolution, measured back from the newest window of
/// that resolution it holds (so a store filled by replaying last year's file keeps it).
///
/// Alerts, triggers and baselines are kept whatever their age.
public struct Retention: Equatable, Sendable {
    /// The engine's own windows, with their PSI and counts, in milliseconds; `nil`: forever.
    public var raw: Int64?
    /// Hourly rollups; `nil`: forever.
    public var hour: Int64?
    /// Daily rollups; `nil`: forever.
    public var day: Int64?

    /// The default: raw windows 30 days, hourly rollups a year, daily rollups forever.
    public init(raw: Int64? = 30 * 86_400_000, hour: Int64? = 365 * 86_400_000, day: Int64? = nil) {
        self.raw = raw
        self.hour = hour
        self.day = day
    }
}
