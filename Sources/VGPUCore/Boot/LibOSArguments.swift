import VGPUPrimitives

/// The LibOS argument page the GSP is pointed at through its mailboxes: one 32-byte
/// `LibosMemoryRegionInitArgument` per region (u64 id8 @0, u64 pa @8, u64 size @16, u8 kind @24,
/// u8 loc @25), for LOGINIT, LOGINTR, LOGRM (64 KiB each) and RMARGS (4 KiB).
public enum LibOSArguments {
    /// Region names in page order.
    public static let regions = ["LOGINIT", "LOGINTR", "LOGRM", "RMARGS"]
    /// Entry size.
    public static let entrySize = 32
    /// `LIBOS_MEMORY_REGION_CONTIGUOUS`, `LIBOS_MEMORY_REGION_LOC_SYSMEM`.
    public static let kindContiguous: UInt8 = 1, locSysmem: UInt8 = 1

    /// The name packed as nouveau packs it: first character in the most significant byte.
    public static func id8(_ name: String) -> UInt64 {
        name.utf8.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The page for regions at the given bus addresses and sizes.
    public static func encode(_ entries: [(name: String, address: UInt64, size: UInt64)]) -> [UInt8] {
        var page = [UInt8](repeating: 0, count: 4096)
        for (i, e) in entries.enumerated() {
            let o = i * entrySize
            for (field, value) in [(0, id8(e.name)), (8, e.address), (16, e.size)] { LittleEndian.put(&page, o + field, value, 8) }
            page[o + 24] = kindContiguous
            page[o + 25] = locSysmem
        }
        return page
    }

    /// (name, address, size) for each non-empty entry of a page.
    public static func decode(_ page: [UInt8]) -> [(name: String, address: UInt64, size: UInt64)] {
        stride(from: 0, to: min(page.count, 4096) - entrySize + 1, by: entrySize).compactMap { o in
            func u64(_ at: Int) -> UInt64 { LittleEndian.get(page, o + at, 8) }
            let id = u64(0)
            guard id != 0 else { return nil }
            let name = String(decoding: (0..<8).map { UInt8(truncatingIfNeeded: id >> (56 - 8 * UInt64($0))) }.filter { $0 != 0 }, as: UTF8.self)
            return (name, u64(8), u64(16))
        }
    }
}
