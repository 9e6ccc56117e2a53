import VGPUCore

/// The engines of the AD10x dies. nouveau's chip tables (nvkm/engine/device/base.c, before GSP-RM
/// took over the engine list in 2025) give all five Ada chips the same masks; named after AD102, the
/// first of them. Once GSP-RM runs, the firmware's inventory is the truth and this the expected value.
enum AD102Engines {
    static let inventory = EngineInventory([
        .gr: 0x1, .copy: 0x1f, .nvdec: 0xf, .nvenc: 0x7, .nvjpeg: 0xf, .ofa: 0x1, .sec2: 0x1,
    ])
}

extension AdaModule {
    /// Every AD10x chip: the AD102 table.
    public func engineInventory(for chip: Chip) -> EngineInventory? {
        AdaChip(chip) == nil ? nil : AD102Engines.inventory
    }
}

/// The Ada boards' vGPU types, looked up in the embedded catalogues.
extension AdaModule: VGPUTypeProviding {}
