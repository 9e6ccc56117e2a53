import VGPUPrimitives

extension GSPFirmwareImage {
    /// The image as text, a line each: what VGPUKit read from it (ELF kind, version, where `.fwimage`
    /// lies, the signature families), then every section like `readelf -S -W`, without the null one.
    ///
    /// `gsp-elf` prints exactly these lines, and `vgpu-probe firmware` prints them for each GSP image.
    public var listing: [String] {
        var lines = [
            "ELF64 little-endian RISC-V, e_type \(elfType), .fwversion \(version)",
            ".fwimage at \(image) (\(image.size) bytes, left on disk)",
            "signature families: \(signatureFamilies.joined(separator: " "))",
            "sections:",
        ]
        for s in sections where s.index > 0 {
            lines.append("  [\(s.index)] \(Self.column(s.name, 24)) \(Self.column(s.typeName, 9)) "
                + "offset \(hex: s.range.offset) size \(hex: s.range.size) flags \(hex: s.flags)")
        }
        return lines
    }

    /// `text` left-aligned in a column `width` characters wide (never cut).
    private static func column(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
