import DriftlineStore
import HTTPTypes
import Synchronization

/// The history store the API reads, opened read-only on first use and kept open.
///
/// The engine creates its store when its pipeline starts, possibly after the API is listening, so
/// a store that is not there yet (or cannot be opened) answers 503 until it can be.
final class StoreSource: Sendable {
    let path: String
    private let store = Mutex<HistoryStore?>(nil)

    init(path: String) {
        self.path = path
    }

    init(store: HistoryStore) {
        path = store.path
        self.store.withLock { $0 = store }
    }

    /// The open store; a 503 when it cannot be opened.
    func open() throws(APIError) -> HistoryStore {
        if let open = store.withLock({ $0 }) { return open }
        let opened: HistoryStore
        do {
            opened = try HistoryStore(path: path, readOnly: true)
        } catch {
            throw APIError(.serviceUnavailable, "the history store cannot be read: \(error)")
        }
        return store.withLock { current in
            if let current { return current }
            current = opened
            return opened
        }
    }
}
