import VGPUCore
import VGPUHAL

extension AdaModule {
    /// Every AD10x chip uses the GA102 (LIBOS3) parameters; AD10x alone has scrubber ucode, so its
    /// heap may outgrow the 256 MiB pre-scrubbed top of FB (the scrubber then runs before booter_load).
    public func heapParameters(for chip: Chip, release: FirmwareRelease) -> GSPHeapParameters? {
        guard AdaChip(chip) != nil, var p = GA102HeapParameters.parameters(for: release) else { return nil }
        p.hasScrubberUcode = true
        return p
    }
}
