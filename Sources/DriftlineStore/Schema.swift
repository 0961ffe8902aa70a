import GRDB

/// The store's schema, one migration per change; `docs/store.md` describes every column.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE window_results (
                        model TEXT NOT NULL,
                        version TEXT NOT NULL,
                        segment TEXT NOT NULL,
                        window_start INTEGER NOT NULL,
                        window_end INTEGER NOT NULL,
                        revision INTEGER NOT NULL,
                        count INTEGER NOT NULL,
                        accuracy_online REAL,
                        accuracy_offline REAL,
                        accuracy_gap_pp REAL,
                        labelled INTEGER NOT NULL,
                        latency_p50 REAL,
                        latency_p95 REAL,
                        latency_p99 REAL,
                        latency_max REAL,
                        throughput_per_s REAL NOT NULL,
                        record TEXT NOT NULL,
                        PRIMARY KEY (model, version, segment, window_start, revision)
                    ) WITHOUT ROWID;
                    CREATE INDEX window_results_by_start ON window_results (window_start);
                    CREATE TABLE window_psi (
                        model TEXT NOT NULL,
                        version TEXT NOT NULL,
                        segment TEXT NOT NULL,
                        window_start INTEGER NOT NULL,
                        revision INTEGER NOT NULL,
                        feature TEXT NOT NULL,
                        psi REAL,
                        PRIMARY KEY (model, version, segment, window_start, revision, feature)
                    ) WITHOUT ROWID;
                    CREATE INDEX window_psi_by_feature ON window_psi (feature, window_start);
                    CREATE TABLE alerts (
                        alert_id TEXT NOT NULL,
                        state TEXT NOT NULL,
                        window_start INTEGER NOT NULL,
                        window_end INTEGER NOT NULL,
                        rule TEXT NOT NULL,
                        model TEXT NOT NULL,
                        version TEXT NOT NULL,
                        segment TEXT NOT NULL,
                        feature TEXT,
                        value REAL NOT NULL,
                        threshold REAL NOT NULL,
                        at INTEGER NOT NULL,
                        record TEXT NOT NULL,
                        PRIMARY KEY (alert_id, state, window_start)
                    ) WITHOUT ROWID;
                    CREATE INDEX alerts_by_start ON alerts (window_start);
                    CREATE TABLE retrain_triggers (
                        trigger_id TEXT NOT NULL PRIMARY KEY,
                        model TEXT NOT NULL,
                        version TEXT NOT NULL,
                        window_start INTEGER NOT NULL,
                        window_end INTEGER NOT NULL,
                        at INTEGER NOT NULL,
                        record TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX retrain_triggers_by_start ON retrain_triggers (window_start);
                    CREATE TABLE baselines (
                        model TEXT NOT NULL,
                        version TEXT NOT NULL,
                        task TEXT,
                        offline_accuracy REAL,
                        first_seen INTEGER NOT NULL,
                        last_seen INTEGER NOT NULL,
                        PRIMARY KEY (model, version)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2: rollups") { db in
            try db.execute(
                sql: """
                    ALTER TABLE baselines ADD COLUMN profile TEXT;
                    CREATE INDEX window_psi_by_start ON window_psi (window_start);
                    CREATE TABLE window_counts (
                        model TEXT NOT NULL,
                        version TEXT NOT NULL,
                        segment TEXT NOT NULL,
                        window_start INTEGER NOT NULL,
                        window_end INTEGER NOT NULL,
                        revision INTEGER NOT NULL,
                        counts TEXT NOT NULL,
                        PRIMARY KEY (model, version, segment, window_start)
                    ) WITHOUT ROWID;
                    CREATE INDEX window_counts_by_start ON window_counts (window_start);
                    CREATE TABLE window_rollups (
                        resolution TEXT NOT NULL,
                        model TEXT NOT NULL,
                        version TEXT NOT NULL,
                        segment TEXT NOT NULL,
                        window_start INTEGER NOT NULL,
                        window_end INTEGER NOT NULL,
                        revision INTEGER NOT NULL,
                        count INTEGER NOT NULL,
                        accuracy_online REAL,
                        accuracy_offline REAL,
                        accuracy_gap_pp REAL,
                        labelled INTEGER NOT NULL,
                        latency_p50 REAL,
                        latency_p95 REAL,
                        latency_p99 REAL,
                        latency_max REAL,
                        throughput_per_s REAL NOT NULL,
                        record TEXT NOT NULL,
                        counts TEXT NOT NULL,
                        PRIMARY KEY (resolution, model, version, segment, window_start)
                    ) WITHOUT ROWID;
                    CREATE INDEX window_rollups_by_start ON window_rollups (resolution, window_start);
                    CREATE TABLE rollup_psi (
                        resolution TEXT NOT NULL,
                        model TEXT NOT NULL,
                        version TEXT NOT NULL,
                        segment TEXT NOT NULL,
                        window_start INTEGER NOT NULL,
                        feature TEXT NOT NULL,
                        psi REAL,
                        PRIMARY KEY (resolution, model, version, segment, window_start, feature)
                    ) WITHOUT ROWID;
                    CREATE INDEX rollup_psi_by_start ON rollup_psi (resolution, window_start);
                    """)
        }
        migrator.registerMigration("v3: rule state") { db in
            try db.execute(
                sql: """
                    CREATE TABLE rule_state (
                        alert_id TEXT NOT NULL PRIMARY KEY,
                        rule TEXT NOT NULL,
                        model TEXT NOT NULL,
                        version TEXT NOT NULL,
                        segment TEXT NOT NULL,
                        feature TEXT,
                        severity TEXT NOT NULL,
                        status TEXT NOT NULL,
                        streak INTEGER NOT NULL,
                        value REAL NOT NULL,
                        threshold REAL NOT NULL,
                        since INTEGER,
                        last_window_end INTEGER NOT NULL,
                        notified INTEGER,
                        trailing TEXT NOT NULL,
                        evidence TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE engine_state (
                        name TEXT NOT NULL PRIMARY KEY,
                        value INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v4: alert delivery") { db in
            try db.execute(
                sql: """
                    CREATE TABLE alert_outbox (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        sink TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        record_id TEXT NOT NULL,
                        state TEXT NOT NULL,
                        window_start INTEGER NOT NULL,
                        record TEXT NOT NULL,
                        enqueued_at INTEGER NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER,
                        last_error TEXT,
                        delivered_at INTEGER
                    );
                    CREATE UNIQUE INDEX alert_outbox_once ON alert_outbox (sink, kind, record_id, state, window_start);
                    CREATE INDEX alert_outbox_pending ON alert_outbox (sink, seq) WHERE delivered_at IS NULL;
                    """)
        }
        migrator.registerMigration("v5: compact windows") { db in
            // Window results keyed by an integer series id, PSI as a JSON column and a flag on each
            // window's latest revision: one key's month is one short range scan of small rows, and
            // a window writes one row instead of thirteen. The former tables stay readable under
            // their names as views.
            try db.execute(
                sql: """
                    CREATE TABLE series (
                        id INTEGER PRIMARY KEY,
                        model TEXT NOT NULL,
                        version TEXT NOT NULL,
                        segment TEXT NOT NULL,
                        UNIQUE (model, version, segment)
                    );
                    CREATE TABLE windows (
                        series INTEGER NOT NULL REFERENCES series (id),
                        window_start INTEGER NOT NULL,
                        revision INTEGER NOT NULL,
                        latest INTEGER NOT NULL,
                        window_end INTEGER NOT NULL,
                        count INTEGER NOT NULL,
                        accuracy_online REAL,
                        accuracy_offline REAL,
                        accuracy_gap_pp REAL,
                        labelled INTEGER NOT NULL,
                        latency_p50 REAL,
                        latency_p95 REAL,
                        latency_p99 REAL,
                        latency_max REAL,
                        throughput_per_s REAL NOT NULL,
                        psi TEXT,
                        record TEXT NOT NULL,
                        PRIMARY KEY (series, window_start, revision)
                    ) WITHOUT ROWID;
                    CREATE INDEX windows_by_start ON windows (window_start);
                    INSERT INTO series (model, version, segment)
                        SELECT DISTINCT model, version, segment FROM window_results ORDER BY model, version, segment;
                    INSERT INTO windows
                        SELECT s.id, w.window_start, w.revision,
                            w.revision = (SELECT MAX(l.revision) FROM window_results l WHERE l.model = w.model
                                AND l.version = w.version AND l.segment = w.segment
                                AND l.window_start = w.window_start),
                            w.window_end, w.count, w.accuracy_online, w.accuracy_offline, w.accuracy_gap_pp,
                            w.labelled, w.latency_p50, w.latency_p95, w.latency_p99, w.latency_max,
                            w.throughput_per_s,
                            (SELECT json_group_object(p.feature, p.psi) FROM window_psi p WHERE p.model = w.model
                                AND p.version = w.version AND p.segment = w.segment
                                AND p.window_start = w.window_start AND p.revision = w.revision
                                HAVING COUNT(*) > 0),
                            w.record
                        FROM window_results w JOIN series s ON s.model = w.model AND s.version = w.version
                            AND s.segment = w.segment;
                    DROP TABLE window_results;
                    DROP TABLE window_psi;
                    CREATE VIEW window_results AS
                        SELECT s.model, s.version, s.segment, w.window_start, w.window_end, w.revision, w.latest,
                            w.count, w.accuracy_online, w.accuracy_offline, w.accuracy_gap_pp, w.labelled,
                            w.latency_p50, w.latency_p95, w.latency_p99, w.latency_max, w.throughput_per_s, w.psi,
                            w.record
                        FROM windows w JOIN series s ON s.id = w.series;
                    CREATE VIEW window_psi AS
                        SELECT s.model, s.version, s.segment, w.window_start, w.revision, w.latest,
                            p.key AS feature, p.value AS psi
                        FROM windows w JOIN series s ON s.id = w.series, json_each(w.psi) p;
                    """)
        }
        migrator.registerMigration("v6: checkpoint") { db in
            try db.execute(
                sql: """
                    CREATE TABLE checkpoint (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        format INTEGER NOT NULL,
                        taken_at INTEGER NOT NULL,
                        state TEXT NOT NULL
                    );
                    """)
        }
        return migrator
    }
}
