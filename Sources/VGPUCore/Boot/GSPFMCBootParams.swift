import VGPUPrimitives

/// `GSP_FMC_BOOT_PARAMS`: what the chain-of-trust message points the FMC at (NVIDIA `gspifpub.h`;
/// 80 bytes at 570, 88 from 580, which appends `gspRmMemParams`), filled as `kgspSetupGspFmcArgs_GH100`
/// fills it for a normal boot. Encoded from explicit offsets; Tests/Fixtures/nvidia-vectors.json holds
/// the offsets compiled from NVIDIA's header.
public struct GSPFMCBootParams: Sendable, Equatable {
    /// Field offsets (natural alignment; the enums are 4 bytes).
    public enum Offset {
        public static let regkeys = 0, descTarget = 8, descSize = 12, descOffset = 16, wprCarveoutOffset = 24, wprCarveoutSize = 32
        public static let isGspRmBoot = 36, bootArgsTarget = 40, bootArgsOffset = 48
    }
    /// `GSP_DMA_TARGET_COHERENT_SYSTEM`: both structures sit in cached system memory.
    public static let coherentSystem: UInt32 = 1

    /// Where GspFwWprMeta is (`bootGspRmParams.gspRmDescOffset`), and its size.
    public var metaAddress: UInt64, metaSize: UInt32 = UInt32(GspFwWprMeta.size)
    /// Where the LibOS arguments are (`gspRmParams.bootArgsOffset`).
    public var libosArguments: UInt64

    /// Parameters naming the meta and the LibOS arguments.
    public init(metaAddress: UInt64, libosArguments: UInt64) { (self.metaAddress, self.libosArguments) = (metaAddress, libosArguments) }

    /// `sizeof(GSP_FMC_BOOT_PARAMS)` at `release`.
    public static func size(_ release: FirmwareRelease) -> Int { release.major >= 580 ? 88 : 80 }

    /// The bytes at `release`: no registry keys, no WPR carve-out (Blackwell's FSP expects none), no SPDM.
    public func encode(_ release: FirmwareRelease) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: Self.size(release))
        LittleEndian.put(&b, Offset.descTarget, UInt64(Self.coherentSystem), 4)
        LittleEndian.put(&b, Offset.descSize, UInt64(metaSize), 4)
        LittleEndian.put(&b, Offset.descOffset, metaAddress, 8)
        b[Offset.isGspRmBoot] = 1
        LittleEndian.put(&b, Offset.bootArgsTarget, UInt64(Self.coherentSystem), 4)
        LittleEndian.put(&b, Offset.bootArgsOffset, libosArguments, 8)
        return b
    }

    /// Reads the two addresses back (the simulated FMC does), nil when the buffer is short or does not
    /// say "GSP-RM boot".
    public static func decode(_ b: [UInt8]) -> GSPFMCBootParams? {
        guard b.count >= 80, b[Offset.isGspRmBoot] == 1 else { return nil }
        var p = GSPFMCBootParams(metaAddress: LittleEndian.get(b, Offset.descOffset, 8), libosArguments: LittleEndian.get(b, Offset.bootArgsOffset, 8))
        p.metaSize = UInt32(LittleEndian.get(b, Offset.descSize, 4))
        return p
    }
}
