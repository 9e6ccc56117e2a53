import VGPUCore

/// GSP heap parameters of the LIBOS2 firmware that TU102 introduced and TU10x, TU11x and GA100 share:
/// no OS carve-out, 8 MiB base, a 64...256 MiB override range in bare metal and in vGPU mode alike
/// (NVIDIA's LIBOS2 min/max HALs do not look at vGPU). The vGPU default heap is the release's, as for
/// LIBOS3 (it is returned before any clamp).
public enum TU102HeapParameters {
    /// The parameters for a release, or nil for a branch without published numbers.
    public static func parameters(for release: FirmwareRelease) -> GSPHeapParameters? {
        guard var p = GA102HeapParameters.parameters(for: release) else { return nil }
        p.libos = "LIBOS2"
        p.osCarveout = 0
        p.baseRM = 8 * Sizes.MiB
        p.minimum = 64 * Sizes.MiB
        p.maximum = 256 * Sizes.MiB
        p.vgpuOverrideRange = 64 * Sizes.MiB...256 * Sizes.MiB
        return p
    }
}
