public import DriftlineCore
public import DriftlineStore

/// What a topology file wires into the engine: sources, windows, keys, rules and sinks.
///
/// Made by `TopologyLoader`, which has already checked it: durations are positive where they
/// must be, `windows` is valid, source names and rule names are unique, every path is absolute.
public struct Topology: Equatable, Sendable {
    /// Which clock places events in windows.
    public enum TimeMode: String, Equatable, Sendable, CaseIterable {
        /// The event's own `ts` (the contract's default).
        case event
        /// The transport's record time (arrival), for sources whose timestamps cannot be trusted.
        case processing
    }

    /// How event time advances and how long the engine waits for stragglers.
    public struct TimeSettings: Equatable, Sendable {
        /// Which clock places events in windows.
        public var mode: TimeMode
        /// The watermark trails the largest event time seen by this many milliseconds.
        public var outOfOrdernessMs: Int64
        /// Events this many milliseconds behind the watermark still revise a closed window.
        public var allowedLatenessMs: Int64
        /// An input partition silent this long stops holding the watermark back; once every
        /// partition is, the watermark follows the wall clock (when `followsClockWhenIdle`).
        public var idleTimeoutMs: Int64
        /// Events more than this ahead of the wall clock are dead-lettered as `future`.
        public var maxFutureMs: Int64
        /// A partition's time that jumps ahead by more than this waits for confirming records.
        public var maxJumpMs: Int64
        /// Whether the watermark follows the wall clock once every partition is idle; off for a
        /// replay, whose end of input closes every window.
        public var followsClockWhenIdle: Bool

        /// Settings with the documented defaults: event time, 5 s, 0, 30 s, 15 m, 1 h, following the clock.
        public init(
            mode: TimeMode = .event, outOfOrdernessMs: Int64 = 5_000, allowedLatenessMs: Int64 = 0,
            idleTimeoutMs: Int64 = 30_000, maxFutureMs: Int64 = 900_000, maxJumpMs: Int64 = 3_600_000,
            followsClockWhenIdle: Bool = true
        ) {
            self.mode = mode
            self.outOfOrdernessMs = outOfOrdernessMs
            self.allowedLatenessMs = allowedLatenessMs
            self.idleTimeoutMs = idleTimeoutMs
            self.maxFutureMs = maxFutureMs
            self.maxJumpMs = maxJumpMs
            self.followsClockWhenIdle = followsClockWhenIdle
        }
    }

    /// How long inferences wait for their delayed labels.
    public struct LabelSettings: Equatable, Sendable {
        /// The label join bound in event time: `label.ts − inference.ts ≤ waitMs`.
        public var waitMs: Int64
        /// At most this many inferences wait for a label at once.
        public var maxPending: Int

        /// Settings with the documented defaults: 10 minutes, 1,000,000 pending.
        public init(waitMs: Int64 = 600_000, maxPending: Int = 1_000_000) {
            self.waitMs = waitMs
            self.maxPending = maxPending
        }
    }

    /// Bounds on what producers can make the engine hold, so a batch-id dimension, a
    /// misconfigured device id or a hostile producer cannot exhaust its memory.
    public struct LimitSettings: Equatable, Sendable {
        /// At most this many result keys (model, version, segment of a key set; the whole-model
        /// rollup included) at once; an event that would add one past it is dead-lettered with
        /// code `keyLimit`.
        public var maxKeys: Int
        /// An event with more features than this is dead-lettered with code `tooManyFeatures`;
        /// at most this many distinct features are measured per model version.
        public var maxFeatures: Int

        /// Settings with the documented defaults: 100,000 keys, 256 features.
        public init(maxKeys: Int = 100_000, maxFeatures: Int = 256) {
            self.maxKeys = maxKeys
            self.maxFeatures = maxFeatures
        }
    }

    /// One input of the engine.
    public struct SourceSpec: Equatable, Sendable {
        /// Where a source's records come from.
        public enum Transport: Equatable, Sendable {
            /// An NDJSON file, one record per line; the path is absolute.
            case file(path: String)
            /// NDJSON on standard input.
            case stdin
            /// Kafka topics consumed as a member of a consumer group.
            case kafka(Topology.KafkaSourceSpec)
            /// MQTT subscriptions, whose topic levels may carry segment dimensions, model or version.
            case mqtt(Topology.MQTTSourceSpec)
        }

        /// The source's name, unique in its topology.
        public var name: String
        /// Where the records come from.
        public var transport: Transport
        /// The one kind every record of this source has, when it carries one kind only
        /// (also set as `mapping.fixedKind`).
        public var fixedKind: EventKind?
        /// Where each contract role sits in this source's payload.
        public var mapping: FieldMapping

        /// A source named `name` reading `transport` through `mapping`.
        public init(name: String, transport: Transport, fixedKind: EventKind? = nil, mapping: FieldMapping) {
            self.name = name
            self.transport = transport
            self.fixedKind = fixedKind
            self.mapping = mapping
        }
    }

    /// Where one output stream goes.
    public enum SinkTarget: Equatable, Sendable {
        /// An NDJSON file, appended to; the path is absolute.
        case file(path: String)
        /// NDJSON on standard output.
        case stdout
        /// A Kafka topic, one JSON record per message.
        case kafka(topic: String, connection: Topology.KafkaConnection)
        /// An MQTT topic, one JSON record per QoS 1 message; with `statusPrefix`, the latest status
        /// of each model is also published, retained, under that prefix (`<statusPrefix>/<model>`).
        case mqtt(topic: String, connection: Topology.MQTTConnection, statusPrefix: String?)
        /// Alertmanager or a webhook over HTTP, through the history store's outbox (alerts and
        /// triggers only; the topology has a `store`).
        case delivery(DeliveryTarget)

        /// The HTTP delivery target, when this is one.
        public var delivery: DeliveryTarget? {
            if case .delivery(let target) = self { target } else { nil }
        }
    }

    /// The engine's output streams.
    public struct SinkSpecs: Equatable, Sendable {
        /// Window results.
        public var results: SinkTarget
        /// Where alert transitions go: every one of these.
        public var alerts: [SinkTarget]
        /// Where retraining triggers go; by default the alerts targets that are not Alertmanager.
        public var retrain: [SinkTarget]
        /// Records that could not be decoded or mapped, with their reason and raw bytes.
        public var deadLetter: SinkTarget
        /// The scheduled period reports (`schedule`); `nil` when the topology has none.
        public var reports: SinkTarget?

        /// Sinks sending retraining triggers to `retrain`, or, when it is `nil`, to the alerts
        /// targets that are not Alertmanager (which takes alerts only).
        public init(
            results: SinkTarget, alerts: [SinkTarget], retrain: [SinkTarget]? = nil, deadLetter: SinkTarget
        ) {
            self.results = results
            self.alerts = alerts
            self.retrain =
                retrain
                ?? alerts.filter {
                    if case .delivery(let target) = $0, case .alertmanager = target.kind { false } else { true }
                }
            self.deadLetter = deadLetter
        }

        /// The HTTP delivery targets alerts or triggers go to, each once, in file order.
        public var deliveryTargets: [DeliveryTarget] {
            var targets: [DeliveryTarget] = []
            for target in (alerts + retrain).compactMap(\.delivery) where !targets.contains(target) {
                targets.append(target)
            }
            return targets
        }

        /// The outbox queues of the store: alerts and triggers queued for their delivery targets.
        public var outbox: OutboxRoutes {
            OutboxRoutes(
                alerts: alerts.compactMap(\.delivery?.name), triggers: retrain.compactMap(\.delivery?.name))
        }
    }

    /// The periodic decay assessment: when it runs, the period it covers, what it judges against
    /// and when it asks for retraining.
    public struct ScheduleSpec: Equatable, Sendable {
        /// When the report is written (UTC), as the topology wrote it and as read.
        public var cronText: String
        public var cron: CronSchedule
        /// The report covers the windows starting in the last `periodMs` before it runs.
        public var periodMs: Int64
        /// The windows' targets: the thresholds of the rules `psi_high`, `accuracy_gap` and
        /// `latency_p99_high` as the topology has them.
        public var targets: PeriodReport.Targets
        /// When a report emits a retraining trigger.
        public var criteria: ReportCriteria

        public init(
            cronText: String, cron: CronSchedule, periodMs: Int64, targets: PeriodReport.Targets,
            criteria: ReportCriteria
        ) {
            self.cronText = cronText
            self.cron = cron
            self.periodMs = periodMs
            self.targets = targets
            self.criteria = criteria
        }
    }

    /// Where the history store is, when the topology keeps one.
    public struct StoreSpec: Equatable, Sendable {
        /// The SQLite file, absolute; created with its directory's permissions when missing.
        public var path: String
        /// How long it keeps raw windows and hourly and daily rollups.
        public var retention: Retention
        /// Whether the rules start from the states the store kept (an engine's restart), instead of
        /// afresh (a replay, which recomputes everything from its input).
        public var resumesRules: Bool

        /// A store at `path` keeping windows for `retention`; `resumesRules` when a run carries on
        /// from the rule states it holds.
        public init(path: String, retention: Retention = Retention(), resumesRules: Bool = false) {
            self.path = path
            self.retention = retention
            self.resumesRules = resumesRules
        }
    }

    /// The topology's name.
    public var name: String
    /// Clock, watermark and lateness settings.
    public var time: TimeSettings
    /// The window size and hop.
    public var windows: WindowSpec
    /// How often a closed window that changed is re-emitted (milliseconds); nil: every hop.
    public var reviseEveryMs: Int64?
    /// How long a key may have no open window before it is forgotten (milliseconds); nil: a day.
    public var forgetKeysAfterMs: Int64?
    /// The segment-dimension sets results are keyed by; `[]` is the whole-model rollup.
    /// Each set is kept in the order the file wrote it.
    public var keys: [[String]]
    /// Label join settings.
    public var labels: LabelSettings
    /// Bounds on keys and features.
    public var limits: LimitSettings
    /// Absolute paths of baseline JSON files or of directories holding them.
    public var baselinePaths: [String]
    /// The single-inference latency budget in milliseconds.
    public var latencyBudgetMs: Double
    /// The inputs, in file order.
    public var sources: [SourceSpec]
    /// The outputs.
    public var sinks: SinkSpecs
    /// The alerting rules, in file order; `RuleSpec.defaults` when the file has no `rules`.
    public var rules: [RuleSpec]
    /// The history store every window result, alert and trigger is also written to; `nil`: none.
    public var store: StoreSpec?
    /// A model version that triggered retraining does not trigger again for this long in event
    /// time (milliseconds, from the end of the trigger's window); 0: no cooldown.
    public var retrainCooldownMs: Int64
    /// The scheduled period reports; `nil`: none.
    public var schedule: ScheduleSpec?
    /// Where in the file each rule gives its metric, parallel to `rules` (empty for the defaults).
    public var rulePositions: [SourcePosition]

    /// A line and column of the topology file (1-based).
    public struct SourcePosition: Equatable, Sendable {
        public var line: Int
        public var column: Int

        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    /// A topology with the given parts; defaults are those a file gets when it leaves a part out.
    public init(
        name: String, time: TimeSettings = TimeSettings(), windows: WindowSpec, keys: [[String]] = [[]],
        labels: LabelSettings = LabelSettings(), baselinePaths: [String] = [], latencyBudgetMs: Double = 100,
        sources: [SourceSpec], sinks: SinkSpecs, rules: [RuleSpec] = RuleSpec.defaults, reviseEveryMs: Int64? = nil,
        forgetKeysAfterMs: Int64? = nil, limits: LimitSettings = LimitSettings(), store: StoreSpec? = nil,
        retrainCooldownMs: Int64 = 0, schedule: ScheduleSpec? = nil, rulePositions: [SourcePosition] = []
    ) {
        self.name = name
        self.time = time
        self.windows = windows
        self.keys = keys
        self.labels = labels
        self.baselinePaths = baselinePaths
        self.latencyBudgetMs = latencyBudgetMs
        self.sources = sources
        self.sinks = sinks
        self.rules = rules
        self.reviseEveryMs = reviseEveryMs
        self.forgetKeysAfterMs = forgetKeysAfterMs
        self.limits = limits
        self.store = store
        self.retrainCooldownMs = retrainCooldownMs
        self.schedule = schedule
        self.rulePositions = rulePositions
    }

    /// Every dimension named in `keys`, once each, sorted by name: the value of
    /// `FieldMapping.segmentDimensions` for every source, and so the order of `Event.segment`.
    public var segmentDimensions: [String] {
        Set(keys.joined()).sorted()
    }
}
