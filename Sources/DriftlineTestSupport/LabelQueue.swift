/// A delayed label waiting for its event time.
struct PendingLabel {
    var timestampMs: Int64
    /// Order of scheduling, to break ties deterministically.
    var sequence: UInt64
    var modelIndex: Int
    var requestNumber: UInt64
    var isDefect: Bool

    func precedes(_ other: PendingLabel) -> Bool {
        (timestampMs, sequence) < (other.timestampMs, other.sequence)
    }
}

/// A binary min-heap of pending labels ordered by (timestamp, sequence).
struct LabelQueue {
    private var heap: [PendingLabel] = []

    var first: PendingLabel? { heap.first }

    var isEmpty: Bool { heap.isEmpty }

    mutating func insert(_ label: PendingLabel) {
        heap.append(label)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func removeFirst() -> PendingLabel {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                var smallest = parent
                let left = 2 * parent + 1
                let right = left + 1
                if left < heap.count && heap[left].precedes(heap[smallest]) { smallest = left }
                if right < heap.count && heap[right].precedes(heap[smallest]) { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }
}
