import Dispatch

/// A task executor running jobs on a serial dispatch queue of its own, off Swift's cooperative pool.
///
/// The test runner runs synchronous tests on the cooperative pool, whose width is the number of
/// cores: on two cores, two tests that block (a pipeline run, a broker waiting) leave no thread for
/// async work such as a delivery worker or an HTTP client. Tests that must make progress meanwhile
/// prefer this executor (`withTaskExecutorPreference`, `Task(executorPreference:)`).
public final class DispatchTaskExecutor: TaskExecutor {
    private let queue: DispatchQueue

    /// An executor on a new serial queue labelled `label`.
    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    /// Runs `job` on the queue.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
