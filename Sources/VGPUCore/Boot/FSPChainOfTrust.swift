import VGPUPrimitives

/// What the FSP needs to verify the GSP-FMC before it boots it: the three signed parts of the real
/// `fmc-<release>.bin`, and the image's size. Read by the firmware layer, carried here as values.
public struct FMCSecurityMaterial: Sendable, Equatable, Codable {
    /// SHA-384 of the FMC image (48 bytes).
    public var hash: [UInt8]
    /// The public key the FSP checks the signature with: 384 bytes on GH100, 97 on Blackwell.
    public var publicKey: [UInt8]
    /// The signature over the image: 384 bytes on GH100, 96 on Blackwell.
    public var signature: [UInt8]
    /// The FMC image's length (it is copied to sysmem, 4 KiB aligned).
    public var imageSize: UInt64

    /// Material from its parts.
    public init(hash: [UInt8], publicKey: [UInt8], signature: [UInt8], imageSize: UInt64) {
        (self.hash, self.publicKey, self.signature, self.imageSize) = (hash, publicKey, signature, imageSize)
    }
}

/// The chain-of-trust message the driver sends the FSP to boot GSP-FMC on Hopper and Blackwell:
/// `NVDM_PAYLOAD_COT` (NVIDIA `kern_fsp_cot_payload.h`, `#pragma pack(1)`, 860 bytes, the same at 570.144
/// and 580.142), filled as `kfspPrepareBootCommands_GH100` fills it (570 `kern_fsp_gh100.c:1279-1490`).
/// Encoded from the explicit offset table below; Tests/Fixtures/nvidia-vectors.json holds the offsets
/// compiled from NVIDIA's header.
public struct FSPChainOfTrust: Sendable, Equatable, Codable {
    /// `sizeof(NVDM_PAYLOAD_COT)`.
    public static let size = 860
    /// Field offsets (`offsetof` of the packed struct).
    public enum Offset {
        public static let version = 0, size = 2, gspFmcSysmemOffset = 4, frtsSysmemOffset = 12, frtsSysmemSize = 20
        public static let frtsVidmemOffset = 24, frtsVidmemSize = 32, hash384 = 36, publicKey = 84, signature = 468
        public static let gspBootArgsSysmemOffset = 852
    }
    /// Room for the hash, the key and the signature (`NvU32[12]`, `NvU32[96]`, `NvU32[96]`).
    public static let hashLength = 48, keyRoom = 384

    /// `cotPayloadVersion`: 1 on GH100, 2 on GB10x and GB20x (570 `g_kern_fsp_nvoc.c:240-250`).
    public var version: UInt16
    /// Sysmem address of the FMC image (filled at boot).
    public var gspFmcSysmemOffset: UInt64
    /// FRTS in sysmem: always 0 for NVIDIA's GSP-client driver, whose FSP object forces
    /// `PDB_PROP_KFSP_DISABLE_FRTS_SYSMEM` (570 `g_kern_fsp_nvoc.c:210-214`).
    public var frtsSysmemOffset: UInt64 = 0, frtsSysmemSize: UInt32 = 0
    /// FRTS in FB: the distance from the end of FB to the top of FRTS, and its size (1 MiB).
    public var frtsVidmemOffset: UInt64, frtsVidmemSize: UInt32
    /// The FMC's hash, public key and signature, copied from the image file.
    public var hash384: [UInt8], publicKey: [UInt8], signature: [UInt8]
    /// Sysmem address of `GSP_FMC_BOOT_PARAMS` (filled at boot).
    public var gspBootArgsSysmemOffset: UInt64

    /// A message from its parts.
    public init(version: UInt16, gspFmcSysmemOffset: UInt64, frtsVidmemOffset: UInt64, frtsVidmemSize: UInt32,
                material: FMCSecurityMaterial, gspBootArgsSysmemOffset: UInt64) {
        self.version = version
        self.gspFmcSysmemOffset = gspFmcSysmemOffset
        self.frtsVidmemOffset = frtsVidmemOffset
        self.frtsVidmemSize = frtsVidmemSize
        (hash384, publicKey, signature) = (material.hash, material.publicKey, material.signature)
        self.gspBootArgsSysmemOffset = gspBootArgsSysmemOffset
    }

    /// Why a message cannot be encoded: a part longer than its room.
    public struct Overflow: Error, Equatable, CustomStringConvertible {
        /// `hash384`, `publicKey` or `signature`.
        public let field: String
        public let length: Int, room: Int
        public var description: String { "NVDM_PAYLOAD_COT.\(field): \(length) bytes do not fit its \(room)" }
    }

    /// The 860 bytes, zero where the driver leaves a field or a tail unused (it zeroes the whole
    /// buffer first, `kern_fsp_gh100.c:1356-1358`).
    public func encode() throws(Overflow) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: Self.size)
        LittleEndian.put(&b, Offset.version, UInt64(version), 2)
        LittleEndian.put(&b, Offset.size, UInt64(Self.size), 2)
        LittleEndian.put(&b, Offset.gspFmcSysmemOffset, gspFmcSysmemOffset, 8)
        LittleEndian.put(&b, Offset.frtsSysmemOffset, frtsSysmemOffset, 8)
        LittleEndian.put(&b, Offset.frtsSysmemSize, UInt64(frtsSysmemSize), 4)
        LittleEndian.put(&b, Offset.frtsVidmemOffset, frtsVidmemOffset, 8)
        LittleEndian.put(&b, Offset.frtsVidmemSize, UInt64(frtsVidmemSize), 4)
        for (field, bytes, offset, room) in [("hash384", hash384, Offset.hash384, Self.hashLength), ("publicKey", publicKey, Offset.publicKey, Self.keyRoom),
                                             ("signature", signature, Offset.signature, Self.keyRoom)] {
            guard bytes.count <= room else { throw Overflow(field: field, length: bytes.count, room: room) }
            b.replaceSubrange(offset..<offset + bytes.count, with: bytes)
        }
        LittleEndian.put(&b, Offset.gspBootArgsSysmemOffset, gspBootArgsSysmemOffset, 8)
        return b
    }

    /// The message as it goes into the FSP's EMEM queue: the MCTP transport header (SOM and EOM set,
    /// source endpoint 0, sequence 0: one packet) and the NVDM header (PCI vendor-defined type 0x7e,
    /// vendor 0x10de, NVDM type 0x14 COT), then the payload (570 `kern_fsp.c:439-524`,
    /// `fsp_mctp_format.h`, `fsp_nvdm_format.h`).
    public func packet() throws(Overflow) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 8)
        LittleEndian.put(&header, 0, UInt64(Self.mctpSingle), 4)
        LittleEndian.put(&header, 4, UInt64(Self.nvdmHeader(type: Self.nvdmTypeCOT)), 4)
        return header + (try encode())
    }

    /// NVDM type of the chain-of-trust message, and of the FSP's answer.
    public static let nvdmTypeCOT: UInt32 = 0x14, nvdmTypeResponse: UInt32 = 0x15
    /// MCTP header of a message that fits one packet: SOM (bit 31) and EOM (bit 30).
    public static let mctpSingle: UInt32 = 1 << 31 | 1 << 30
    /// The NVDM header: type 0x7e (vendor-defined PCI) in bits 6:0, vendor 0x10de in 23:8, the NVDM type in 31:24.
    public static func nvdmHeader(type: UInt32) -> UInt32 { 0x7e | 0x10de << 8 | type << 24 }

    /// Decodes 860 bytes (the simulated FSP reads the message back with this).
    public static func decode(_ b: [UInt8]) -> FSPChainOfTrust? {
        guard b.count == size, LittleEndian.get(b, Offset.size, 2) == UInt64(size) else { return nil }
        var m = FSPChainOfTrust(version: UInt16(LittleEndian.get(b, Offset.version, 2)),
                                gspFmcSysmemOffset: LittleEndian.get(b, Offset.gspFmcSysmemOffset, 8),
                                frtsVidmemOffset: LittleEndian.get(b, Offset.frtsVidmemOffset, 8),
                                frtsVidmemSize: UInt32(LittleEndian.get(b, Offset.frtsVidmemSize, 4)),
                                material: FMCSecurityMaterial(hash: Array(b[Offset.hash384..<Offset.hash384 + hashLength]),
                                                              publicKey: Array(b[Offset.publicKey..<Offset.publicKey + keyRoom]),
                                                              signature: Array(b[Offset.signature..<Offset.signature + keyRoom]), imageSize: 0),
                                gspBootArgsSysmemOffset: LittleEndian.get(b, Offset.gspBootArgsSysmemOffset, 8))
        m.frtsSysmemOffset = LittleEndian.get(b, Offset.frtsSysmemOffset, 8)
        m.frtsSysmemSize = UInt32(LittleEndian.get(b, Offset.frtsSysmemSize, 4))
        return m
    }
}
