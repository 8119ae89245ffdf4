/// A read-only hash table from UTF-8 byte strings to token ids.
///
/// Why not `[String: Int32]`: Swift `String` equality is canonical equivalence, so "ো" and
/// "ে" + "া" would be the same key, while WordPiece needs exact scalar-by-scalar matches
/// (the vocabulary holds both forms with different ids). Byte keys are exact, and looking up
/// a slice of a word needs no `String` at all.
struct ByteVocabulary: Sendable {
    private var bytes: [UInt8] = []
    private var starts: [Int32] = []
    private var lengths: [Int32] = []
    private var ids: [Int32] = []
    private var slots: [Int32]  // index into starts/lengths/ids, or -1
    private let mask: Int

    init(_ entries: [(key: [UInt8], id: Int32)]) {
        var size = 16
        while size < entries.count * 2 { size <<= 1 }
        mask = size - 1
        slots = [Int32](repeating: -1, count: size)
        for entry in entries {
            if entry.key.withUnsafeBufferPointer({ lookup($0) }) != nil { continue }  // first id wins
            let index = Int32(ids.count)
            starts.append(Int32(bytes.count))
            lengths.append(Int32(entry.key.count))
            ids.append(entry.id)
            bytes.append(contentsOf: entry.key)
            var slot = entry.key.withUnsafeBufferPointer { Self.hash($0) } & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = index
        }
    }

    @inline(__always)
    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key {
            h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// The id of exactly these bytes, if present.
    func lookup(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        var slot = Self.hash(key) & mask
        return bytes.withUnsafeBufferPointer { storage in
            while true {
                let index = Int(slots[slot])
                if index < 0 { return nil }
                if Int(lengths[index]) == key.count {
                    let start = Int(starts[index])
                    var equal = true
                    for k in 0..<key.count where storage[start + k] != key[k] {
                        equal = false
                        break
                    }
                    if equal { return ids[index] }
                }
                slot = (slot + 1) & mask
            }
        }
    }
}
