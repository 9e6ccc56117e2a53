/// A SEC2 heavy-secure ucode file (`booter_load-*.bin`, `booter_unload-*.bin`, `scrubber-*.bin`):
/// bin header, HS header v2, the load header v2 it points at, metadata and signature table.
///
/// In the HS v2 header, `patch_loc`, `patch_sig` and `num_sig` are FILE OFFSETS of u32 values, not the
/// values; this type dereferences them, bounds-checked.
public struct BooterUcode: Equatable, Sendable, Codable {
    /// The container header.
    public let bin: NVBinHeader
    /// `nvfw_hs_header_v2`.
    public let hsHeader: HSHeaderV2
    /// `nvfw_hs_load_header_v2`.
    public let loadHeader: HSLoadHeaderV2
    /// The value stored at `patch_loc`: where in the image the signature is patched.
    public let patchLocation: UInt32
    /// The value stored at `patch_sig`: the index of the signature to patch with.
    public let patchSignatureIndex: UInt32
    /// The value stored at `num_sig`: how many production signatures follow `sig_prod_offset`.
    public let signatureCount: UInt32
    /// The three metadata words: fuse version, engine id mask, ucode id.
    public let fuseVersion: UInt32, engineID: UInt32, ucodeID: UInt32

    /// The signatures' places in the file: `signatureCount` equal slices of the production block.
    public var signatures: [FileRange] {
        let each = UInt64(hsHeader.sigProdSize) / UInt64(max(signatureCount, 1))
        return (0..<UInt64(signatureCount)).map { FileRange(offset: UInt64(hsHeader.sigProdOffset) + $0 * each, size: each) }
    }

    /// Parses a booter file's bytes. `file` is used in errors.
    public init(bytes: [UInt8], file: String) throws(FirmwareError) {
        let reader = LittleEndianReader(bytes: bytes, file: file)
        bin = try NVBinHeader(reader)
        hsHeader = try HSHeaderV2(reader, at: UInt64(bin.headerOffset))
        let h = hsHeader
        patchLocation = try reader.u32(at: UInt64(h.patchLoc), field: "hs_header_v2.patch_loc")
        patchSignatureIndex = try reader.u32(at: UInt64(h.patchSig), field: "hs_header_v2.patch_sig")
        signatureCount = try reader.u32(at: UInt64(h.numSig), field: "hs_header_v2.num_sig")
        guard signatureCount > 0 else {
            throw FirmwareError(file: file, field: "hs_header_v2.num_sig", problem: .invalidValue("num_sig is 0; at least one signature is required"))
        }
        guard h.sigProdSize % signatureCount == 0, h.sigProdSize > 0 else {
            throw FirmwareError(file: file, field: "hs_header_v2.sig_prod_size",
                                problem: .invalidValue("sig_prod_size \(h.sigProdSize) is not a non-zero multiple of num_sig \(signatureCount)"))
        }
        guard patchSignatureIndex < signatureCount else {
            throw FirmwareError(file: file, field: "hs_header_v2.patch_sig",
                                problem: .invalidValue("signature index \(patchSignatureIndex) but only \(signatureCount) signatures"))
        }
        guard h.metaDataSize >= 12 else {
            throw FirmwareError(file: file, field: "hs_header_v2.meta_data_size", problem: .invalidValue("meta_data_size \(h.metaDataSize) is under 12 bytes"))
        }
        let meta = try reader.u32s(at: UInt64(h.metaDataOffset), fields: ["meta.fuse_ver", "meta.engine_id", "meta.ucode_id"])
        (fuseVersion, engineID, ucodeID) = (meta[0], meta[1], meta[2])
        loadHeader = try HSLoadHeaderV2(reader, at: UInt64(h.headerOffset), size: h.headerSize, payloadSize: bin.dataSize)
    }
}

/// `nvfw_hs_header_v2`: nine u32 fields.
public struct HSHeaderV2: Equatable, Sendable, Codable {
    /// Field names in file order.
    static let fieldNames = ["sig_prod_offset", "sig_prod_size", "patch_loc", "patch_sig",
                             "meta_data_offset", "meta_data_size", "num_sig", "header_offset", "header_size"]
    /// File offset and size of the production signature block.
    public let sigProdOffset: UInt32, sigProdSize: UInt32
    /// File offsets of the patch location / patch signature index words.
    public let patchLoc: UInt32, patchSig: UInt32
    /// File offset and size of the metadata block.
    public let metaDataOffset: UInt32, metaDataSize: UInt32
    /// File offset of the signature-count word.
    public let numSig: UInt32
    /// File offset and size of the load header.
    public let headerOffset: UInt32, headerSize: UInt32

    init(_ reader: LittleEndianReader, at offset: UInt64) throws(FirmwareError) {
        let v = try reader.u32s(at: offset, fields: Self.fieldNames.map { "hs_header_v2.\($0)" })
        (sigProdOffset, sigProdSize, patchLoc, patchSig, metaDataOffset, metaDataSize, numSig, headerOffset, headerSize)
            = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8])
        try reader.checkRange(offset: UInt64(sigProdOffset), size: UInt64(sigProdSize), field: "hs_header_v2.sig_prod_offset")
        try reader.checkRange(offset: UInt64(metaDataOffset), size: UInt64(metaDataSize), field: "hs_header_v2.meta_data_offset")
        try reader.checkRange(offset: UInt64(headerOffset), size: UInt64(headerSize), field: "hs_header_v2.header_offset")
        for (name, at) in [("patch_loc", patchLoc), ("patch_sig", patchSig), ("num_sig", numSig)] {
            try reader.checkRange(offset: UInt64(at), size: 4, field: "hs_header_v2.\(name)")
        }
    }
}

/// `nvfw_hs_load_header_v2`: OS code/data placement and the application list.
public struct HSLoadHeaderV2: Equatable, Sendable, Codable {
    /// Offset/size of the non-secure OS code in the payload.
    public let osCodeOffset: UInt32, osCodeSize: UInt32
    /// Offset/size of the OS data in the payload.
    public let osDataOffset: UInt32, osDataSize: UInt32
    /// The secure applications: (offset, size) in the payload.
    public let apps: [FileRange]

    /// More apps than this cannot fit any real header and would only make a hostile count expensive.
    static let maximumApps: UInt32 = 64

    init(_ reader: LittleEndianReader, at offset: UInt64, size: UInt32, payloadSize: UInt32) throws(FirmwareError) {
        let v = try reader.u32s(at: offset, fields: ["os_code_offset", "os_code_size", "os_data_offset", "os_data_size", "num_apps"]
            .map { "hs_load_header_v2.\($0)" })
        (osCodeOffset, osCodeSize, osDataOffset, osDataSize) = (v[0], v[1], v[2], v[3])
        let numApps = v[4]
        guard numApps <= Self.maximumApps, 20 + UInt64(numApps) * 8 <= UInt64(size) else {
            throw FirmwareError(file: reader.file, field: "hs_load_header_v2.num_apps",
                                problem: .invalidValue("\(numApps) apps do not fit a \(size)-byte load header"))
        }
        var apps: [FileRange] = []
        for i in 0..<UInt64(numApps) {
            let pair = try reader.u32s(at: offset + 20 + i * 8, fields: ["hs_load_header_v2.app[\(i)].offset", "hs_load_header_v2.app[\(i)].size"])
            apps.append(FileRange(offset: UInt64(pair[0]), size: UInt64(pair[1])))
        }
        self.apps = apps
        let ranges = [("os_code_offset", FileRange(offset: UInt64(osCodeOffset), size: UInt64(osCodeSize))),
                      ("os_data_offset", FileRange(offset: UInt64(osDataOffset), size: UInt64(osDataSize)))]
            + apps.enumerated().map { ("app[\($0.offset)].offset", $0.element) }
        for (name, range) in ranges where range.end > UInt64(payloadSize) {
            throw FirmwareError(file: reader.file, field: "hs_load_header_v2.\(name)",
                                problem: .outOfBounds(offset: range.offset, size: range.size, limit: UInt64(payloadSize)))
        }
    }
}
