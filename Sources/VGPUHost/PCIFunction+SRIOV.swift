import VGPUCore

extension PCIFunction {
    /// How many VFs are enabled: the capability's NumVFs when VF Enable is set (0 when it is clear);
    /// from the sysfs files, `sriov_numvfs`, or where that could not be read, the `virtfnN` links the
    /// kernel made, one per enabled VF (an unreadable file is a diagnostic, not "0 enabled"). Nil with
    /// neither the capability nor `sriov_totalvfs`.
    public var enabledVFCount: Int? {
        if let cap = config?.sriov { return cap.vfEnabled ? Int(cap.numVFs) : 0 }
        guard let files = sriov, files.totalVFs != nil else { return nil }
        return files.numVFs ?? virtualFunctions.count
    }

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
            return SRIOVValues(totalVFs: cap.totalVFs, numVFs: UInt16(clamping: enabledVFCount ?? 0), firstVFOffset: cap.firstVFOffset,
                               vfStride: cap.vfStride, vfDeviceID: cap.vfDeviceID, vfBARs: bars)
        }
        guard let files = sriov, let total = files.totalVFs, unreadableVFPlacement.isEmpty else { return nil }
        return SRIOVValues(totalVFs: UInt16(clamping: total), numVFs: UInt16(clamping: enabledVFCount ?? 0),
                           firstVFOffset: UInt16(clamping: files.offset ?? 0), vfStride: UInt16(clamping: files.stride ?? 0),
                           vfDeviceID: files.vfDevice, vfBARs: fromResources)
    }
}

extension PCIFunction {
    /// True when config space was not read far enough to hold the SR-IOV capability (an extended
    /// capability, past byte 0x100): then only the `sriov_*` files can say anything of SR-IOV.
    var capabilityUnseen: Bool { (config?.size ?? 0) <= 0x100 }

    /// The sysfs files that place VFs (`sriov_offset`, and with more than one VF `sriov_stride`) which
    /// are missing or unreadable where the capability was not read either: without them no VF's
    /// routing ID is known. main put 0 in their place and sent a GSP_VF_INFO with firstVFOffset 0.
    public var unreadableVFPlacement: [String] {
        guard config?.sriov == nil, capabilityUnseen, let files = sriov, let total = files.totalVFs, total > 0 else { return [] }
        return (files.offset == nil ? ["sriov_offset"] : []) + (total > 1 && files.stride == nil ? ["sriov_stride"] : [])
    }

    /// What of SR-IOV cannot be read, one sentence each; empty when everything needed was read. Not a
    /// contradiction (`sriovProblems`) and not a hardware fact: an unreadable `sriov_totalvfs` beside
    /// unread config space leaves unknown whether there is SR-IOV at all (main said "no SR-IOV
    /// capability: this GPU cannot host vGPUs"), and an unknown offset or stride leaves every VF's
    /// routing ID unknown.
    public var sriovUnreadable: [String] {
        func why(_ file: String) -> String {
            problem(reading: file).map { "\(file) cannot be read (\($0))" } ?? "\(file) is missing"
        }
        if config?.sriov == nil, capabilityUnseen, sriov?.totalVFs == nil, problem(reading: "sriov_totalvfs") != nil {
            return ["\(why("sriov_totalvfs")), nor the SR-IOV capability past config's first bytes: whether the GPU has SR-IOV is unknown"]
        }
        var unread = unreadableVFPlacement.map { "\(why($0)), nor the SR-IOV capability past config's first bytes: no VF's routing ID is known" }
        // VFs whose device id reads 0 are unusable; one that cannot be read leaves that unknown (main
        // passed the check with "VF device ?").
        if config?.sriov == nil, capabilityUnseen, let total = sriov?.totalVFs, total > 0, sriov?.vfDevice == nil {
            unread.append("\(why("sriov_vf_device")), nor the SR-IOV capability past config's first bytes: whether the VFs are usable (a VF device id of 0 means not) is unknown; as root the capability is read")
        }
        return unread
    }

    /// What makes this function's SR-IOV picture impossible, one sentence each; empty when it is
    /// consistent. The one validation every command relies on before it trusts the values: a report's
    /// readiness, GSP_VF_INFO, the types that fit and the simulated VFs all start from them.
    ///
    /// Checked: counts in range (TotalVFs 0...65535 from the files, NumVFs <= TotalVFs), a First VF
    /// Offset and a VF Stride that give each VF its own routing ID (offset and stride non-zero when
    /// there are VFs), every VF inside the PF's segment (routing ID <= 0xffff), and the enabled count
    /// agreeing with the `virtfnN` links the kernel made.
    public var sriovProblems: [String] {
        let total: Int, enabled: Int, offset: Int?, stride: Int?
        if let cap = config?.sriov {
            (total, enabled, offset, stride) = (Int(cap.totalVFs), enabledVFCount ?? 0, Int(cap.firstVFOffset), Int(cap.vfStride))
        } else if let files = sriov, let t = files.totalVFs {
            (total, enabled, offset, stride) = (t, enabledVFCount ?? 0, files.offset, files.stride)
        } else {
            return []
        }
        var problems: [String] = []
        guard (0...0xffff).contains(total) else { return ["TotalVFs \(total) is outside 0...65535"] }
        if enabled < 0 || enabled > total { problems.append("NumVFs \(enabled) is outside 0...TotalVFs (\(total))") }
        if total > 0, let offset, offset <= 0 || offset > 0xffff {
            problems.append("First VF Offset \(offset) cannot place a VF (it must be 1...65535)")
        }
        if total > 1, let stride, stride <= 0 || stride > 0xffff {
            problems.append("VF Stride \(stride) would give every VF the same routing ID (it must be 1...65535)")
        }
        if problems.isEmpty, total > 0, let offset, let stride,
           let last = address.vfRoutingID(total, firstVFOffset: offset, vfStride: stride) {
            if last > 0xffff { problems.append("VF \(total) would be at routing ID \(last), past the segment's last (65535)") }
        }
        // Also with none enabled: links to VFs that are not enabled contradict the count as much.
        if enabled >= 0 && enabled <= total && virtualFunctions.count != enabled {
            problems.append("\(enabled) VFs are enabled but the kernel lists \(virtualFunctions.count) virtfn links")
        }
        return problems
    }
}
