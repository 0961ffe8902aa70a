import DriftlineCore
import DriftlineHTTP
import DriftlineStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// What the server answered to one request.
struct Answer {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: String

    /// The body as a JSON object.
    func object() throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    /// The `{"error": {...}}` body's parameter and message.
    func error() throws -> (parameter: String?, message: String) {
        let error = try #require(try object()["error"] as? [String: Any])
        return (error["parameter"] as? String, try #require(error["message"] as? String))
    }

    /// `next_cursor` of a JSON page (nil for JSON `null`).
    func nextCursor() throws -> String? {
        let object = try object()
        #expect(object.keys.contains("next_cursor"))
        return object["next_cursor"] as? String
    }
}

/// A live server (loopback, ephemeral port) over a fixture store.
struct LiveAPI {
    let client: any TestClientProtocol

    static func run(
        _ api: HistoryAPI, token: String? = nil, _ body: @escaping @Sendable (LiveAPI) async throws -> Void
    ) async throws {
        var logger = Logger(label: "driftline.http.test")
        logger.logLevel = .warning
        let app = APIServer.application(api: api, host: "127.0.0.1", port: 0, token: token, logger: logger)
        try await app.test(.live) { client in try await body(LiveAPI(client: client)) }
    }

    func get(_ uri: String, accept: String? = nil, authorization: String? = nil) async throws -> Answer {
        var headers: HTTPFields = [:]
        if let accept { headers[.accept] = accept }
        if let authorization { headers[.authorization] = authorization }
        return try await client.execute(uri: uri, method: .get, headers: headers) { response in
            Answer(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }
}

@Suite struct HistoryAPITests {
    @Test func withATokenOnlyRequestsCarryingItAsABearerTokenAreAnswered() async throws {
        let fixture = try HistoryFixture()
        let expected = Self.page(fixture.expectedWindows().map(\.record))
        try await LiveAPI.run(HistoryAPI(storePath: fixture.path), token: "s3cret-token") { api in
            for authorization in [nil, "Bearer wrong", "Bearer s3cret-tokenX", "Bearer s3cret-toke", "s3cret-token"] {
                let refused = try await api.get("/api/v1/windows", authorization: authorization)
                #expect(refused.status == .unauthorized, "\(authorization ?? "no header")")
                #expect(refused.headers[.wwwAuthenticate] == "Bearer")
                #expect(try refused.error().message.contains("Authorization: Bearer"))
                #expect(!refused.body.contains("s3cret"))
            }
            for authorization in ["Bearer s3cret-token", "bearer s3cret-token"] {
                let answer = try await api.get("/api/v1/windows", authorization: authorization)
                #expect(answer.status == .ok)
                #expect(answer.body == expected)
            }
        }
    }

    /// `{"records":[...],"next_cursor":null}` of `records`, built here.
    static func page(_ records: [String], next: String? = nil) -> String {
        "{\"records\":[" + records.joined(separator: ",") + "],\"next_cursor\":"
            + (next.map { "\"\($0)\"" } ?? "null") + "}\n"
    }

    @Test func windowsAnswerTheLatestRevisionsAsTheStoredRecordsInOrder() async throws {
        let fixture = try HistoryFixture()
        let expected = fixture.expectedWindows()
        // Every key has a revised window somewhere, so the latest-only answer is really shorter.
        #expect(expected.count < fixture.windows.count && expected.count == 4 * 5)
        try await LiveAPI.run(HistoryAPI(storePath: fixture.path)) { api in
            let answer = try await api.get("/api/v1/windows")
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "application/json; charset=utf-8")
            #expect(answer.headers[HTTPField.Name("Link")!] == nil)
            #expect(answer.body == Self.page(expected.map(\.record)))
            // The records are JSON objects, each equal to the written one.
            let records = try #require(try answer.object()["records"] as? [[String: Any]])
            #expect(records.count == expected.count)
            for (record, window) in zip(records, expected) {
                let written = try JSONSerialization.jsonObject(with: Data(window.record.utf8)) as! NSDictionary
                #expect(NSDictionary(dictionary: record) == written)
                #expect(record["revision"] as? Int == window.revision)
            }
            let every = try await api.get("/api/v1/windows?all_revisions=true")
            #expect(every.body == Self.page(fixture.expectedWindows(allRevisions: true).map(\.record)))
            #expect(try await api.get("/api/v1/windows?all_revisions=false").body == answer.body)
        }
    }

    @Test func filtersSelectLikeTheCommandLine() async throws {
        let fixture = try HistoryFixture()
        let now: Int64 = 1_200_000
        try await LiveAPI.run(HistoryAPI(storePath: fixture.path, now: { now })) { api in
            // Exactly these segment pairs: line=L1 does not match device=cam-07,line=L1; order of pairs is free.
            let line1 = try await api.get("/api/v1/windows?segment=line%3DL1")
            #expect(line1.body == Self.page(fixture.expectedWindows { $0.segmentText == "line=L1" }.map(\.record)))
            let cam = try await api.get("/api/v1/windows?segment=line=L1&segment=device=cam-07&model=weld-defect-cls")
            #expect(
                cam.body
                    == Self.page(fixture.expectedWindows { $0.segmentText == "device=cam-07,line=L1" }.map(\.record)))
            // from inclusive, to exclusive, RFC 3339 or relative to now (-10m = 600000).
            let range = try await api.get("/api/v1/windows?from=1970-01-01T00:05:00Z&to=-10m&version=1.0.0")
            #expect(
                range.body
                    == Self.page(fixture.expectedWindows { $0.version == "1.0.0" && $0.start == 300_000 }.map(\.record))
            )
            let alerts = try await api.get("/api/v1/alerts?feature=temp_c")
            #expect(alerts.body == Self.page(fixture.expectedAlerts().filter { $0.start == 900_000 }.map(\.record)))
            #expect(try await api.get("/api/v1/alerts").body == Self.page(fixture.expectedAlerts().map(\.record)))
            let triggers = try await api.get("/api/v1/triggers?model=paint-qa")
            #expect(
                triggers.body == Self.page(fixture.expectedTriggers().filter { $0.model == "paint-qa" }.map(\.record)))
            #expect(try await api.get("/api/v1/windows?model=nothing").body == Self.page([]))
        }
    }

    @Test func modelsAnswerTheBaselinesAsObjects() async throws {
        let fixture = try HistoryFixture()
        try await LiveAPI.run(HistoryAPI(storePath: fixture.path)) { api in
            let answer = try await api.get("/api/v1/models")
            #expect(answer.status == .ok)
            let records = try #require(try answer.object()["records"] as? [[String: Any]])
            #expect(records.count == 2)
            #expect(records[0]["model"] as? String == "paint-qa" && records[0]["version"] as? String == "1.0.0")
            #expect(records[0]["task"] as? String == "regression")
            #expect(records[0]["offline_accuracy"] is NSNull)
            #expect(records[0]["first_seen"] as? String == "1970-01-01T00:00:02.000Z")
            #expect(
                records[1]["model"] as? String == "weld-defect-cls" && records[1]["task"] as? String == "classification"
            )
            #expect(records[1]["offline_accuracy"] as? Double == 0.5)
            #expect(records[1]["first_seen"] as? String == "1970-01-01T00:00:01.000Z")
            #expect(records[1]["last_seen"] as? String == "1970-01-01T00:00:05.000Z")
            let csv = try await api.get("/api/v1/models?format=csv")
            #expect(
                csv.body
                    == """
                    model,version,task,offline_accuracy,first_seen,last_seen
                    paint-qa,1.0.0,regression,,1970-01-01T00:00:02.000Z,1970-01-01T00:00:02.000Z
                    weld-defect-cls,3.2.0,classification,0.5,1970-01-01T00:00:01.000Z,1970-01-01T00:00:05.000Z

                    """)
        }
    }

    @Test func csvHasTheQueryCommandsColumnsWithTimesInRFC3339() async throws {
        let fixture = try HistoryFixture()
        try await LiveAPI.run(HistoryAPI(storePath: fixture.path)) { api in
            let answer = try await api.get("/api/v1/windows?segment=line=L2&format=csv")
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "text/csv; charset=utf-8")
            let expected = fixture.expectedWindows { $0.segmentText == "line=L2" }.map { window in
                let online = window.online.map { String($0) } ?? ""
                let gap = window.online == nil ? "" : "12.5"
                return [
                    window.model, window.version, "line=L2", HistoryFixture.rfc3339(window.start),
                    HistoryFixture.rfc3339(window.start + 300_000), String(window.revision), String(window.count),
                    online, "0.875", gap, "40", "20.0", "50.0", "90.0", "120.0", String(Double(window.count) / 300),
                ].joined(separator: ",")
            }
            let header =
                "model,version,segment,window_start,window_end,revision,count,accuracy_online,accuracy_offline,"
                + "accuracy_gap_pp,labelled,latency_p50,latency_p95,latency_p99,latency_max,throughput_per_s"
            #expect(answer.body == ([header] + expected).joined(separator: "\n") + "\n")
            #expect(answer.body.contains("1970-01-01T00:05:00.000Z"))
            // Accept chooses CSV when format= is absent; format= wins over Accept.
            #expect(try await api.get("/api/v1/windows?segment=line=L2", accept: "text/csv").body == answer.body)
            let json = try await api.get("/api/v1/windows?segment=line=L2&format=json", accept: "text/csv")
            #expect(json.headers[.contentType] == "application/json; charset=utf-8")
            let preferred = try await api.get(
                "/api/v1/windows?segment=line=L2", accept: "application/xml, text/*;q=0.5")
            #expect(preferred.body == answer.body)
            // A feature adds its PSI column.
            let psi = try await api.get("/api/v1/windows?segment=line=L2&feature=current_a&format=csv")
            let lines = psi.body.split(separator: "\n")
            #expect(lines.first == Substring(header + ",psi"))
            #expect(lines.count == 1 + expected.count && lines.dropFirst().allSatisfy { $0.hasSuffix(",0.5") })
            let alerts = try await api.get("/api/v1/alerts?format=csv&feature=temp_c")
            let first = fixture.expectedAlerts().filter { $0.start == 900_000 }
            #expect(
                alerts.body
                    == """
                    alert_id,state,rule,model,version,segment,feature,value,threshold,window_start,window_end,at
                    psi_high/weld-defect-cls/3.2.0/line=L1/current_a,firing,psi_high,weld-defect-cls,3.2.0,line=L1,\
                    temp_c,0.5,0.25,1970-01-01T00:15:00.000Z,1970-01-01T00:20:00.000Z,1970-01-01T00:20:00.500Z
                    psi_high/weld-defect-cls/3.2.0/line=L1/current_a,resolved,psi_high,weld-defect-cls,3.2.0,line=L1,\
                    temp_c,0.5,0.25,1970-01-01T00:15:00.000Z,1970-01-01T00:20:00.000Z,1970-01-01T00:20:00.900Z

                    """)
            #expect(first.count == 2)
        }
    }

    /// Follows `next_cursor` from the first page of `path` (limit `limit`) to the last; the pages'
    /// records, and the `Link` header of each page checked against its cursor.
    static func allPages(_ api: LiveAPI, _ path: String, limit: Int) async throws -> [String] {
        var records: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let separator = path.contains("?") ? "&" : "?"
            let uri = "\(path)\(separator)limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? "")
            let answer = try await api.get(uri)
            #expect(answer.status == .ok, "\(uri): \(answer.body)")
            let object = try answer.object()
            let page = try #require(object["records"] as? [Any])
            // Records of a page, as text: the body is the page's records joined, so re-slice them.
            let next = try answer.nextCursor()
            let texts = try Self.recordTexts(answer.body)
            #expect(texts.count == page.count)
            #expect(page.count <= limit)
            records += texts
            if let next {
                #expect(page.count == limit)
                let link = try #require(answer.headers[HTTPField.Name("Link")!])
                // The full URL of this request, its cursor replaced by the next.
                let firstPage = "\(path)\(separator)limit=\(limit)"
                #expect(
                    link.hasPrefix("<http://") && link.hasSuffix("\(firstPage)&cursor=\(next)>; rel=\"next\""),
                    "\(link)")
            } else {
                #expect(answer.headers[HTTPField.Name("Link")!] == nil)
            }
            cursor = next
            pages += 1
        } while cursor != nil && pages < 1000
        return records
    }

    /// The record texts of a JSON page, split at the top level of its `records` array.
    static func recordTexts(_ body: String) throws -> [String] {
        let bytes = Array(body.utf8)
        let open = Array("{\"records\":[".utf8)
        #expect(Array(bytes.prefix(open.count)) == open)
        var records: [String] = []
        var depth = 0
        var inString = false
        var escaped = false
        var start = open.count
        var index = open.count
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") {
                if depth == 0 { start = index }
                depth += 1
            } else if byte == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { records.append(String(decoding: bytes[start...index], as: UTF8.self)) }
            } else if byte == UInt8(ascii: "]") && depth == 0 {
                break
            }
            index += 1
        }
        return records
    }

    @Test(arguments: [1, 2, 3, 7])
    func pagesConcatenateToTheUnpagedAnswer(limit: Int) async throws {
        let fixture = try HistoryFixture()
        try await LiveAPI.run(HistoryAPI(storePath: fixture.path)) { api in
            let cases: [(String, [String])] = [
                ("/api/v1/windows", fixture.expectedWindows().map(\.record)),
                ("/api/v1/windows?all_revisions=true", fixture.expectedWindows(allRevisions: true).map(\.record)),
                (
                    "/api/v1/windows?segment=line=L1&feature=current_a",
                    fixture.expectedWindows { $0.segmentText == "line=L1" }.map(\.record)
                ),
                ("/api/v1/alerts", fixture.expectedAlerts().map(\.record)),
                ("/api/v1/triggers", fixture.expectedTriggers().map(\.record)),
            ]
            for (path, expected) in cases {
                let unpaged = try Self.recordTexts(try await api.get(path).body)
                #expect(unpaged == expected, "\(path)")
                #expect(try await Self.allPages(api, path, limit: limit) == expected, "\(path) limit \(limit)")
            }
            let models = try Self.recordTexts(try await api.get("/api/v1/models").body)
            #expect(try await Self.allPages(api, "/api/v1/models", limit: limit) == models)
        }
    }

    @Test func theLinkHeaderLeadsToTheNextPageInBothFormats() async throws {
        let fixture = try HistoryFixture()
        try await LiveAPI.run(HistoryAPI(storePath: fixture.path)) { api in
            let first = try await api.get("/api/v1/windows?format=csv&segment=line=L1&limit=3")
            let link = try #require(first.headers[HTTPField.Name("Link")!])
            let url = try #require(URL(string: String(link.dropFirst().prefix { $0 != ">" })))
            #expect(url.scheme == "http" && url.path == "/api/v1/windows")
            #expect(link.hasSuffix(">; rel=\"next\""))
            let second = try await api.get(url.path + "?" + (url.query ?? ""))
            #expect(second.status == .ok)
            let expected = fixture.expectedWindows { $0.segmentText == "line=L1" }
            // CSV pages: a header each, then rows 1-3 and 4-....
            let firstRows = first.body.split(separator: "\n").dropFirst()
            let secondRows = second.body.split(separator: "\n").dropFirst()
            #expect(firstRows.count == 3 && secondRows.count == expected.count - 3)
            #expect(secondRows.first?.contains(HistoryFixture.rfc3339(expected[3].start)) == true)
            #expect(second.headers[HTTPField.Name("Link")!] == nil)
            // The same cursor in JSON.
            let cursor = try #require(url.query?.split(separator: "&").first { $0.hasPrefix("cursor=") }?.dropFirst(7))
            let json = try await api.get("/api/v1/windows?segment=line=L1&limit=3&cursor=\(cursor)")
            #expect(try Self.recordTexts(json.body) == expected.dropFirst(3).map(\.record))
        }
    }

    static let badRequests: [(String, String)] = [
        ("/api/v1/windows?bogus=1", "bogus"),
        ("/api/v1/windows?resolution=minute", "resolution"),
        ("/api/v1/windows?format=xml", "format"),
        ("/api/v1/windows?from=yesterday", "from"),
        ("/api/v1/windows?to=2026-13-01T00:00:00Z", "to"),
        ("/api/v1/windows?from=2026-11-27T00:00:00Z&to=2026-11-26T00:00:00Z", "from"),
        ("/api/v1/windows?segment=line", "segment"),
        ("/api/v1/windows?segment=line=L1&segment=line=L2", "segment"),
        ("/api/v1/windows?limit=0", "limit"),
        ("/api/v1/windows?limit=10001", "limit"),
        ("/api/v1/windows?limit=ten", "limit"),
        ("/api/v1/windows?cursor=not-a-cursor", "cursor"),
        ("/api/v1/windows?cursor=e30", "cursor"),
        ("/api/v1/windows?model=a&model=b", "model"),
        ("/api/v1/windows?all_revisions=maybe", "all_revisions"),
        ("/api/v1/triggers?feature=current_a", "feature"),
        ("/api/v1/triggers?segment=line=L1", "segment"),
        ("/api/v1/models?from=-7d", "from"),
        ("/api/v1/alerts?all_revisions=true", "all_revisions"),
        ("/api/v1/alerts?resolution=hour", "resolution"),
    ]

    @Test func badParametersAnswer400NamingTheParameter() async throws {
        let fixture = try HistoryFixture()
        try await LiveAPI.run(HistoryAPI(storePath: fixture.path)) { api in
            for (uri, parameter) in Self.badRequests {
                let answer = try await api.get(uri)
                #expect(answer.status == .badRequest, "\(uri)")
                #expect(answer.headers[.contentType] == "application/json; charset=utf-8", "\(uri)")
                let error = try answer.error()
                #expect(error.parameter == parameter, "\(uri): \(answer.body)")
                #expect(error.message.contains(parameter), "\(uri): \(error.message)")
            }
            // A cursor of another endpoint is refused too.
            let alerts = try await api.get("/api/v1/alerts?limit=1")
            let cursor = try #require(try alerts.nextCursor())
            let answer = try await api.get("/api/v1/windows?cursor=\(cursor)")
            #expect(answer.status == .badRequest)
            #expect(try answer.error().parameter == "cursor")
            // The messages: the same checks as driftline query, parameters named as in the URL.
            let after = try await api.get("/api/v1/windows?from=2026-11-27T00:00:00Z&to=2026-11-26T00:00:00Z")
            #expect(try after.error().message == "from (2026-11-27T00:00:00Z) is after to (2026-11-26T00:00:00Z)")
            let segment = try await api.get("/api/v1/windows?segment=line")
            #expect(try segment.error().message == "segment: 'line' is not name=value, e.g. line=L1")
        }
    }

    @Test func unknownPathsAnswer404AndUnacceptableTypes406() async throws {
        let fixture = try HistoryFixture()
        try await LiveAPI.run(HistoryAPI(storePath: fixture.path)) { api in
            for uri in ["/api/v1/nothing", "/api/v1/windows/extra", "/api/v1/compare/extra"] {
                let answer = try await api.get(uri)
                #expect(answer.status == .notFound, "\(uri)")
                #expect(answer.headers[.contentType] == "application/json; charset=utf-8")
                #expect(try answer.error().message.contains(uri))
            }
            let refused = try await api.get("/api/v1/windows", accept: "application/xml")
            #expect(refused.status == .notAcceptable)
            #expect(try refused.error().parameter == nil)
            #expect(
                try await api.get("/api/v1/windows", accept: "text/csv;q=0, application/xml").status == .notAcceptable)
            // format= wins over an Accept the API cannot answer.
            #expect(try await api.get("/api/v1/windows?format=csv", accept: "application/xml").status == .ok)
            #expect(
                try await api.get("/api/v1/windows", accept: "*/*").headers[.contentType]
                    == "application/json; charset=utf-8")
        }
    }

    @Test func aStoreThatCannotBeReadAnswers503() async throws {
        let missing = try HistoryFixture.temporaryPath()
        try await LiveAPI.run(HistoryAPI(storePath: missing)) { api in
            let answer = try await api.get("/api/v1/windows")
            #expect(answer.status == .serviceUnavailable)
            #expect(try answer.error().message.contains(missing))
            // Parameters are still checked first.
            #expect(try await api.get("/api/v1/windows?limit=0").status == .badRequest)
        }
        // Not an SQLite file: the first read fails.
        let garbage = try HistoryFixture.temporaryPath()
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: garbage))
        try await LiveAPI.run(HistoryAPI(storePath: garbage)) { api in
            let answer = try await api.get("/api/v1/alerts")
            #expect(answer.status == .serviceUnavailable)
        }
    }
}
