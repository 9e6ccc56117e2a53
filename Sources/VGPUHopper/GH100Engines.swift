import VGPUCore

extension HopperModule {
    /// The most engines GH100 exposes, one bit per instance of each class NVIDIA's RM registers for it
    /// (570.144 `g_gpu_class_list.c:1215-1300`, `gpuGetClassDescriptorList_GH100`: 10 copy engines,
    /// 8 NVDEC, 8 NVJPG, 1 OFA, SEC2, no NVENC; GR as one engine outside MIG). The method reproduces
    /// AD102's masks from the same file; nouveau's tables have none for GH100 (GSP-RM supplies them).
    /// A floorswept board may report fewer at run time; GSP-RM's inventory is then the truth.
    public func engineInventory(for chip: Chip) -> EngineInventory? {
        HopperChip(chip) == nil ? nil : EngineInventory([.gr: 0x1, .copy: 0x3ff, .nvdec: 0xff, .nvjpeg: 0xff, .ofa: 0x1, .sec2: 0x1])
    }
}
