import VGPUCore

/// Hopper boards whose framebuffer the planner can assume from the PCI device id.
extension HopperModule: BoardTable, VGPUTypeProviding {
    /// Board names as NVIDIA's open-gpu-kernel-modules README (570.144) lists them, shortened as
    /// operators say them; VRAM from the boards' data sheets, whose "GB" NVIDIA's tools report as GiB.
    public static let boards: [UInt16: Board] = [
        0x2321: Board(name: "H100 NVL", framebuffer: 94 * Sizes.GiB),
        0x2329: Board(name: "H20", framebuffer: 96 * Sizes.GiB),
        0x232c: Board(name: "H20-3e", framebuffer: 141 * Sizes.GiB),
        0x2330: Board(name: "H100 SXM5 80GB", framebuffer: 80 * Sizes.GiB),
        0x2331: Board(name: "H100 PCIe", framebuffer: 80 * Sizes.GiB),
        0x2335: Board(name: "H200", framebuffer: 141 * Sizes.GiB),
        0x233b: Board(name: "H200 NVL", framebuffer: 141 * Sizes.GiB),
    ]
}
