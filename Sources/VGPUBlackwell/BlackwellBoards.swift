import VGPUCore

/// Blackwell boards whose framebuffer the planner can assume from the PCI device id.
extension BlackwellModule: BoardTable, VGPUTypeProviding {
    /// Board names as NVIDIA's open-gpu-kernel-modules README (570.144 and 580.142) lists them; VRAM
    /// from the boards' data sheets, whose "GB" NVIDIA's tools report as GiB. The RTX 5060 Ti comes
    /// with 8 or 16 GB under one device id, so it is not listed (a plan for one takes --fb-size).
    public static let boards: [UInt16: Board] = [
        0x2901: Board(name: "B200", framebuffer: 180 * Sizes.GiB),
        0x2941: Board(name: "GB200", framebuffer: 186 * Sizes.GiB),
        0x2b85: Board(name: "GeForce RTX 5090", framebuffer: 32 * Sizes.GiB),
        0x2bb1: Board(name: "RTX PRO 6000 Blackwell Workstation Edition", framebuffer: 96 * Sizes.GiB),
        0x2bb4: Board(name: "RTX PRO 6000 Blackwell Max-Q Workstation Edition", framebuffer: 96 * Sizes.GiB),
        0x2bb5: Board(name: "RTX PRO 6000 Blackwell Server Edition", framebuffer: 96 * Sizes.GiB),
        0x2c02: Board(name: "GeForce RTX 5080", framebuffer: 16 * Sizes.GiB),
        0x2c05: Board(name: "GeForce RTX 5070 Ti", framebuffer: 16 * Sizes.GiB),
        0x2d05: Board(name: "GeForce RTX 5060", framebuffer: 8 * Sizes.GiB),
        0x2f04: Board(name: "GeForce RTX 5070", framebuffer: 12 * Sizes.GiB),
    ]
}
