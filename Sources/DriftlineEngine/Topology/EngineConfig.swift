import Yams

/// Engine-wide settings, read from a YAML file such as `configs/engine.yaml` (snake_case keys,
/// all optional):
///
/// ```yaml
/// http_host: 127.0.0.1   # address of the HTTP API and /metrics
/// http_port: 9464
/// http_token: ${file:/etc/driftline/api-token}   # every HTTP request then needs it as a bearer token
/// log_level: info        # trace | debug | info | notice | warning | error | critical
/// shutdown_timeout: 10s  # SIGTERM/SIGINT: the longest a graceful stop may take
/// ```
public struct EngineConfig: Equatable, Sendable {
    /// How much the engine logs, in swift-log's levels.
    public enum LogLevel: String, Equatable, Sendable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    /// The address the HTTP API and `/metrics` listen on.
    public var httpHost: String
    /// The port the HTTP API and `/metrics` listen on.
    public var httpPort: Int
    /// The bearer token every HTTP request must carry (`Authorization: Bearer …`); `nil`: none.
    public var httpToken: String?
    /// The lowest level logged.
    public var logLevel: LogLevel
    /// After SIGTERM or SIGINT, the longest the stop may take (milliseconds) before the engine
    /// exits anyway, with status 1.
    public var shutdownTimeoutMs: Int64

    /// Settings with the defaults a file gets for the keys it leaves out.
    public init(
        httpHost: String = "127.0.0.1", httpPort: Int = 9464, httpToken: String? = nil, logLevel: LogLevel = .info,
        shutdownTimeoutMs: Int64 = 10_000
    ) {
        self.httpHost = httpHost
        self.httpPort = httpPort
        self.httpToken = httpToken
        self.logLevel = logLevel
        self.shutdownTimeoutMs = shutdownTimeoutMs
    }

    /// The settings in the YAML file at `path`; every problem is reported, with its line.
    public static func load(path: String) throws(TopologyError) -> EngineConfig {
        try load(yaml: NodeReader.readFile(path: path), file: path, baseDirectory: NodeReader.directory(of: path))
    }

    /// The settings in `yaml`, naming `file` in diagnostics and resolving `${file:…}` secrets
    /// against `baseDirectory`.
    public static func load(
        yaml: String, file: String, baseDirectory: String = "/"
    ) throws(TopologyError)
        -> EngineConfig
    {
        let root = try NodeReader.compose(yaml: yaml, file: file)
        var reader = NodeReader(file: file, baseDirectory: baseDirectory)
        var config = EngineConfig()
        if let fields = reader.fields(
            root, path: "", allowed: ["http_host", "http_port", "http_token", "log_level", "shutdown_timeout"])
        {
            if let node = fields["http_host"], let host = reader.string(node, path: "http_host") {
                config.httpHost = host
            }
            if let node = fields["http_port"], let port = reader.int(node, path: "http_port", minimum: 1) {
                if port <= 65_535 {
                    config.httpPort = port
                } else {
                    reader.report(.invalidValue, at: node.mark, "http_port must be at most 65535, not \(port)")
                }
            }
            if let node = fields["http_token"] { config.httpToken = reader.secret(node, path: "http_token") }
            if let node = fields["log_level"],
                let level = reader.word(node, path: "log_level", among: LogLevel.allCases)
            {
                config.logLevel = level
            }
            if let node = fields["shutdown_timeout"],
                let timeout = reader.duration(node, path: "shutdown_timeout", positive: true)
            {
                config.shutdownTimeoutMs = timeout
            }
        }
        if let error = reader.error { throw error }
        return config
    }
}
