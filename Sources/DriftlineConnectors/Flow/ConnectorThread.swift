import Foundation

/// Starts a connector's own thread (transport polling stays off Swift's cooperative pool) under a
/// name the operating system shows (`top -H`, `/proc/PID/task/*/comm`), so each thread's CPU time
/// can be told apart. Foundation's `Thread.name` does not reach the OS thread on Linux.
public enum ConnectorThread {
    /// Runs `body` on a new thread called `name` (Linux shows its first 15 bytes).
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            nameCurrentThread(name)
            body()
        }
        thread.name = name
        thread.start()
    }

    /// Gives the calling thread an OS-visible name (Linux; elsewhere nothing happens).
    public static func nameCurrentThread(_ name: String) {
        #if os(Linux)
            try? String(name.utf8.prefix(15))?.write(
                toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
        #endif
    }
}
