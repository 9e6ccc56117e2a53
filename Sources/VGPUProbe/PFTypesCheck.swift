import VGPUCore

extension HostProbe {
    /// The `pf-types` check, where operators most often go wrong on an SR-IOV GPU: once its VFs are on,
    /// the GPU itself (the PF) lists no vGPU type (no `nvidia/`, no `mdev_supported_types`), and a tool
    /// or a person asking the PF concludes that vGPU is broken. The check passes and names where the
    /// types are. Nil unless VFs are enabled and show their interface.
    static func pfTypesCheck(_ gpu: ProbedGPU, interface: VGPUInterfaceReport?) -> HostReport.Check? {
        // A free VF, whose list shows what can still be created (one that hosts a vGPU lists none).
        guard let interface, let vf = (gpu.vfs.first { $0.isFree } ?? gpu.vfs.first)?.function.address else { return nil }
        let place: String
        switch interface.kind {
        case .vendorSpecificVFIO: place = "\(vf)/nvidia/creatable_vgpu_types"
        case .mediatedDevicesOnVFs: place = "\(vf)/mdev_supported_types (mdevctl types lists each VF's)"
        case .mediatedDevicesOnGPU: return nil
        }
        return .init(name: .pfTypes, ok: true,
                     detail: "with SR-IOV on, \(gpu.address) itself lists no vGPU type: ask its VFs, e.g. \(place), "
                         + "and create each vGPU on a free VF")
    }
}
