import Foundation
import Synchronization

/// Runs a throwing closure on its own thread (for the demo, tests and load scenarios) (blocking work must stay off Swift's cooperative
/// pool) and hands back its result.
public final class BackgroundRun<Value: Sendable>: Sendable {
    private let outcome = Mutex<Result<Value, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    /// Starts `body` on a new thread.
    public init(_ body: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            let result = Result { try body() }
            outcome.withLock { $0 = result }
            done.signal()
        }
        thread.start()
    }

    /// Whether `body` has returned or thrown.
    public var isFinished: Bool { outcome.withLock { $0 != nil } }

    /// Waits for the closure and returns what it returned (or rethrows what it threw).
    public func result() throws -> Value {
        done.wait()
        done.signal()
        return try outcome.withLock { $0! }.get()
    }
}
