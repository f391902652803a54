import CWMHTTP

/// The JSON text of the values one encoding pass has formatted, to copy
/// rather than format again: a histogram's representative values are the
/// same few dozen across its series, and formatting a `Double` is most of
/// what a distribution costs to encode.
///
/// An open-addressed table of 256 entries of up to 32 bytes, keyed by the
/// value's bits, probing at most four slots: when those are taken by other
/// values, the value is formatted again and replaces the first.
struct FormattedNumbers {
    private static let slots = 256
    private static let width = 32

    /// The bits of the value in each slot; a NaN's (never a value written
    /// here, which are finite) marks an empty one.
    private static let empty = Double.nan.bitPattern
    private var keys = [UInt64](repeating: empty, count: slots)
    private var lengths = [UInt8](repeating: 0, count: slots)
    private var text = [UInt8](repeating: 0, count: slots * width)

    /// Appends `value` to `json` as `JSONBytes.number` would.
    mutating func append(_ value: Double, to json: inout JSONBytes) {
        guard value.isFinite else { return json.number(value) }
        let bits = value.bitPattern
        let home = Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> 56)
        // Where the value goes if it is not found: the first empty slot, else home.
        var slot = home
        for probe in 0..<4 {
            let candidate = (home + probe) & (Self.slots - 1)
            if keys[candidate] == bits {
                let offset = candidate * Self.width
                let length = Int(lengths[candidate])
                text.withUnsafeBytes { json.raw(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + length)])) }
                return
            }
            if keys[candidate] == Self.empty {
                slot = candidate
                break
            }
        }
        let offset = slot * Self.width
        let start = json.count
        json.number(value)
        let length = json.count - start
        guard length <= Self.width else { return }
        keys[slot] = bits
        lengths[slot] = UInt8(length)
        json.withUnsafeBytes { written in
            text.withUnsafeMutableBytes { table in
                table.baseAddress!.advanced(by: offset).copyMemory(from: written.baseAddress!.advanced(by: start),
                                                                   byteCount: length)
            }
        }
    }
}
