import Dispatch
import Foundation

/// SIGTERM and SIGINT for `driftline run`. The first asks the run to stop: intake stops, the
/// sinks and the store are flushed, Kafka offsets committed, the summary printed, exit status 0.
/// If that takes longer than the timeout, the engine exits with status 1; a second signal exits at
/// once, with 128 + the signal's number.
final class ShutdownSignals: @unchecked Sendable {
    // @unchecked: `sources` is set once in `init`; `signalled` is touched only on `queue`.
    private let queue = DispatchQueue(label: "driftline-signals")
    private var sources: [any DispatchSourceSignal] = []
    private var signalled = false

    /// Watches SIGTERM and SIGINT; `stop` is called once, at the first of them.
    init(timeoutMs: Int64, stop: @escaping @Sendable () -> Void) {
        for number in [SIGTERM, SIGINT] {
            // The default action would end the process before the source sees the signal.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [unowned self] in
                self.received(number, timeoutMs: timeoutMs, stop: stop)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Whether a signal asked the run to stop.
    var stopRequested: Bool { queue.sync { signalled } }

    private func received(_ number: Int32, timeoutMs: Int64, stop: @Sendable () -> Void) {
        let name = number == SIGTERM ? "SIGTERM" : "SIGINT"
        guard !signalled else {
            TopologyRunner.printError("driftline run: \(name) again: exiting now")
            exit(128 + number)
        }
        signalled = true
        TopologyRunner.printError(
            "driftline run: \(name): stopping (intake stops; outputs are flushed and committed; a second signal "
                + "exits at once)")
        stop()
        queue.asyncAfter(deadline: .now() + .milliseconds(Int(timeoutMs))) {
            TopologyRunner.printError(
                "driftline run: not stopped within shutdown_timeout (\(timeoutMs) ms): exiting with what is written")
            exit(1)
        }
    }
}
