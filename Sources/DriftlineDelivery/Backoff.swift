/// How long a delivery target's queue waits before trying its head again after failures:
/// `initial`, doubled after each further failure, at most `maximum`.
public struct Backoff: Equatable, Sendable {
    /// The wait after the first failure, in milliseconds.
    public var initialMs: Int64
    /// The longest wait, in milliseconds.
    public var maximumMs: Int64

    /// A backoff from `initialMs` (default 1 s) doubling up to `maximumMs` (default 60 s).
    public init(initialMs: Int64 = 1_000, maximumMs: Int64 = 60_000) {
        self.initialMs = max(1, initialMs)
        self.maximumMs = max(self.initialMs, maximumMs)
    }

    /// The wait after `attempts` failed attempts (1 or more), in milliseconds.
    public func delayMs(afterAttempts attempts: Int) -> Int64 {
        var delay = initialMs
        for _ in 1..<max(1, attempts) where delay < maximumMs { delay *= 2 }
        return min(delay, maximumMs)
    }
}
