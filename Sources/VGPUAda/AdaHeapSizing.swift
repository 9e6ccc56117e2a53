import VGPUCore
import VGPUHAL

extension AdaModule: GSPHeapSizing {
    /// Every AD10x chip uses the GA102 (LIBOS3) parameters.
    public func heapParameters(for chip: Chip, release: FirmwareRelease) -> GSPHeapParameters? {
        guard chips.contains(chip) else { return nil }
        return GA102HeapParameters.parameters(for: release)
    }
}
