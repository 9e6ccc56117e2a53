import VGPUCore

extension HostProbe {
    /// The `pf-types` check, where operators most often go wrong on an SR-IOV GPU: once its VFs are on,
    /// the GPU itself (the PF) lists no vGPU type (no `nvidia/`, no `mdev_supported_types`), and a tool
    /// or a person asking the PF concludes that vGPU is broken. The check passes and names where the
    /// types are. Nil unless VFs are enabled and show their interface.
    static func pfTypesCheck(_ gpu: ProbedGPU, interface: VGPUInterfaceReport?) -> HostReport.Check? {
        guard let interface else { return nil }
        // A VF that shows the interface (one bound to vfio-pci has neither directory), free where one is:
        // its list shows what can still be created (one that hosts a vGPU lists none).
        let showing: (ProbedGPU.VirtualFunction) -> Bool
        let path: String
        switch interface.kind {
        case .vendorSpecificVFIO: (showing, path) = ({ $0.function.hasNVIDIADirectory }, "nvidia/creatable_vgpu_types")
        case .mediatedDevicesOnVFs: (showing, path) = ({ !($0.function.mediatedDeviceTypes ?? []).isEmpty }, "mdev_supported_types (mdevctl types lists each VF's)")
        case .mediatedDevicesOnGPU: return nil
        }
        let candidates = gpu.vfs.filter(showing)
        guard let vf = (candidates.first { $0.isFree } ?? candidates.first)?.function.address else { return nil }
        let place = "\(vf)/\(path)"
        return .init(name: .pfTypes, ok: true,
                     detail: "with SR-IOV on, \(gpu.address) itself lists no vGPU type: ask its VFs, e.g. \(place), "
                         + "and create each vGPU on a free VF")
    }
}
