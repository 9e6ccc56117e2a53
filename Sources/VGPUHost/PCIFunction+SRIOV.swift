import VGPUCore

extension PCIFunction {
    /// The PF's SR-IOV facts for VF info: the capability when config was readable, else the sysfs
    /// files. VF BARs come from the `resource` VF lines (7-12), whose sizes say which BARs exist, and
    /// else from the capability's VF BAR registers (an unassigned BAR reads 0 there).
    public var sriovValues: SRIOVValues? {
        let fromResources = resources.filter { (7...12).contains($0.index) && $0.size > 0 }
            .map { SRIOVValues.VFBARValue(index: $0.index - 7, address: $0.start, is64Bit: $0.is64Bit) }
        if let cap = config?.sriov {
            let bars = fromResources.isEmpty
                ? cap.vfBARs.filter { $0.address != 0 }.map { SRIOVValues.VFBARValue(index: $0.index, address: $0.address, is64Bit: $0.is64Bit) }
                : fromResources
            return SRIOVValues(totalVFs: cap.totalVFs, numVFs: cap.vfEnabled ? cap.numVFs : 0, firstVFOffset: cap.firstVFOffset,
                               vfStride: cap.vfStride, vfDeviceID: cap.vfDeviceID, vfBARs: bars)
        }
        guard let files = sriov, let total = files.totalVFs else { return nil }
        return SRIOVValues(totalVFs: UInt16(clamping: total), numVFs: UInt16(clamping: files.numVFs ?? 0),
                           firstVFOffset: UInt16(clamping: files.offset ?? 0), vfStride: UInt16(clamping: files.stride ?? 0),
                           vfDeviceID: files.vfDevice ?? 0, vfBARs: fromResources)
    }
}
