/// Deletion for the open-addressing (linear probing) tables of the hot path: the key table, the
/// label join's index.
enum LinearProbing {
    /// Empties `slot`, moving later entries of its probe run back into the hole where their home
    /// slot allows it, so lookups need no tombstones. `home` gives an occupied slot's home slot.
    @inline(__always)
    static func remove<Slot>(
        at slot: Int, in slots: inout [Slot], empty: Slot, isEmpty: (Slot) -> Bool, home: (Slot) -> Int
    ) {
        let mask = slots.count - 1
        var hole = slot
        var probe = slot
        while true {
            probe = (probe + 1) & mask
            guard !isEmpty(slots[probe]) else { break }
            let wanted = home(slots[probe])
            // Move the entry into the hole unless its home lies cyclically in (hole, probe].
            let stays = hole <= probe ? (hole < wanted && wanted <= probe) : (hole < wanted || wanted <= probe)
            if !stays {
                slots[hole] = slots[probe]
                hole = probe
            }
        }
        slots[hole] = empty
    }
}
