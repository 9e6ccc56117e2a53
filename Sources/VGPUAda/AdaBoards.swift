import VGPUCore

/// Ada boards whose framebuffer size the planner can assume when only the PCI device is known.
/// (The FB size is not in sysfs: BAR1 is an aperture, not the VRAM size.)
extension AdaModule: BoardTable {
    /// Board name and VRAM by PCI device id (pci.ids names; VRAM from the boards' data sheets).
    public static let boards: [UInt16: Board] = [
        0x26b5: Board(name: "L40", framebuffer: 48 * Sizes.GiB),
        0x26b9: Board(name: "L40S", framebuffer: 48 * Sizes.GiB),
        0x26ba: Board(name: "L20", framebuffer: 48 * Sizes.GiB),
        0x26b1: Board(name: "RTX 6000 Ada", framebuffer: 48 * Sizes.GiB),
        0x27b8: Board(name: "L4", framebuffer: 24 * Sizes.GiB),
        0x2684: Board(name: "GeForce RTX 4090", framebuffer: 24 * Sizes.GiB),
    ]
}
