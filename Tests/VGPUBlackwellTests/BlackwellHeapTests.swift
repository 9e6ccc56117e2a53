import Testing
import VGPUBlackwell
import VGPUCore

/// The module asks for GB202's vGPU heap with the board's PCI ids (NVIDIA's per-board rule from 580; the
/// values themselves are checked against NVIDIA's sources in VGPUHALTests' FSPVectorTests).
struct BlackwellHeapTests {
    let module: BlackwellModule
    init() throws { module = try BlackwellModule() }

    /// RTX PRO 6000 Blackwell Server Edition in its 48-VM version (2BB5, subsystem 10de:204e).
    let fortyEightVM = PCIBoardID(deviceID: 0x2bb5, subsystem: PCISubsystem(vendor: 0x10de, device: 0x204e))
    let release580 = FirmwareRelease.known("580.142")

    @Test func the48VMBoardGets1370MiBAnd48PartitionsFrom580() throws {
        let p = try #require(module.heapParameters(for: BlackwellChip.gb202.chip, release: release580, board: fortyEightVM))
        #expect(p.vgpuDefault == 1370 * Sizes.MiB && p.vgpuPartitionCount == 48)
        // The plan's heap and the VF partition count GspFwWprMeta carries.
        let heap = try GSPHeap.plan(framebuffer: 96 * Sizes.GiB, mode: .vgpu(override: nil), parameters: p)
        #expect(heap.size == 1370 * Sizes.MiB && heap.vfPartitionCount == 48)
    }

    @Test func everyOtherCaseKeepsTheDefault() throws {
        let gb202 = BlackwellChip.gb202.chip
        let defaults = try #require(module.heapParameters(for: gb202, release: release580))
        #expect(defaults.vgpuDefault == 581 * Sizes.MiB && defaults.vgpuPartitionCount == 32)
        // No board known (plan --chip), a 32-VM subsystem, another die, and 570 (before NVIDIA's rule).
        #expect(module.heapParameters(for: gb202, release: release580, board: nil) == defaults)
        let other = PCIBoardID(deviceID: 0x2bb5, subsystem: PCISubsystem(vendor: 0x10de, device: 0x204d))
        #expect(module.heapParameters(for: gb202, release: release580, board: other) == defaults)
        #expect(module.heapParameters(for: BlackwellChip.gb203.chip, release: release580, board: fortyEightVM)
            == module.heapParameters(for: BlackwellChip.gb203.chip, release: release580))
        let release570 = FirmwareRelease.known("570.144")
        #expect(module.heapParameters(for: gb202, release: release570, board: fortyEightVM)?.vgpuDefault == 581 * Sizes.MiB)
    }
}
