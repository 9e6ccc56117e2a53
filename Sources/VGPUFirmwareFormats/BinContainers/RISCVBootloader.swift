/// A GSP RISC-V bootloader file (`bootloader-<release>.bin`): the bin header, the
/// `RM_RISCV_UCODE_DESC` at `header_offset`, and the payload it describes.
public struct RISCVBootloader: Equatable, Sendable, Codable {
    /// The container header.
    public let bin: NVBinHeader
    /// The descriptor.
    public let descriptor: RISCVUcodeDescriptor

    /// Parses a bootloader file's bytes. `file` is used in errors.
    public init(bytes: [UInt8], file: String) throws(FirmwareError) {
        let reader = LittleEndianReader(bytes: bytes, file: file)
        bin = try NVBinHeader(reader)
        // The descriptor's form is told by the room before the payload when the payload follows it
        // (76 bytes on TU10x/GA100, 84 on GA102+), else by what is left of the file.
        let start = UInt64(bin.headerOffset)
        let room = UInt64(bin.dataOffset) > start ? UInt64(bin.dataOffset) - start : UInt64(bytes.count) - min(start, UInt64(bytes.count))
        descriptor = try RISCVUcodeDescriptor(reader, at: start, room: room, payloadSize: bin.dataSize)
    }

    /// The bootloader payload (what is copied to sysmem for the GSP).
    public var payload: FileRange { bin.payload }
}

/// `RM_RISCV_UCODE_DESC`: 19 u32 fields on TU10x/GA100 (76 bytes), two more on GA102 and later (84 bytes).
public struct RISCVUcodeDescriptor: Equatable, Sendable, Codable {
    /// Field names in file order, as in NVIDIA's header; the last two exist only in the 84-byte form.
    public static let fieldNames = [
        "version", "bootloaderOffset", "bootloaderSize", "bootloaderParamOffset", "bootloaderParamSize",
        "riscvElfOffset", "riscvElfSize", "appVersion", "manifestOffset", "manifestSize",
        "monitorDataOffset", "monitorDataSize", "monitorCodeOffset", "monitorCodeSize", "bIsMonitorEnabled",
        "swbromCodeOffset", "swbromCodeSize", "swbromDataOffset", "swbromDataSize",
        "fbReservedSize", "bSignedAsCode",
    ]
    /// Size of the short (TU10x/GA100) form.
    public static let shortSize: UInt64 = 76
    /// Size of the long (GA102+) form.
    public static let longSize: UInt64 = 84

    /// Every field by name; the long-form fields are absent in a 76-byte descriptor.
    public let fields: [String: UInt32]
    /// 76 or 84.
    public let encodedSize: UInt64

    /// `version`.
    public var version: UInt32 { fields["version", default: 0] }
    /// `appVersion`, written to GSP register 0x080 at boot.
    public var appVersion: UInt32 { fields["appVersion", default: 0] }
    /// `monitorCodeOffset`: GspFwWprMeta.bootloaderCodeOffset.
    public var monitorCodeOffset: UInt32 { fields["monitorCodeOffset", default: 0] }
    /// `monitorDataOffset`: GspFwWprMeta.bootloaderDataOffset.
    public var monitorDataOffset: UInt32 { fields["monitorDataOffset", default: 0] }
    /// `manifestOffset`: GspFwWprMeta.bootloaderManifestOffset.
    public var manifestOffset: UInt32 { fields["manifestOffset", default: 0] }

    /// Reads the descriptor: the long form when `room` bytes hold it, else the short form. Every
    /// (offset, size) pair it holds must describe bytes inside the payload.
    init(_ reader: LittleEndianReader, at offset: UInt64, room: UInt64, payloadSize: UInt32) throws(FirmwareError) {
        let size: UInt64 = room >= Self.longSize ? Self.longSize : Self.shortSize
        let count = Int(size / 4)
        let names = Array(Self.fieldNames.prefix(count))
        let values = try reader.u32s(at: offset, fields: names.map { "RM_RISCV_UCODE_DESC.\($0)" })
        var fields: [String: UInt32] = [:]
        for (name, value) in zip(names, values) { fields[name] = value }
        self.fields = fields
        self.encodedSize = size

        let pairs = [("bootloaderOffset", "bootloaderSize"), ("bootloaderParamOffset", "bootloaderParamSize"),
                     ("manifestOffset", "manifestSize"), ("monitorDataOffset", "monitorDataSize"),
                     ("monitorCodeOffset", "monitorCodeSize")]
        for (o, s) in pairs {
            let start = UInt64(fields[o, default: 0]), length = UInt64(fields[s, default: 0])
            guard length > 0 else { continue }
            guard start + length <= UInt64(payloadSize) else {
                throw FirmwareError(file: reader.file, field: "RM_RISCV_UCODE_DESC.\(o)",
                                    problem: .outOfBounds(offset: start, size: length, limit: UInt64(payloadSize)))
            }
        }
    }
}
