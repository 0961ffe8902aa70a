/// An alerting system alerts are pushed to over HTTP: Prometheus Alertmanager's v2 API or a webhook.
///
/// Deliveries to it go through the history store's outbox (`alert_outbox`), so a receiver that is
/// down delays them and never loses one. `name` identifies the target's queue there.
public struct DeliveryTarget: Hashable, Sendable {
    /// What the receiver is and how it is spoken to.
    public enum Kind: Hashable, Sendable {
        /// Alertmanager: alerts are posted to `<url>/api/v2/alerts`, and those still firing are posted
        /// again every `repostIntervalMs`, before Alertmanager's `resolve_timeout` ends them.
        case alertmanager(repostIntervalMs: Int64)
        /// A webhook: each record (alert or retraining trigger) is posted to `url` as the contract's
        /// JSON, with `headers` added.
        case webhook(headers: [String: String])
    }

    /// The receiver's base URL (Alertmanager) or the URL records are posted to (webhook).
    public var url: String
    /// How the receiver is spoken to.
    public var kind: Kind
    /// How long one request may take, in milliseconds, before it counts as failed.
    public var timeoutMs: Int64

    /// Alertmanager's default `resolve_timeout` is 5 minutes; firing alerts are posted again every minute.
    public static let defaultRepostIntervalMs: Int64 = 60_000
    /// A request that has not completed after 5 seconds has failed.
    public static let defaultTimeoutMs: Int64 = 5_000

    /// A target at `url` of `kind`.
    public init(url: String, kind: Kind, timeoutMs: Int64 = DeliveryTarget.defaultTimeoutMs) {
        self.url = url
        self.kind = kind
        self.timeoutMs = timeoutMs
    }

    /// `alertmanager <url>` or `webhook <url>`: the target's queue in the store's outbox.
    public var name: String {
        switch kind {
        case .alertmanager: "alertmanager \(url)"
        case .webhook: "webhook \(url)"
        }
    }
}
