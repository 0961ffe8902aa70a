import DriftlineTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `driftline serve`, the built binary as a child process, answering over loopback.
@Suite(.serialized) struct ServeEndToEndTests {
    /// The package's `driftline` executable, next to the test bundle.
    static func driftline() throws -> String {
        let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for directory in [binaries, binaries.deletingLastPathComponent()] {
            let path = directory.appendingPathComponent("driftline").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw ServeTestError(message: "no driftline executable near \(binaries.path): build the package first")
    }

    /// The first line `fd` delivers within `seconds`, or nil.
    static func firstLine(_ fd: Int32, within seconds: Double) -> String? {
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var wait = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&wait, 1, 100) > 0 else { continue }
            var byte: UInt8 = 0
            guard read(fd, &byte, 1) == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return nil
    }

    @Test func serveAnswersTheAPIOverLoopbackAndStopsOnSIGTERM() async throws {
        let fixture = try HistoryFixture()
        let port = try LoopbackPort.free()
        var pipe: [Int32] = [0, 0]
        #expect(Glibc.pipe(&pipe) == 0)
        _ = fcntl(pipe[0], F_SETFD, FD_CLOEXEC)
        let child = try ChildProcess(
            [try Self.driftline(), "serve", "--store", fixture.path, "--port", String(port)], standardOutput: pipe[1])
        close(pipe[1])
        defer {
            if !child.hasExited { child.terminate(grace: 5) }
            close(pipe[0])
        }
        let line = Self.firstLine(pipe[0], within: 60)
        #expect(line == "driftline serve: listening on http://127.0.0.1:\(port)/api/v1/")

        let response = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            try await client.get("/api/v1/triggers?limit=1")
        }
        #expect(response.status == .ok)
        let body = try String(buffer: #require(response.body))
        let first = fixture.expectedTriggers()[0].record
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let cursor = try #require(object["next_cursor"] as? String)
        #expect(body == "{\"records\":[\(first)],\"next_cursor\":\"\(cursor)\"}\n")
        #expect(
            response.headers[HTTPField.Name("Link")!]?.hasSuffix(
                "/api/v1/triggers?limit=1&cursor=\(cursor)>; rel=\"next\"") == true)

        // SIGTERM: a graceful shutdown and a clean exit.
        kill(child.pid, SIGTERM)
        let deadline = Date().addingTimeInterval(30)
        while !child.hasExited && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(child.hasExited)
        #expect(child.waitForExit() == 0)
    }

    /// `driftline run --config` serves the API of the topology's store while its pipeline runs
    /// (here until its standard input closes), then stops it and exits cleanly.
    @Test func runServesTheAPIOfItsStoreWhileThePipelineRuns() async throws {
        let directory = URL(fileURLWithPath: try HistoryFixture.temporaryPath()).deletingLastPathComponent()
        let port = try LoopbackPort.free()
        let topology = directory.appendingPathComponent("topology.yaml")
        try """
        name: api-run
        windows: {size: 5m}
        sources:
          - {name: in, type: stdin}
        sinks:
          results: {type: file, path: windows.ndjson}
          alerts: {type: file, path: alerts.ndjson}
          dead_letter: {type: file, path: dead.ndjson}
        store: {path: history.db}

        """.write(to: topology, atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("engine.yaml")
        try "http_host: 127.0.0.1\nhttp_port: \(port)\nlog_level: warning\n".write(
            to: config, atomically: true, encoding: .utf8)
        var input: [Int32] = [0, 0]
        #expect(Glibc.pipe(&input) == 0)
        // The child must not hold the write end too, or its standard input never ends.
        _ = fcntl(input[1], F_SETFD, FD_CLOEXEC)
        let child = try ChildProcess(
            [try Self.driftline(), "run", topology.path, "--config", config.path], standardInput: input[0])
        close(input[0])
        var inputOpen = true
        defer {
            if inputOpen { close(input[1]) }
            if !child.hasExited { child.terminate(grace: 5) }
        }
        // The API answers once the server listens; the pipeline has created the store by then or soon after.
        var answer: TestClient.Response?
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && !child.hasExited {
            answer = try? await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                try await client.get("/api/v1/windows?format=csv")
            }
            if answer?.status == .ok { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(answer?.status == .ok)
        let body = try String(buffer: #require(answer?.body))
        #expect(body.hasPrefix("model,version,segment,window_start,window_end,revision,count,"))
        // The sources end: the pipeline finishes, the server stops, the process exits cleanly.
        let line = #"{"type":"inference","model":"m","version":"1","ts":"2026-11-26T03:55:00Z","prediction":"a"}"#
        #expect(Array((line + "\n").utf8).withUnsafeBytes { write(input[1], $0.baseAddress, $0.count) } > 0)
        close(input[1])
        inputOpen = false
        let exitDeadline = Date().addingTimeInterval(60)
        while !child.hasExited && Date() < exitDeadline { try await Task.sleep(for: .milliseconds(20)) }
        try #require(child.hasExited)
        #expect(child.waitForExit() == 0)
        let windows = try String(contentsOf: directory.appendingPathComponent("windows.ndjson"), encoding: .utf8)
        #expect(windows.split(separator: "\n").count == 1)
    }

    @Test func serveRefusesAMissingStore() throws {
        let missing = try HistoryFixture.temporaryPath()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.driftline())
        process.arguments = ["serve", "--store", missing]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(text.contains("--store: no history store at '\(missing)'"), "\(text)")
    }
}

struct ServeTestError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
