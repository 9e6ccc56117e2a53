/// How a generation's GPUs host vGPUs, which decides what "ready for vGPU" means for them.
public enum VGPUInterface: String, Sendable, Codable, Equatable {
    /// One vGPU per SR-IOV virtual function, created through NVIDIA's vendor-specific VFIO directory on
    /// each VF (`<VF>/nvidia/creatable_vgpu_types`, `current_vgpu_type`): Ampere and later with vGPU 17
    /// and later.
    case sriovVirtualFunctions = "sriov"
    /// Time-sliced mediated devices created on the physical function (`<PF>/mdev_supported_types/
    /// nvidia-<id>/`): Turing. Its SR-IOV capability, where present, is not used.
    case mediatedDevices = "mdev"
}
