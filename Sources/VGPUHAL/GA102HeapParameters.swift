import VGPUCore

/// GSP heap parameters of the LIBOS3 firmware that GA102 introduced and GA10x and AD10x share
/// (GSP-FACTS section 3). Named after the first chip with the behaviour, as nova-core names its HALs;
/// it lives here, not in a module, because two modules use it and modules never depend on each other.
public enum GA102HeapParameters {
    /// The parameters for a release, by branch: 535, 545/550, 570+ (580+ with the wider override range).
    public static func parameters(for release: FirmwareRelease) -> GSPHeapParameters? {
        let MiB = Sizes.MiB
        switch release.major {
        case 535:
            return GSPHeapParameters(libos: "LIBOS3", osCarveout: 20 * MiB, baseRM: 8 * MiB, minimum: 84 * MiB, maximum: 276 * MiB,
                                     vgpuDefault: 549 * MiB, vgpuOverrideRange: 549 * MiB...1024 * MiB, vgpuPartitionCount: 32)
        case 545, 550:
            // No override range is published for these branches: only the default is accepted.
            return GSPHeapParameters(libos: "LIBOS3", osCarveout: 22 * MiB, baseRM: 8 * MiB, minimum: 86 * MiB, maximum: 278 * MiB,
                                     vgpuDefault: 565 * MiB, vgpuOverrideRange: 565 * MiB...565 * MiB, vgpuPartitionCount: 32)
        case 570..<580:
            return GSPHeapParameters(libos: "LIBOS3", osCarveout: 22 * MiB, baseRM: 8 * MiB, minimum: 88 * MiB, maximum: 280 * MiB,
                                     vgpuDefault: 581 * MiB, vgpuOverrideRange: 581 * MiB...581 * MiB, vgpuPartitionCount: 32)
        case 580...:
            return GSPHeapParameters(libos: "LIBOS3", osCarveout: 22 * MiB, baseRM: 8 * MiB, minimum: 88 * MiB, maximum: 280 * MiB,
                                     vgpuDefault: 581 * MiB, vgpuOverrideRange: 581 * MiB...1093 * MiB, vgpuPartitionCount: 32)
        default:
            return nil
        }
    }
}
