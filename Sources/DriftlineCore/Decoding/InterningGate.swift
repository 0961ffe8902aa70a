import Synchronization

/// Whether decoders may intern segment values they have never seen, shared by the engine (which
/// closes it at its key limit) and decoders on other threads (which read it per segment value).
///
/// Closed, a new segment value decodes as `Symbol.unseen`: such an event would add a key past the
/// limit and is dead-lettered anyway, so the symbol table stops growing with a flood of new values.
public final class InterningGate: Sendable {
    private let open = Atomic<Bool>(true)

    /// An open gate.
    public init() {}

    /// Whether new segment values are interned.
    public var isOpen: Bool {
        get { open.load(ordering: .relaxed) }
        set { open.store(newValue, ordering: .relaxed) }
    }
}
