/// The open windows of every key that share one start, and the earliest input offset (per input
/// partition) that counted in any of them.
///
/// Windows with the same start close, finalize and drop together, so the group knows which input
/// must be read again should the engine restart before they are dropped: offsets from
/// `minimumOffsets` on.
final class WindowGroup {
    let start: Int64
    var windows: [WindowState] = []
    /// Smallest offset per partition that touched one of the windows; `Int64.max` where none did.
    private(set) var minimumOffsets: [Int64] = []

    init(start: Int64, minimumOffsets: [Int64] = []) {
        self.start = start
        self.minimumOffsets = minimumOffsets
    }

    @inline(__always)
    func note(partition: Int, offset: Int64) {
        if partition >= minimumOffsets.count {
            minimumOffsets.append(contentsOf: repeatElement(.max, count: partition + 1 - minimumOffsets.count))
        }
        if offset < minimumOffsets[partition] { minimumOffsets[partition] = offset }
    }
}
