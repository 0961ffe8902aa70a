public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A private Prometheus Alertmanager (Debian's `prometheus-alertmanager`) on a free loopback port,
/// for tests: clustering off, a temporary storage directory and a minimal configuration (one
/// receiver that notifies nobody). Alertmanager keeps alerts in memory only: a restart forgets them.
public final class Alertmanager: @unchecked Sendable {
    // @unchecked: `process` is guarded by `lock`; everything else is immutable.
    /// Where the program is expected.
    public static let executablePath = "/usr/bin/prometheus-alertmanager"

    /// Whether the program is installed.
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: executablePath) }

    /// The port it listens on, on 127.0.0.1; the same across restarts.
    public let port: Int
    /// Its base URL, `http://127.0.0.1:<port>`.
    public var url: String { "http://127.0.0.1:\(port)" }
    /// The temporary directory with the configuration, the storage and the log.
    public let directory: URL
    private let lock = NSLock()
    private var process: ChildProcess?

    /// Writes a configuration with `resolveTimeout` (Alertmanager's `global.resolve_timeout`, such
    /// as `5m`) and starts Alertmanager on a free port.
    /// - Throws: `BrokerError` when it is not installed or does not come up within 20 seconds.
    public init(resolveTimeout: String = "5m") throws {
        guard Self.isInstalled else {
            throw BrokerError(
                .notInstalled, "\(Self.executablePath) is not installed; install the 'prometheus-alertmanager' package")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "driftline-alertmanager-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        port = try LoopbackPort.free()
        let configuration = """
            global:
              resolve_timeout: \(resolveTimeout)
            route:
              receiver: nobody
            receivers:
              - name: nobody

            """
        try configuration.write(to: configurationFile, atomically: true, encoding: .utf8)
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private var configurationFile: URL { directory.appendingPathComponent("alertmanager.yml") }
    private var logFile: URL { directory.appendingPathComponent("alertmanager.log") }

    /// Its log so far, for test failure messages.
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Starts Alertmanager (if stopped) and waits until it accepts TCP connections.
    public func start() throws {
        lock.lock()
        defer { lock.unlock() }
        guard process == nil else { return }
        let fd = open(logFile.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        defer { if fd >= 0 { close(fd) } }
        let log = fd >= 0 ? fd : nil
        process = try ChildProcess.server(
            [
                Self.executablePath, "--config.file=\(configurationFile.path)",
                "--storage.path=\(directory.appendingPathComponent("data").path)",
                "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=", "--log.level=info",
            ], standardOutput: log, standardError: log, name: "Alertmanager", port: port, within: 20,
            log: { self.log })
    }

    /// Stops Alertmanager with SIGTERM and waits for it to exit; the alerts it held are gone.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard let process else { return }
        process.terminate()
        self.process = nil
    }
}
