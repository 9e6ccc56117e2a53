import VGPUCore

/// GSP heap parameters of the LIBOS3 firmware that GA102 introduced and GA10x and AD10x share, per
/// release branch, from NVIDIA's `gsp_fw_heap.h` and the generated heap HALs at each tag (docs/boot-
/// planning.md cites file and line; Tests/Fixtures/nvidia-vectors.json holds the values extracted from
/// NVIDIA's sources by scripts/nvidia_vectors.py). Named after the first chip with the behaviour, as
/// nova-core names its HALs; it lives here because two modules use it and modules never depend on each
/// other. The per-chip facts (pre-scrubbed size, scrubber ucode, FRTS) are the modules' to set.
public enum GA102HeapParameters {
    /// The parameters for a release, by branch: 535, 545/550, 570, 580+.
    public static func parameters(for release: FirmwareRelease) -> GSPHeapParameters? {
        let MiB = Sizes.MiB
        var p: GSPHeapParameters
        switch release.major {
        case 535:
            p = GSPHeapParameters(libos: "LIBOS3", osCarveout: 20 * MiB, baseRM: 8 * MiB, minimum: 84 * MiB, maximum: 276 * MiB,
                                  vgpuDefault: 549 * MiB, vgpuOverrideRange: 549 * MiB...1024 * MiB, vgpuPartitionCount: 32)
        case 545, 550:
            p = GSPHeapParameters(libos: "LIBOS3", osCarveout: 22 * MiB, baseRM: 8 * MiB, minimum: 86 * MiB, maximum: 278 * MiB,
                                  vgpuDefault: 565 * MiB, vgpuOverrideRange: 565 * MiB...1040 * MiB, vgpuPartitionCount: 32)
        case 570..<580:
            p = GSPHeapParameters(libos: "LIBOS3", osCarveout: 22 * MiB, baseRM: 8 * MiB, minimum: 88 * MiB, maximum: 280 * MiB,
                                  vgpuDefault: 581 * MiB, vgpuOverrideRange: 581 * MiB...1040 * MiB, vgpuPartitionCount: 32)
        case 580...:
            p = GSPHeapParameters(libos: "LIBOS3", osCarveout: 22 * MiB, baseRM: 8 * MiB, minimum: 88 * MiB, maximum: 280 * MiB,
                                  vgpuDefault: 581 * MiB, vgpuOverrideRange: 581 * MiB...1093 * MiB, vgpuPartitionCount: 32)
        default:
            return nil
        }
        p.prescrubLimitCountsAnterior = release.major >= 570
        return p
    }
}
