import VGPUCore

/// GSP heap parameters of GH100 and Blackwell: GA102's LIBOS3 formula and bounds with the Hopper base
/// RM size, 14 MiB (`GSP_FW_HEAP_PARAM_BASE_RM_SIZE_GH100`, 570 `gsp_fw_heap.h:40-41`; the HAL at
/// `g_kernel_gsp_nvoc.c:396-404`), and no pre-scrubbed limit (`kgspGetPrescrubbedTopFbSize` is
/// unbounded from GH100). From 570 only, the first release with Hopper and Blackwell firmware here.
public enum GH100HeapParameters {
    /// The parameters for a release (570 and later).
    public static func parameters(for release: FirmwareRelease) -> GSPHeapParameters? {
        guard release.major >= 570, var p = GA102HeapParameters.parameters(for: release) else { return nil }
        p.baseRM = 14 * Sizes.MiB
        p.prescrubbedSize = nil
        return p
    }
}
