import VGPUCore

/// GB202's vGPU heap from 580: GH100's parameters, except on the boards NVIDIA enables for 48 VMs,
/// which get a 1370 MiB vGPU heap (`GSP_FW_HEAP_SIZE_VGPU_48VMS`) and 48 VF partitions
/// (`MAX_PARTITIONS_WITH_GFID`) instead of 581 MiB and 32.
///
/// NVIDIA 580.142 `kernel_gsp_gb202.c:35-61` (`_is48VmEnabled`, `kgspVgpuFwHeapSize_GB202`,
/// `kgspVgpuNumVgpuPartitions_GB202`), bound for GB202 alone (`g_kernel_gsp_nvoc.c:1756-1776`; GB203 to
/// GB207 keep 581 MiB and 32), first in 580.65.06. The test compares the upper 16 bits of the device and
/// subsystem ids, so the subsystem vendor does not matter. The override range stays 581...1093 MiB.
public enum GB202HeapParameters {
    /// (PCI device, subsystem device) of the 48-VM boards: RTX PRO 6000 Blackwell Server Edition 2BB5/204E,
    /// and 2BB1/204B.
    public static let fortyEightVMBoards: [(device: UInt16, subsystemDevice: UInt16)] = [(0x2bb5, 0x204e), (0x2bb1, 0x204b)]
    /// The first release that sizes these boards apart.
    public static let firstRelease = FirmwareRelease.known("580.65.06")
    /// `GSP_FW_HEAP_SIZE_VGPU_48VMS` (580.142 `gsp_fw_heap.h:84`).
    public static let fortyEightVMHeap = 1370 * Sizes.MiB
    /// `MAX_PARTITIONS_WITH_GFID` (580.142 `nv_sriov_defines.h:99`).
    public static let fortyEightVMPartitions: UInt8 = 48

    /// Whether `board` is one NVIDIA enables for 48 VMs (its subsystem must be known).
    public static func hostsFortyEightVMs(_ board: PCIBoardID) -> Bool {
        guard let subsystem = board.subsystem else { return false }
        return fortyEightVMBoards.contains { $0.device == board.deviceID && $0.subsystemDevice == subsystem.device }
    }

    /// The parameters of GB202 at `release` on `board` (nil: the board is not known).
    public static func parameters(for release: FirmwareRelease, board: PCIBoardID?) -> GSPHeapParameters? {
        guard var p = GH100HeapParameters.parameters(for: release) else { return nil }
        if release >= firstRelease, let board, hostsFortyEightVMs(board) {
            p.vgpuDefault = fortyEightVMHeap
            p.vgpuPartitionCount = fortyEightVMPartitions
        }
        return p
    }
}
