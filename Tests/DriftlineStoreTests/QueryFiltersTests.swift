import DriftlineCore
import DriftlineStore
import Foundation
import Testing

/// The one checker of query filters that `driftline query` and the HTTP API share.
@Suite struct QueryFiltersTests {
    static func filters(_ change: (inout QueryFilters) -> Void) -> QueryFilters {
        var filters = QueryFilters()
        change(&filters)
        return filters
    }

    @Test func buildsTheQueryWithACanonicalSegmentAndRelativeTimes() throws {
        let filters = Self.filters {
            $0.model = "m"
            $0.segment = ["line=L1", "device=cam-07"]
            $0.from = "-2h"
            $0.to = "1970-01-01T01:00:00Z"
            $0.allRevisions = true
            $0.resolution = "raw"
        }
        let query = try filters.query(.windows, now: 10_000_000, spelling: .parameter)
        #expect(query.model == "m" && query.segment == "device=cam-07,line=L1")
        #expect(query.from == 10_000_000 - 7_200_000 && query.to == 3_600_000)
        #expect(query.allRevisions && query.resolution == .raw)
    }

    static let failures: [(QueryFilters, StoreQuery.Kind, String, String, String)] = [
        (filters { $0.from = "yesterday" }, .windows, "from", "--from: 'yesterday' is neither", "from: 'yesterday'"),
        (
            filters {
                $0.from = "2026-11-27T00:00:00Z"
                $0.to = "2026-11-26T00:00:00Z"
            }, .alerts, "from", "--from (2026-11-27T00:00:00Z) is after --to (2026-11-26T00:00:00Z)",
            "from (2026-11-27T00:00:00Z) is after to (2026-11-26T00:00:00Z)"
        ),
        (
            filters { $0.segment = ["line"] }, .windows, "segment", "--segment: 'line' is not name=value",
            "segment: 'line'"
        ),
        (
            filters { $0.segment = ["line=L1", "line=L2"] }, .windows, "segment", "--segment: 'line' is given twice",
            "segment: 'line' is given twice"
        ),
        (
            filters { $0.feature = "f" }, .triggers, "feature", "--segment and --feature do not apply to triggers",
            "segment and feature do not apply to triggers"
        ),
        (
            filters { $0.to = "-1h" }, .models, "to", "--segment, --feature, --from and --to do not apply to models",
            "segment, feature, from and to do not apply to models"
        ),
        (
            filters { $0.allRevisions = true }, .alerts, "all_revisions", "--all-revisions applies to windows only",
            "all_revisions applies to windows only"
        ),
        (
            filters { $0.resolution = "week" }, .windows, "resolution",
            "--resolution: 'week' is not one of raw, hour, day",
            "resolution: 'week' is not one of raw, hour, day"
        ),
    ]

    @Test(arguments: 0..<failures.count)
    func aBadFilterNamesItsParameterAsEachCallerSpellsIt(_ index: Int) {
        let (filters, kind, parameter, option, urlMessage) = Self.failures[index]
        for (spelling, expected) in [(QueryFilters.Spelling.option, option), (.parameter, urlMessage)] {
            do {
                _ = try filters.query(kind, now: 0, spelling: spelling)
                Issue.record("no error for \(filters)")
            } catch {
                #expect(error.parameter == parameter)
                #expect(error.message.hasPrefix(expected), "\(error.message)")
            }
        }
    }

    /// Keyset pages (`limit`, then `after` the page's last row) concatenate to the unpaged rows.
    @Test(arguments: [1, 2, 3])
    func pagesConcatenateToTheUnpagedRows(limit: Int) throws {
        let path = try HistoryStoreTests.temporaryPath()
        let store = try HistoryStore(path: path)
        try store.write(HistoryStoreTests.sample())
        for (kind, allRevisions) in [
            (StoreQuery.Kind.windows, false), (.windows, true), (.alerts, false), (.triggers, false),
        ] {
            var query = StoreQuery(kind)
            query.allRevisions = allRevisions
            let unpaged = try store.rows(query)
            #expect(unpaged.next == nil)
            var paged: [StoreRows.Row] = []
            query.limit = limit
            var pages = 0
            repeat {
                let page = try store.rows(query)
                #expect(page.rows.count <= limit)
                paged += page.rows
                query.after = page.next
                pages += 1
                if page.next != nil { #expect(page.rows.count == limit) }
            } while query.after != nil && pages < 100
            #expect(paged == unpaged.rows, "\(kind) \(allRevisions)")
        }
    }
}
