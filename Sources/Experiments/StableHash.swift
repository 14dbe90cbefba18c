/// FNV-1a, 64 bits: a hash that, unlike `Hasher`, is the same in every process and on every
/// machine, for naming cache entries.
public func stableHash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
}

public func stableHash(_ text: String) -> UInt64 { stableHash(text.utf8) }
