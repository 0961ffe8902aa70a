import Foundation

/// Writes batches into a `HistoryStore` on a thread of its own, off the engine's thread.
///
/// `write` hands a batch over through a bounded queue and waits while the queue is full, so a
/// slow or full disk slows the engine down instead of losing records. Batches waiting when the
/// thread turns to the queue are written together, in one transaction: under load, transactions
/// grow towards `capacity` records, and each page of a key's windows is written once for many.
/// A transaction the file cannot take for now (disk full, read-only, busy: `StoreError.unavailable`)
/// is written again, after 0.1 s, then twice as long each time up to 5 s, until it goes in; the
/// queue fills meanwhile and the engine waits. `sync` waits until everything handed over is
/// committed, and throws when a write failed otherwise: after such a failure nothing more is
/// written, and every later `write` and `sync` throws, so no offset is committed past what is
/// stored.
public final class StoreWriter: @unchecked Sendable {
    // @unchecked: every stored var is guarded by `condition`'s lock.
    private let store: HistoryStore
    private let condition = NSCondition()
    private var queue: [StoreBatch] = []
    private var queuedRecords = 0
    private var handedOver = 0
    private var committed = 0
    private var failure: StoreError?
    private var closed = false
    private var finished = false
    private var retried = 0
    /// Told when the file cannot be written (at most once a minute while that lasts) and when it
    /// can be again.
    private let report: @Sendable (String) -> Void
    /// Most records (window results, alerts, triggers) waiting before `write` waits; a larger
    /// batch is taken when nothing waits.
    public let capacity: Int

    /// The default `capacity`: ~45 MB of 1.8 KB window records, which measured 2× the write rate
    /// of transactions a tenth the size (README, "History store figures").
    public static let defaultCapacity = 25_000

    /// Starts the writing thread of `store`, with room for `capacity` waiting records; `report`
    /// hears of writes the file cannot take for now.
    public init(
        store: HistoryStore, capacity: Int = defaultCapacity, report: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.store = store
        self.capacity = max(1, capacity)
        self.report = report
        let thread = Thread { [self] in run() }
        thread.name = "driftline-store"
        thread.start()
    }

    /// Hands `batch` over, waiting while it would take the records waiting past `capacity`.
    public func write(_ batch: StoreBatch) throws {
        guard !batch.isEmpty else { return }
        let records = batch.results.count + batch.alerts.count + batch.triggers.count
        condition.lock()
        defer { condition.unlock() }
        while failure == nil && !closed && !queue.isEmpty && queuedRecords + records > capacity { condition.wait() }
        if let failure { throw failure }
        guard !closed else { throw StoreError(.writerFailed, "the history store '\(store.path)' is closed") }
        queue.append(batch)
        queuedRecords += records
        handedOver += 1
        condition.broadcast()
    }

    /// How many times a transaction was written again because the file could not take it.
    public var retries: Int {
        condition.lock()
        defer { condition.unlock() }
        return retried
    }

    /// Waits until every batch handed over is committed; throws the first write failure.
    public func sync() throws {
        condition.lock()
        defer { condition.unlock() }
        let target = handedOver
        while failure == nil && committed < target { condition.wait() }
        if let failure { throw failure }
    }

    /// Writes what is waiting, then stops the thread; throws the first write failure.
    public func close() throws {
        condition.lock()
        closed = true
        condition.broadcast()
        while !finished { condition.wait() }
        let failure = failure
        condition.unlock()
        if let failure { throw failure }
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty || failure != nil {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let taken = queue
            queue.removeAll(keepingCapacity: true)
            queuedRecords = 0
            condition.broadcast()
            condition.unlock()
            var batch = StoreBatch()
            for part in taken { batch.append(contentsOf: part) }
            let writeFailure = commit(batch)
            condition.lock()
            if let writeFailure {
                failure = StoreError(.writerFailed, writeFailure.message)
                queue.removeAll()
                queuedRecords = 0
            } else {
                committed += taken.count
            }
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Writes `batch`, again and again while the file cannot take it for now; the failure that
    /// stops it otherwise.
    private func commit(_ batch: StoreBatch) -> StoreError? {
        var delay = 0.1
        var lastReport: Date?
        var attempts = 0
        while true {
            do {
                try store.write(batch)
                if attempts > 0 {
                    report(
                        "the history store '\(store.path)' is written again, after \(attempts) attempt(s) it refused")
                }
                return nil
            } catch let failed as StoreError where failed.code == .unavailable {
                attempts += 1
                condition.lock()
                retried += 1
                condition.unlock()
                if lastReport.map({ Date().timeIntervalSince($0) >= 60 }) ?? true {
                    lastReport = Date()
                    report("\(failed.message); the engine waits, and the transaction is written again until it goes in")
                }
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 5)
            } catch let failed as StoreError {
                return failed
            } catch {
                return StoreError(.database, "\(error)")
            }
        }
    }
}
