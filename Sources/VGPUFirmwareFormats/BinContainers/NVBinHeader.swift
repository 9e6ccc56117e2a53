import VGPUPrimitives

/// The 24-byte header of NVIDIA's firmware bin container (`nvfw_bin_hdr` in nouveau).
///
/// Note `binSize` is not the file length: NVIDIA rounds it up to 256 bytes, so the bound that matters
/// is `dataOffset + dataSize <= file length`.
public struct NVBinHeader: Equatable, Sendable, Codable {
    /// The required `bin_magic`.
    public static let magic: UInt32 = 0x10de
    /// Encoded size of the header.
    public static let size: UInt64 = 24

    /// `bin_magic`, always 0x10de.
    public let binMagic: UInt32
    /// `bin_ver`, 1 in every known file.
    public let binVersion: UInt32
    /// `bin_size`, the container size rounded up to 256.
    public let binSize: UInt32
    /// `header_offset`: where the format-specific descriptor starts.
    public let headerOffset: UInt32
    /// `data_offset`: where the payload starts.
    public let dataOffset: UInt32
    /// `data_size`: payload length.
    public let dataSize: UInt32

    /// Parses and bounds-checks the header of a bin file.
    init(_ reader: LittleEndianReader) throws(FirmwareError) {
        let v = try reader.u32s(at: 0, fields: [
            "bin_hdr.bin_magic", "bin_hdr.bin_ver", "bin_hdr.bin_size",
            "bin_hdr.header_offset", "bin_hdr.data_offset", "bin_hdr.data_size",
        ])
        guard v[0] == Self.magic else {
            throw FirmwareError(file: reader.file, field: "bin_hdr.bin_magic", problem: .badMagic(expected: Self.magic, found: v[0]))
        }
        guard v[1] == 1 else {
            throw FirmwareError(file: reader.file, field: "bin_hdr.bin_ver", problem: .unsupportedVersion(v[1]))
        }
        (binMagic, binVersion, binSize, headerOffset, dataOffset, dataSize) = (v[0], v[1], v[2], v[3], v[4], v[5])
        guard UInt64(headerOffset) >= Self.size else {
            throw FirmwareError(file: reader.file, field: "bin_hdr.header_offset",
                                problem: .invalidValue("header_offset \(hex: headerOffset) overlaps the 24-byte bin header"))
        }
        try reader.checkRange(offset: UInt64(headerOffset), size: 4, field: "bin_hdr.header_offset")
        try reader.checkRange(offset: UInt64(dataOffset), size: UInt64(dataSize), field: "bin_hdr.data_offset")
    }

    /// The payload's place in the file.
    public var payload: FileRange { FileRange(offset: UInt64(dataOffset), size: UInt64(dataSize)) }
}

/// A byte range of a file, kept as offsets rather than copied bytes.
public struct FileRange: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Offset of the first byte.
    public let offset: UInt64
    /// Length in bytes.
    public let size: UInt64

    /// A range of `size` bytes at `offset`.
    public init(offset: UInt64, size: UInt64) {
        self.offset = offset
        self.size = size
    }

    /// One past the last byte.
    public var end: UInt64 { offset + size }

    /// `0x40+0x2448000`.
    public var description: String { "\(hex: offset)+\(hex: size)" }
}
