/// Builds small ELF64 files from scratch for malformed-input tests: a header, section contents, a
/// section-name table and a section-header table, with every field overridable afterwards.
///
/// Test-only: the product reads ELF through libelf; this only writes bytes the tests then corrupt.
public struct ELFImageBuilder {
    /// One section to emit.
    public struct Section {
        public var name: String
        public var type: UInt32
        public var flags: UInt64
        public var data: [UInt8]
        public init(_ name: String, type: UInt32 = 1, flags: UInt64 = 0, data: [UInt8]) {
            self.name = name
            self.type = type
            self.flags = flags
            self.data = data
        }
    }

    public var sections: [Section]
    public var elfClass: UInt8 = 2
    public var dataEncoding: UInt8 = 1
    public var machine: UInt16 = 243
    public var type: UInt16 = 1

    /// A GSP-like image: `.fwimage`, `.fwversion` and the given signature families, 4 KiB each.
    public static func gspLike(version: String = "535.113.01", imageSize: Int = 8192,
                               families: [String] = ["ad10x", "ga10x"]) -> ELFImageBuilder {
        var sections = [
            Section(".fwimage", flags: 3, data: (0..<imageSize).map { UInt8(truncatingIfNeeded: $0) }),
            Section(".fwversion", data: Array(version.utf8) + [0]),
        ]
        for f in families { sections.append(Section(".fwsignature_\(f)", data: [UInt8](repeating: 0x5a, count: 4096))) }
        return ELFImageBuilder(sections: sections)
    }

    public init(sections: [Section]) { self.sections = sections }

    /// Where things landed, so tests can corrupt exact fields.
    public struct Layout {
        /// `e_shoff`.
        public var sectionHeaderOffset: Int
        /// Index of `.shstrtab` (always last).
        public var nameTableIndex: Int
        /// Offset of section header `i` (index 0 is the null section).
        public func header(_ i: Int) -> Int { sectionHeaderOffset + 64 * i }
    }

    /// The file bytes and where its headers are.
    public func build() -> (bytes: [UInt8], layout: Layout) {
        var names: [UInt8] = [0]
        var nameOffsets: [Int] = []
        for s in sections + [Section(".shstrtab", type: 3, data: [])] {
            nameOffsets.append(names.count)
            names += Array(s.name.utf8) + [0]
        }
        let all = sections + [Section(".shstrtab", type: 3, data: names)]
        var out = [UInt8](repeating: 0, count: 64)
        var placed: [(offset: Int, size: Int)] = []
        for s in all {
            placed.append((out.count, s.data.count))
            out += s.data
        }
        while out.count % 8 != 0 { out.append(0) }
        let shoff = out.count
        out += [UInt8](repeating: 0, count: 64)  // null section header
        for (i, s) in all.enumerated() {
            var h = [UInt8](repeating: 0, count: 64)
            put(&h, 0, UInt32(nameOffsets[i]))
            put(&h, 4, s.type)
            put(&h, 8, s.flags)
            put(&h, 24, UInt64(placed[i].offset))
            put(&h, 32, UInt64(placed[i].size))
            put(&h, 48, UInt64(1))
            out += h
        }
        out[0...3] = [0x7f, 0x45, 0x4c, 0x46]
        out[4] = elfClass
        out[5] = dataEncoding
        out[6] = 1
        put(&out, 16, type)
        put(&out, 18, machine)
        put(&out, 20, UInt32(1))
        put(&out, 40, UInt64(shoff))
        put(&out, 52, UInt16(64))
        put(&out, 58, UInt16(64))
        put(&out, 60, UInt16(all.count + 1))
        put(&out, 62, UInt16(all.count))
        return (out, Layout(sectionHeaderOffset: shoff, nameTableIndex: all.count))
    }
}

/// Stores `value` little-endian at `offset`.
public func put<T: FixedWidthInteger>(_ bytes: inout [UInt8], _ offset: Int, _ value: T) {
    for i in 0..<(T.bitWidth / 8) { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
}

/// Reads a little-endian value at `offset`.
public func get<T: FixedWidthInteger>(_ bytes: [UInt8], _ offset: Int, as: T.Type = T.self) -> T {
    (0..<(T.bitWidth / 8)).reduce(T(0)) { $0 | T(bytes[offset + $1]) << (8 * $1) }
}
