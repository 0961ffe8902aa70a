import Foundation

/// Writes batches into a `HistoryStore` on a thread of its own, off the engine's thread.
///
/// `write` hands a batch over through a bounded queue and waits while the queue is full, so a
/// slow or full disk slows the engine down instead of losing records. Batches waiting when the
/// thread turns to the queue are written together, in one transaction: under load, transactions
/// grow towards `capacity` records, and each page of a key's windows is written once for many. `sync` waits until
/// everything handed over is committed, and throws when a write failed: after a failure nothing
/// more is written, and every later `write` and `sync` throws, so no offset is committed past
/// what is stored.
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
    /// Most records (window results, alerts, triggers) waiting before `write` waits; a larger
    /// batch is taken when nothing waits.
    public let capacity: Int

    /// The default `capacity`: ~45 MB of 1.8 KB window records, which measured 2× the write rate
    /// of transactions a tenth the size (README, "History store figures").
    public static let defaultCapacity = 25_000

    /// Starts the writing thread of `store`, with room for `capacity` waiting records.
    public init(store: HistoryStore, capacity: Int = defaultCapacity) {
        self.store = store
        self.capacity = max(1, capacity)
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
            var writeFailure: StoreError?
            do {
                try store.write(batch)
            } catch let failed as StoreError {
                writeFailure = failed
            } catch {
                writeFailure = StoreError(.database, "\(error)")
            }
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
}
