/// Which delivery targets (named as `DeliveryTarget.name`) each alert and each retraining trigger
/// the store writes is queued for in its outbox.
public struct OutboxRoutes: Equatable, Sendable {
    /// The targets every alert transition is queued for.
    public var alerts: [String]
    /// The targets every retraining trigger is queued for.
    public var triggers: [String]

    /// Routes queueing alerts for `alerts` and triggers for `triggers`; none by default.
    public init(alerts: [String] = [], triggers: [String] = []) {
        self.alerts = alerts
        self.triggers = triggers
    }

    /// Whether nothing is queued.
    public var isEmpty: Bool { alerts.isEmpty && triggers.isEmpty }
}
