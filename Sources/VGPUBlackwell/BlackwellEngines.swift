import VGPUCore

extension BlackwellModule {
    /// The most engines each die exposes, one bit per instance of each class NVIDIA's RM registers for
    /// it (570.144 `g_gpu_class_list.c`, `gpuGetClassDescriptorList_<chip>`, lines 1304-2088; GR as one
    /// engine outside MIG). GB100's 20 copy engines and GB202's fourth NVENC exist only in the 570
    /// engine numbering, the first this module supports. nouveau's tables have none for Blackwell.
    public func engineInventory(for chip: Chip) -> EngineInventory? {
        switch BlackwellChip(chip) {
        case .gb100?: EngineInventory([.gr: 0x1, .copy: 0xfffff, .nvdec: 0xff, .nvjpeg: 0xff, .ofa: 0x3, .sec2: 0x1])
        case .gb102?: EngineInventory([.gr: 0x1, .copy: 0x3ff, .nvdec: 0xf, .nvjpeg: 0xf, .ofa: 0x1, .sec2: 0x1])
        case .gb202?: EngineInventory([.gr: 0x1, .copy: 0xff, .nvdec: 0xf, .nvenc: 0xf, .nvjpeg: 0xf, .ofa: 0x1, .sec2: 0x1])
        case .gb203?: EngineInventory([.gr: 0x1, .copy: 0xff, .nvdec: 0x7, .nvenc: 0x3, .nvjpeg: 0x3, .ofa: 0x1, .sec2: 0x1])
        case .gb205?, .gb206?: EngineInventory([.gr: 0x1, .copy: 0xff, .nvdec: 0x1, .nvenc: 0x1, .nvjpeg: 0x1, .ofa: 0x1, .sec2: 0x1])
        case .gb207?: EngineInventory([.gr: 0x1, .copy: 0xff, .nvdec: 0x1, .nvenc: 0x1, .ofa: 0x1, .sec2: 0x1])
        case nil: nil
        }
    }
}
