public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A private mosquitto broker on a free loopback port, for tests and load tests.
///
/// It runs with the settings Driftline's QoS 1 guarantee depends on (those of the shipped development broker
/// configuration: 1000 in-flight messages per client, unlimited queues, persistence) and keeps its persistence
/// file in a temporary directory that `restart()` reuses, so persistent sessions survive a restart.
public final class MosquittoBroker: @unchecked Sendable {
    // @unchecked: `process` is guarded by `lock`; everything else is immutable.
    /// Where the broker program is expected.
    public static let executablePath = "/usr/sbin/mosquitto"

    /// Whether the broker program is installed.
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: executablePath) }

    /// The loopback address the broker listens on.
    public let host = "127.0.0.1"
    /// The port the broker listens on; the same across restarts.
    public let port: Int
    /// The temporary directory with the configuration, the persistence file and the broker's log.
    public let directory: URL
    private let lock = NSLock()
    private var process: ChildProcess?

    /// Writes a configuration for a free port and starts the broker.
    /// - Parameter logPackets: also log every MQTT packet (for diagnosing a test; slows the broker down).
    /// - Throws: `BrokerError` when mosquitto is not installed or does not come up within a few seconds.
    public init(logPackets: Bool = false) throws {
        guard Self.isInstalled else {
            throw BrokerError(
                .notInstalled, "\(Self.executablePath) is not installed; install the 'mosquitto' package")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "driftline-mosquitto-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try LoopbackPort.free()
        try configuration(logPackets: logPackets).write(to: configurationFile, atomically: true, encoding: .utf8)
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private var configurationFile: URL { directory.appendingPathComponent("mosquitto.conf") }

    /// The broker's log so far, for test failure messages.
    public var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? ""
    }

    private func configuration(logPackets: Bool) -> String {
        // Started as root, mosquitto switches to the `mosquitto` user unless `user` names the current one.
        let user = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? "mosquitto"
        return """
            listener \(port) \(host)
            allow_anonymous true
            max_inflight_messages 1000
            max_queued_messages 0
            max_queued_bytes 0
            persistence true
            persistence_location \(directory.path)/
            autosave_interval 60
            user \(user)
            log_dest file \(directory.path)/mosquitto.log
            log_type error
            log_type warning
            log_type notice
            log_type information
            log_timestamp_format %H:%M:%S
            \(logPackets ? "log_type debug" : "")

            """
    }

    /// Starts the broker (if stopped) and waits until it accepts TCP connections.
    public func start() throws {
        lock.lock()
        defer { lock.unlock() }
        guard process == nil else { return }
        process = try ChildProcess.server(
            [Self.executablePath, "-c", configurationFile.path], name: "mosquitto", port: port, within: 10,
            log: { log })
    }

    /// Stops the broker with SIGTERM (it saves its persistence file) and waits for it to exit.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard let process else { return }
        process.terminate()
        self.process = nil
    }

    /// Stops the broker and starts it again on the same port with the same persistence file.
    public func restart() throws {
        stop()
        try start()
    }
}
