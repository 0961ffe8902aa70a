import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child program started with an empty signal mask and default signal handlers.
///
/// Foundation's `Process` passes the launching thread's signal mask on, and test runners' threads block SIGTERM,
/// SIGALRM and more: a broker would ignore `stop()` and `mosquitto_sub -W` would never time out.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: `exited` is guarded by `lock`; `pid` is immutable.
    /// The child's process id.
    public let pid: Int32
    private let lock = NSLock()
    private var exited: Int32?

    /// Starts `arguments[0]` (a path) with `arguments`, reading `standardInput` and writing `standardOutput`
    /// and `standardError` (file descriptors; /dev/null when nil).
    public init(
        _ arguments: [String], standardInput: Int32? = nil, standardOutput: Int32? = nil, standardError: Int32? = nil
    ) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGALRM, SIGUSR1, SIGUSR2, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var files = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&files)
        defer { posix_spawn_file_actions_destroy(&files) }
        for (target, source, flags) in [
            (0, standardInput, O_RDONLY), (1, standardOutput, O_WRONLY), (2, standardError, O_WRONLY),
        ] {
            if let source {
                posix_spawn_file_actions_adddup2(&files, source, Int32(target))
            } else {
                posix_spawn_file_actions_addopen(&files, Int32(target), "/dev/null", flags, 0)
            }
        }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, arguments[0], &files, &attributes, argv, environ)
        guard rc == 0 else {
            throw BrokerError(.startFailed, "could not launch \(arguments[0]): \(String(cString: strerror(rc)))")
        }
        self.pid = pid
    }

    /// Runs a program to its end, feeding it `input` and returning its exit status and standard output.
    public static func run(_ arguments: [String], input: [UInt8] = []) throws -> (status: Int32, output: [UInt8]) {
        var inPipe: [Int32] = [0, 0]
        var outPipe: [Int32] = [0, 0]
        // Close-on-exec, so other children (started concurrently) do not hold the ends open.
        guard Self.closeOnExecPipe(&inPipe), Self.closeOnExecPipe(&outPipe) else {
            throw BrokerError(.startFailed, "pipe(): \(String(cString: strerror(errno)))")
        }
        let child: ChildProcess
        do {
            child = try ChildProcess(arguments, standardInput: inPipe[0], standardOutput: outPipe[1])
        } catch {
            for fd in inPipe + outPipe { close(fd) }
            throw error
        }
        close(inPipe[0])
        close(outPipe[1])
        let inputEnd = inPipe[1]
        let writer = Thread {
            input.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(inputEnd, bytes.baseAddress! + offset, bytes.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
            close(inputEnd)
        }
        writer.start()
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(outPipe[0], $0.baseAddress, $0.count) }
            if count <= 0 { break }
            output += buffer[0..<count]
        }
        close(outPipe[0])
        return (child.waitForExit(), output)
    }

    /// Whether the child has exited (reaping it if so).
    public var hasExited: Bool {
        lock.lock()
        defer { lock.unlock() }
        if exited != nil { return true }
        var status: Int32 = 0
        let rc = waitpid(pid, &status, WNOHANG)
        if rc == pid { exited = Self.exitCode(status) } else if rc < 0 && errno == ECHILD { exited = -1 }
        return exited != nil
    }

    /// Waits for the child to exit; its exit status, or 128 + signal number when a signal ended it.
    public func waitForExit() -> Int32 {
        while !hasExited { usleep(2_000) }
        lock.lock()
        defer { lock.unlock() }
        return exited ?? -1
    }

    /// SIGTERM, then SIGKILL when the child is still there after `grace` seconds; returns once it has exited.
    public func terminate(grace: Double = 10) {
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while !hasExited {
            if Date() > deadline { kill(pid, SIGKILL) }
            usleep(5_000)
        }
    }

    private static func closeOnExecPipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    private static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

extension ChildProcess {
    /// Starts `arguments`, a server that listens on loopback `port`, and waits up to `seconds` for it
    /// to accept connections.
    /// - Throws: `BrokerError` naming `name`, with `log()`, when it exits or does not listen in time.
    static func server(
        _ arguments: [String], standardOutput: Int32? = nil, standardError: Int32? = nil, name: String, port: Int,
        within seconds: Int,
        log: () -> String
    ) throws -> ChildProcess {
        let process = try ChildProcess(arguments, standardOutput: standardOutput, standardError: standardError)
        let deadline = Date().addingTimeInterval(Double(seconds))
        while Date() < deadline {
            if process.hasExited { throw BrokerError(.startFailed, "\(name) exited at start-up; its log:\n\(log())") }
            if LoopbackPort.acceptsConnections(port) { return process }
            usleep(20_000)
        }
        process.terminate()
        throw BrokerError(
            .startFailed, "\(name) did not accept connections on port \(port) within \(seconds) s:\n\(log())")
    }
}
