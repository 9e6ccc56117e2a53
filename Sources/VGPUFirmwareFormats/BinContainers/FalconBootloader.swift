/// The falcon generic bootloader (`gen_bootloader-<release>.bin`, 570 on, TU10x, TU11x and GA100): a
/// bin container whose descriptor is NVIDIA's `RM_FLCN_BL_DESC` (`rmflcnbl.h`; nouveau's
/// `nvfw_bl_desc`, nova-core's `BootloaderDesc`) and whose payload is the falcon code (loaded into
/// IMEM, boot vector `start_tag << 8`) followed by its data.
///
/// nova-core loads it on the chips before GA102 to run FWSEC on the GSP falcon
/// (`firmware/fwsec/bootloader.rs`); nouveau takes the same 512 code bytes from `acr/bl.bin`.
public struct FalconBootloader: Equatable, Sendable, Codable {
    /// The container header.
    public let bin: NVBinHeader
    /// The descriptor.
    public let descriptor: FalconBootloaderDescriptor

    /// Parses a generic-bootloader file's bytes. `file` is used in errors.
    public init(bytes: [UInt8], file: String) throws(FirmwareError) {
        let reader = LittleEndianReader(bytes: bytes, file: file)
        bin = try NVBinHeader(reader)
        descriptor = try FalconBootloaderDescriptor(reader, at: UInt64(bin.headerOffset), payloadSize: bin.dataSize)
    }

    /// The code's place in the file.
    public var code: FileRange { FileRange(offset: UInt64(bin.dataOffset) + UInt64(descriptor.codeOffset), size: UInt64(descriptor.codeSize)) }
    /// The data's place in the file.
    public var data: FileRange { FileRange(offset: UInt64(bin.dataOffset) + UInt64(descriptor.dataOffset), size: UInt64(descriptor.dataSize)) }
}

/// `nvfw_bl_desc`: six u32 fields.
public struct FalconBootloaderDescriptor: Equatable, Sendable, Codable {
    /// Field names in file order, as nouveau names them (`blStartTag`, `blDmemDescLoadOff` and the
    /// `blImgHeader` code/data pairs in NVIDIA's header).
    public static let fieldNames = ["start_tag", "dmem_load_off", "code_off", "code_size", "data_off", "data_size"]
    /// Encoded size.
    public static let size: UInt64 = 24

    /// IMEM tag (256-byte block number) the code is loaded at.
    public let startTag: UInt32
    /// DMEM offset the data is loaded at.
    public let dmemLoadOffset: UInt32
    /// Code offset in the payload.
    public let codeOffset: UInt32
    /// Code length.
    public let codeSize: UInt32
    /// Data offset in the payload.
    public let dataOffset: UInt32
    /// Data length.
    public let dataSize: UInt32

    /// Reads the descriptor; code and data must be non-empty (code) and lie inside the payload.
    init(_ reader: LittleEndianReader, at offset: UInt64, payloadSize: UInt32) throws(FirmwareError) {
        let v = try reader.u32s(at: offset, fields: Self.fieldNames.map { "bl_desc.\($0)" })
        (startTag, dmemLoadOffset, codeOffset, codeSize, dataOffset, dataSize) = (v[0], v[1], v[2], v[3], v[4], v[5])
        guard codeSize > 0 else {
            throw FirmwareError(file: reader.file, field: "bl_desc.code_size", problem: .invalidValue("code_size is 0"))
        }
        for (name, start, length) in [("code_off", codeOffset, codeSize), ("data_off", dataOffset, dataSize)] {
            guard UInt64(start) + UInt64(length) <= UInt64(payloadSize) else {
                throw FirmwareError(file: reader.file, field: "bl_desc.\(name)",
                                    problem: .outOfBounds(offset: UInt64(start), size: UInt64(length), limit: UInt64(payloadSize)))
            }
        }
    }
}
