/// Lets a recurring notice through at most once per interval of processing time, and counts the
/// occurrences it held back, so the engine logs a condition that repeats per event (events past
/// the key limit) once a minute instead of once per event.
package struct NoticeThrottle: Sendable {
    /// The shortest time between two notices (milliseconds).
    package let interval: Int64
    private var last: Int64?
    private var held = 0

    package init(interval: Int64 = 60_000) {
        self.interval = interval
    }

    /// Notes one occurrence at processing time `now`; returns the occurrences since the last notice
    /// (this one included) when a notice is due, nil when it is held back.
    package mutating func occurred(now: Int64) -> Int? {
        held += 1
        if let last, now - last < interval { return nil }
        last = now
        defer { held = 0 }
        return held
    }
}
