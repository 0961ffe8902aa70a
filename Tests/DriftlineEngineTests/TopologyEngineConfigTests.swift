import DriftlineEngine
import Foundation
import Testing

@Suite struct TopologyEngineConfigTests {
    @Test func givenKeysReplaceDefaults() throws {
        let config = try EngineConfig.load(yaml: "http_port: 8080\nlog_level: debug", file: "e.yaml")
        #expect(config == EngineConfig(httpHost: "127.0.0.1", httpPort: 8080, logLevel: .debug))
        #expect(config.shutdownTimeoutMs == 10_000)
        let patient = try EngineConfig.load(yaml: "shutdown_timeout: 45s", file: "e.yaml")
        #expect(patient.shutdownTimeoutMs == 45_000)
    }

    @Test func theAPITokenIsASecretReadFromAFileBesideTheConfig() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("t0ken\n".utf8).write(to: directory.appendingPathComponent("api-token"))
        let path = directory.appendingPathComponent("engine.yaml").path
        try Data("http_token: ${file:api-token}\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try EngineConfig.load(path: path).httpToken == "t0ken")
        #expect(try EngineConfig.load(path: "configs/engine.yaml").httpToken == nil)
    }

    @Test func mistakesAreReportedWithTheirLines() {
        #expect {
            try EngineConfig.load(
                yaml: "http_prot: 80\nhttp_port: 70000\nlog_level: loud\nshutdown_timeout: 0s", file: "e.yaml")
        } throws: { error in
            // `http_prot` at 1:1; `70000` at 2:12; `loud` at 3:12; `0s` at 4:19
            (error as? TopologyError)?.description == """
                e.yaml:1:1: error: unknown key 'http_prot' at the top level; did you mean 'http_port'?
                e.yaml:2:12: error: http_port must be at most 65535, not 70000
                e.yaml:3:12: error: unknown value 'loud' for log_level; expected one of: trace, debug, info, notice, \
                warning, error, critical
                e.yaml:4:19: error: shutdown_timeout must be longer than 0
                """
        }
    }
}
