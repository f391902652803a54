/// The open-addressing hash table of a manager's live series: storage and
/// lookup only. What the series table is for (cardinality folding, expiry,
/// revival, salvage) is ``SeriesRegistry``'s.
///
/// Series are kept in creation order in `series`. Each slot packs the top
/// 32 bits of a series' hash (its tag) with its index + 1 (0 is an empty
/// slot), so a probe compares hashes without touching the series and asks a
/// series to compare its identity only on a hash match. A series' home slot
/// comes from its tag too, so growing the table moves slot words alone and
/// never reads a series (which, past a few thousand, would be a cache miss
/// each). ``probe(_:mask:hash:matches:)``
/// is the one probe loop: lookups from any thread, insertion, growth and
/// rebuilding all go through it.
///
/// The read side (lookups under the registry lock's read side) uses only
/// the raw `slots`, `objects` and `kinds`, which are plain pointers: reading
/// them copies no array and retains nothing. The table owns them; its owner
/// calls ``deallocate()``.
struct SeriesTable {
    var series: ContiguousArray<any RegisteredSeries> = []
    /// `slotCount` (a power of two) packed entries, see ``entry(hash:index:)``.
    private(set) var slots: UnsafeMutablePointer<UInt64> = SeriesTable.allocateSlots(64)
    private(set) var slotCount = 64
    /// `series[i]`, unretained (the array holds it), and its kind's
    /// `hashCode`, for the read side; `objectCapacity` entries.
    private(set) var objects = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: 64)
    private(set) var kinds = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
    private var objectCapacity = 64
    /// Live series per metric name, for the cardinality limits.
    private(set) var perName: [String: Int] = [:]
    /// The name `perName` was last looked up with, and where it holds it:
    /// a run of creations of one metric (one name, many dimension values,
    /// the common way to many series) compares the name instead of hashing
    /// it. Cleared when `perName` gains or loses keys (which may move its
    /// entries).
    private var lastName = ""
    private var lastNameIndex: Dictionary<String, Int>.Index?

    // MARK: The slot encoding and the probe

    private static let tagMask: UInt64 = 0xFFFF_FFFF_0000_0000

    /// The slot entry of series `index` with `hash`.
    @inline(__always)
    private static func entry(hash: Int, index: Int) -> UInt64 {
        UInt64(UInt(bitPattern: hash)) & tagMask | UInt64(index + 1)
    }

    /// The home slot of a tag (or of a slot entry, whose top half it is).
    @inline(__always)
    private static func home(_ tagged: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: tagged >> 32) & mask
    }

    /// The one probe loop: from `hash`'s home slot, the first series whose
    /// tag is `hash`'s and for which `matches(index)` holds, with its slot;
    /// or `nil` and the empty slot where such a series goes. `matches` may
    /// do more than compare (the read side records into the series it
    /// accepts).
    @inline(__always)
    static func probe(_ slots: UnsafeMutablePointer<UInt64>, mask: Int, hash: Int,
                      matches: (Int) -> Bool) -> (found: Int?, slot: Int) {
        let tag = UInt64(UInt(bitPattern: hash)) & tagMask
        var slot = home(tag, mask: mask)
        while true {
            let entry = slots[slot]
            if entry == 0 { return (nil, slot) }
            if entry & tagMask == tag {
                let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                if matches(index) { return (index, slot) }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The series of this identity, or the slot it would take.
    func find(hash: Int, name: String, kind: MetricSnapshot.Kind, dimensions: ProbeDimensions) -> (found: Int?, slot: Int) {
        let series = self.series
        return Self.probe(slots, mask: slotCount - 1, hash: hash) {
            series[$0].matches(name: name, kind: kind, dimensions: dimensions)
        }
    }

    /// `find` for a series' own identity.
    private func find(_ entry: any RegisteredSeries) -> (found: Int?, slot: Int) {
        let descriptor = entry.descriptor
        return find(hash: descriptor.hash, name: descriptor.name, kind: descriptor.kind,
                    dimensions: .list(descriptor.dimensions))
    }

    // MARK: Changes (under the registry lock's write side)

    /// Adds `entry` at `slot` (from a `find` that missed).
    mutating func insert(_ entry: any RegisteredSeries, hash: Int, at slot: Int) {
        slots[slot] = Self.entry(hash: hash, index: series.count)
        appendSeries(entry)
        growIfNeeded()
    }

    /// The live series of metric `name`.
    mutating func seriesCount(named name: String) -> Int {
        perNameIndex(name).map { perName.values[$0] } ?? 0
    }

    /// Where `perName` holds `name`, if it does.
    private mutating func perNameIndex(_ name: String) -> Dictionary<String, Int>.Index? {
        if let lastNameIndex, lastName == name { return lastNameIndex }
        guard let index = perName.index(forKey: name) else { return nil }
        lastName = name
        lastNameIndex = index
        return index
    }

    /// Adds `entry` if no series has its identity; otherwise keeps it
    /// unfound beside the live one (a revived handle whose identity was
    /// taken meanwhile: collected and exported, never found by a lookup).
    mutating func add(_ entry: any RegisteredSeries) {
        let (found, slot) = find(entry)
        if found == nil { slots[slot] = Self.entry(hash: entry.descriptor.hash, index: series.count) }
        appendSeries(entry)
        growIfNeeded()
    }

    /// Keeps only `kept`, in order, and rebuilds the slots and counts.
    mutating func rebuild(keeping kept: ContiguousArray<any RegisteredSeries>) {
        var capacity = 64
        while kept.count * 2 > capacity { capacity *= 2 }
        series = []
        series.reserveCapacity(kept.count)
        perName = [:]
        lastNameIndex = nil
        rehash(slotCount: capacity)
        for entry in kept { add(entry) }
    }

    func deallocate() {
        slots.deallocate()
        objects.deallocate()
        kinds.deallocate()
    }

    /// Appends to `series` and its raw mirror.
    private mutating func appendSeries(_ entry: any RegisteredSeries) {
        if series.count == objectCapacity {
            let capacity = objectCapacity * 2
            let grownObjects = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: capacity)
            grownObjects.moveInitialize(from: objects, count: series.count)
            objects.deallocate()
            objects = grownObjects
            let grownKinds = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grownKinds.moveInitialize(from: kinds, count: series.count)
            kinds.deallocate()
            kinds = grownKinds
            objectCapacity = capacity
        }
        let descriptor = entry.descriptor
        (objects + series.count).initialize(to: Unmanaged.passUnretained(entry as AnyObject).toOpaque())
        (kinds + series.count).initialize(to: UInt8(descriptor.kind.hashCode))
        series.append(entry)
        if let index = perNameIndex(descriptor.name) {
            perName.values[index] += 1
        } else {
            perName[descriptor.name] = 1
            lastNameIndex = nil
        }
    }

    /// At most three quarters of the slots in use: probes stay short (a
    /// slot is a word, eight to a cache line, and its tag rules out most
    /// mismatches without touching the series), and a table of 10k series
    /// takes 16k slots rather than 32k (13 bytes a series less).
    private mutating func growIfNeeded() {
        guard series.count * 4 > slotCount * 3 else { return }
        let old = slots
        let oldCount = slotCount
        slots = Self.allocateSlots(oldCount * 2)
        slotCount = oldCount * 2
        let mask = slotCount - 1
        // Each entry to the first free slot from its home: the entries are
        // distinct series (a second one of an identity has no slot, see
        // `add`), so no identity is compared.
        for index in 0..<oldCount where old[index] != 0 {
            var slot = Self.home(old[index], mask: mask)
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = old[index]
        }
        old.deallocate()
    }

    /// Replaces the slots with `slotCount` empty ones.
    private mutating func rehash(slotCount count: Int) {
        slots.deallocate()
        slots = Self.allocateSlots(count)
        slotCount = count
    }

    private static func allocateSlots(_ count: Int) -> UnsafeMutablePointer<UInt64> {
        let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
        slots.initialize(repeating: 0, count: count)
        return slots
    }
}
