/// Checks arriving payloads off against the published set: each must be one of them and arrive once.
struct ArrivalCheck {
    private let expected: Set<UInt64>
    private var seen: Set<UInt64>
    private(set) var unexpected = 0
    private(set) var duplicates = 0

    init(expected: Set<UInt64>) {
        self.expected = expected
        seen = Set(minimumCapacity: expected.count)
    }

    /// Records one arrived payload.
    mutating func add(_ payload: UnsafeRawBufferPointer) {
        let digest = Digest.of(payload)
        if !expected.contains(digest) {
            unexpected += 1
        } else if !seen.insert(digest).inserted {
            duplicates += 1
        }
    }

    /// Throws unless exactly the expected payloads arrived, each once.
    func verify(_ path: String) throws(LoadError) {
        guard seen.count == expected.count, unexpected == 0, duplicates == 0 else {
            throw LoadError(
                "\(path): \(seen.count) of \(expected.count) distinct payloads arrived, \(unexpected) unknown, "
                    + "\(duplicates) duplicates")
        }
    }
}
